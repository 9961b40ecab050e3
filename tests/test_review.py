"""`polypost review`: the flagged posts and segments of a real Apertium run, and the pieces the
round trip relies on (unit ids, placeholder checks)."""

from __future__ import annotations

import json

import pytest
from test_import import APERTIUM, FLAGGED, Blog, edit_xliff

from polypost.review.units import make_unit_id, parse_unit_id, placeholder_problems

needs_apertium = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed")


@pytest.fixture
def blog(tmp_path) -> Blog:
    blog = Blog(tmp_path)
    assert blog.run()["flagged"] == 1
    return blog


@needs_apertium
def test_review_lists_each_flag_with_post_field_segment_source_and_target(blog: Blog):
    result = blog.cli("review", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["flagged_posts"] == 1 and data["flags"] == 1
    post = data["posts"][0]
    assert post["post"] == blog.post_id("stack") and post["status"] == "flagged"
    assert post["title"] == "Our monitoring tools"
    [flag] = post["flags"]
    assert flag["post"] == post["post"] and flag["field"] == "body" and flag["segment"] == 1
    assert flag["check"] == "untranslated" and flag["evidence"] == "output identical to the source"
    assert flag["source"] == FLAGGED and flag["target"] == FLAGGED  # Apertium left it as it was
    assert parse_unit_id(flag["unit"])[:3] == (post["post"], "body", 1)

    text = blog.cli("review").stdout
    assert "body #1: untranslated: output identical to the source" in text
    assert f"en: {FLAGGED}" in text and "polypost export" in text


@needs_apertium
def test_review_is_empty_once_the_flagged_segment_is_fixed(blog: Blog):
    out = blog.export("xliff", "--flagged")
    edit_xliff(out, {FLAGGED: "Grafana, Terraform, Ansible y Jenkins."})
    blog.import_(out)
    data = json.loads(blog.cli("review", "--json").stdout)
    assert data == {"posts": [], "flagged_posts": 0, "flags": 0}
    assert "nothing to review" in blog.cli("review").stdout
    empty = blog.cli("export", "--format", "xliff", "--flagged", str(blog.root / "none.xlf"))
    assert empty.exit_code == 0 and "nothing to export" in empty.stdout
    assert not (blog.root / "none.xlf").exists()


@needs_apertium
def test_export_options_are_checked(blog: Blog, tmp_path):
    both = blog.cli("export", "--format", "po", "--post", "stack", "--flagged", str(tmp_path / "x.po"))
    assert both.exit_code == 2 and "exclude each other" in both.stderr
    unknown = blog.cli("export", "--format", "po", "--post", "no-such-post", str(tmp_path / "x.po"))
    assert unknown.exit_code == 2 and "no-such-post" in unknown.stderr
    assert blog.cli("export", "--format", "docx", str(tmp_path / "x.docx")).exit_code == 2


def test_unit_ids_round_trip_and_foreign_ids_are_refused():
    key = "ab" * 32
    assert parse_unit_id(make_unit_id("9750e5b1928c", "body", 12, key)) == ("9750e5b1928c", "body", 12, key)
    assert parse_unit_id(make_unit_id("odd:post:id", "title", 0, key)) == ("odd:post:id", "title", 0, key)
    for foreign in ("menu.greeting", f"p:footer:1:{key}", f"p:body:x:{key}", "p:body:1:abc"):
        with pytest.raises(ValueError, match="not a polypost unit id"):
            parse_unit_id(foreign)


SOURCE = "Read ⟦1⟧the ⟦2⟧full⟦/2⟧ guide⟦/1⟧ first ⟦3/⟧."


@pytest.mark.parametrize("target, problems", [
    ("Lee primero ⟦1⟧la guía ⟦2⟧completa⟦/2⟧⟦/1⟧ ⟦3/⟧.", []),
    ("⟦3/⟧ Lee ⟦1⟧la ⟦2⟧guía⟦/2⟧⟦/1⟧.", []),  # moving a code is a translator's right
    ("Lee la guía completa primero ⟦3/⟧.", ["missing ⟦1⟧ ⟦/1⟧ ⟦2⟧ ⟦/2⟧"]),
    ("Lee ⟦1⟧la ⟦2⟧guía⟦/2⟧⟦/1⟧ ⟦3/⟧ ⟦4/⟧.", ["not in the source: ⟦4/⟧"]),
    ("Lee ⟦1⟧la ⟦2⟧guía⟦/2⟧⟦/1⟧ ⟦3/⟧ ⟦3/⟧.", ["repeated: ⟦3/⟧"]),
    ("Lee ⟦/1⟧la ⟦2⟧guía⟦/2⟧⟦1⟧ ⟦3/⟧.", ["⟦/1⟧ comes before ⟦1⟧"]),
    ("Lee ⟦1⟧la ⟦2⟧guía⟦/1⟧⟦/2⟧ ⟦3/⟧.", ["⟦/1⟧ closes inside ⟦2⟧ (tags overlap)"]),
])
def test_placeholder_problems(target, problems):
    assert placeholder_problems(SOURCE, target) == problems
