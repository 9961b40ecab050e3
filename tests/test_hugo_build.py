"""The Hugo output built by the real `hugo` (Debian's package; `.ci/setup --test` installs it)
with its default configuration, both layouts: every post paired in Hugo's own rendered pages,
no "raw HTML omitted", the pages at the URLs polypost gave them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import frontmatter
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from polypost.cli import cli

BASE = "https://blog.example.com/"
pytestmark = [pytest.mark.skipif(not shutil.which("hugo"), reason="hugo is not installed (.ci/setup --test)"),
              pytest.mark.skipif(not shutil.which("apertium"), reason="Apertium is not installed")]

SINGLE = """<!DOCTYPE html>
<html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
{{ with .Params.translation_note }}<p class="note">{{ . }}</p>{{ end }}
<div class="body">{{ .Content }}</div>
<ul class="translations">{{ range .Translations }}<li><a href="{{ .Permalink }}" hreflang="{{ .Language.Lang }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ range .Params.comments }}<div class="comment">{{ .author }}</div>{{ end }}
</body></html>
"""
LIST = """<!DOCTYPE html><html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
{{ range .Pages }}<a href="{{ .Permalink }}">{{ .Title }}</a>{{ end }}</body></html>
"""


def hugo_config(layout: str) -> str:
    folders = layout == "folders"
    return (f'baseURL = "{BASE}"\ndefaultContentLanguage = "en"\n'
            '[languages.en]\nlanguageName = "English"\nweight = 1\n' + ('contentDir = "content/en"\n' if folders else "")
            + '[languages.es]\nlanguageName = "Español"\nweight = 2\n' + ('contentDir = "content/es"\n' if folders else ""))


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["bundles", "folders"])
def test_hugo_builds_the_output_and_pairs_every_post(tmp_path, samples, corpus, layout):
    site = tmp_path / "site"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "_default" / "single.html").write_text(SINGLE)
    (site / "layouts" / "_default" / "list.html").write_text(LIST)
    (site / "layouts" / "index.html").write_text(LIST)
    (site / "hugo.toml").write_text(hugo_config(layout))
    (tmp_path / "polypost.toml").write_text(f'[site]\nformat = "hugo"\nhugo_layout = "{layout}"\n')
    run = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "--config", str(tmp_path / "polypost.toml"), "run",
                                   str(samples), str(corpus / "markdown" / "k8s-blog-en-es"), "--out", str(site),
                                   "--engine", "apertium", "--base-url", BASE, "--json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["published"] == 18  # the 8 samples' pairs and the k8s pair
    build = subprocess.run(["hugo", "--source", str(site), "--destination", str(tmp_path / "public"), "--quiet"],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    public = tmp_path / "public"
    rendered = {p: p.read_text(encoding="utf-8") for p in public.rglob("*.html")}
    assert not [p for p, text in rendered.items() if "raw HTML omitted" in text]
    # Every content file polypost wrote is a page of Hugo's, at the URL polypost gave it, linking its twin.
    files = sorted((site / "content").rglob("index*.html"))
    assert len(files) == 18
    keys: dict[str, list[Path]] = {}
    for path in files:
        keys.setdefault(frontmatter.load(path)["translationKey"], []).append(path)
    assert all(len(pair) == 2 for pair in keys.values()) and len(keys) == 9
    for key, pair in keys.items():
        urls = []
        for path in pair:
            matter = frontmatter.load(path)
            spanish = path.name == "index.es.html" or "/content/es/" in str(path)
            url = f"{BASE}{'es/' if spanish else ''}posts/{matter['slug']}/"
            page = public / url[len(BASE):] / "index.html"
            assert page.is_file(), (key, url)
            doc = lxml_html.fromstring(page.read_bytes())
            assert doc.get("lang") == ("es" if spanish else "en")
            assert doc.findtext(".//h1") == matter["title"]
            urls.append((url, doc.xpath('//ul[@class="translations"]/li/a/@href')))
        (first, first_links), (second, second_links) = urls
        assert first_links == [second] and second_links == [first], key
    # The human Spanish text of the k8s post, not Apertium's; the note is the template's to show.
    k8s = (public / "es" / "posts" / "introducing-node-readiness-controller" / "index.html").read_text(encoding="utf-8")
    assert "En el modelo estándar de Kubernetes" in k8s
    machine = [text for path, text in rendered.items() if "/es/posts/" in str(path) and 'class="note"' in text]
    assert len(machine) == 9 and re.search(r"traducción", machine[0])
