"""Glossary terms through an Argos model whose tokenizer has no byte fallback, per model variant.

A marketing post of our own (tests/data/glossary_post.en.md: links and emphasis around terms,
terms in headings, plurals, terms at the start of sentences) and its glossary
(tests/data/glossary_argos.en-es.tsv: forced renderings and terms kept in English) go through
the path the translate stage takes: `Glossary.protect` with the strategy measured best for
Argos, the engine, `Glossary.restore`, `Document.reassemble`. The targets: forced terms >= 98%,
kept terms 100%, and no placeholder or term token on the page. With the copy and shift models
the rest of each sentence is known too: the source's own words, every term replaced by its
target form, nothing lost and nothing added.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from argos_fixture import installed_variant
from polypost.glossary import Glossary
from polypost.glossary.protect import forced_forms
from polypost.records import SourcePost
from polypost.segment.document import segment_html
from polypost.sources.files import iter_file_posts

DATA = Path(__file__).resolve().parent / "data"
POST = DATA / "glossary_post.en.md"
GLOSSARY = DATA / "glossary_argos.en-es.tsv"
_MARKUP = re.compile(r"⟦/?\d+/?⟧")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load([GLOSSARY])


@pytest.fixture(scope="module")
def post() -> SourcePost:
    (post,) = [p for p in iter_file_posts([POST]) if isinstance(p, SourcePost)]
    return post


@pytest.fixture(scope="module", params=["copy", "drop", "shift", "reorder"])
def variant_engine(request, tmp_path_factory):
    yield from installed_variant(request.param, tmp_path_factory, "argos-glossary")


def translate_post(glossary: Glossary, engine, post: SourcePost, strategy: str | None = None):
    """(source texts, translations after restore, the Spanish page) as the translate stage makes them."""
    document = segment_html(post.html)
    texts = [post.title] + [segment.text for segment in document.segments]
    protected = [glossary.protect(text, strategy=strategy, engine=engine.name) for text in texts]
    raw = engine.translate([p.text for p in protected], forms=[forced_forms(p) for p in protected])
    outputs = [glossary.restore(p, r) for p, r in zip(protected, raw)]
    return texts, outputs, raw, document.reassemble(outputs[1:]).html


def compliance(glossary: Glossary, texts: list[str], outputs: list[str]) -> dict[str, list[int]]:
    tally = {"keep": [0, 0], "forced": [0, 0]}
    for text, output in zip(texts, outputs):
        for row in glossary.report(text, output):
            counts = tally["keep" if row["keep"] else "forced"]
            counts[0] += min(row["found"], row["expected"])
            counts[1] += row["expected"]
    return tally


def with_target_forms(glossary: Glossary, text: str) -> str:
    """The right answer of a model that copies: the source with every term's target form."""
    out, last = [], 0
    for match in glossary.matches(text):
        out += [text[last:match.start], match.target_form]
        last = match.end
    return "".join(out + [text[last:]])


def _letters(text: str) -> str:
    return re.sub(r"\s+", "", _MARKUP.sub("", text)).casefold()


def test_the_post_is_full_of_both_kinds_of_terms(glossary, post):
    texts = [post.title] + [s.text for s in segment_html(post.html).segments]
    matches = [m for text in texts for m in glossary.matches(text)]
    assert sum(m.term.keep for m in matches) >= 20
    assert sum(not m.term.keep for m in matches) >= 40
    assert any(re.search(r"⟦\d+⟧[^⟦]*(landing page|content calendar|audience)", t, re.I) for t in texts)


@pytest.mark.parametrize("strategy", ["aligned", "prefix"])
def test_forced_and_kept_terms_reach_the_page(glossary, post, variant_engine, strategy):
    variant, engine = variant_engine
    texts, outputs, raw, page = translate_post(glossary, engine, post, strategy)
    tally = compliance(glossary, texts, outputs)
    keep_met, keep_expected = tally["keep"]
    forced_met, forced_expected = tally["forced"]
    print(f"{variant} {strategy}: keep {keep_met}/{keep_expected}, forced {forced_met}/{forced_expected}")
    assert keep_met == keep_expected > 0, variant
    assert forced_met / forced_expected >= 0.98, (variant, forced_met, forced_expected)
    # Nothing of the transport or of the glossary on the page, nor in any translated text.
    assert "⟦" not in page and "⟧" not in page
    for output in outputs:
        assert not re.search(r"[⟦⟧]", _MARKUP.sub("", output)), output
        assert not re.search(r"(?<!\w)/?T\d+(?!\w)", output), output
    assert "redes sociales" in page and "página de destino" in page.lower()


def test_copying_variants_keep_every_other_word(glossary, post, variant_engine):
    """copy and shift write the source's pieces in order: the right answer is known exactly."""
    variant, engine = variant_engine
    if variant not in ("copy", "shift"):
        pytest.skip("only copy and shift write the source's words in order")
    texts, outputs, _raw, _page = translate_post(glossary, engine, post)
    for text, output in zip(texts, outputs):
        assert _letters(output) == _letters(with_target_forms(glossary, text)), (text, output)


def test_a_term_form_is_never_glued_to_the_letters_beside_it(glossary):
    # A model that moves pieces can end the aligned wrap inside a word, or leave a wrap empty.
    source = "The brand grows, and followers come."
    protected = glossary.protect(source, engine="argos")
    assert protected.text == "The ⟦T1⟧brand⟦/T1⟧ grows, and ⟦T2⟧followers⟦/T2⟧ come."
    out = glossary.restore(protected, "Th⟦T1⟧e brand⟦/T1⟧grows, and come⟦T2⟧⟦/T2⟧.")
    assert out == "Th marca grows, and come seguidores."
    assert all(row["met"] for row in glossary.report(source, out))


def test_prefix_decoding_makes_the_model_write_the_forms(glossary, variant_engine):
    variant, engine = variant_engine
    if variant != "copy":
        pytest.skip("the other variants' forced terms are counted in the compliance test")
    source = "We turned casual followers into leads with a new landing page today."
    protected = glossary.protect(source, strategy="prefix")
    assert forced_forms(protected) == {"T1": "seguidores", "T3": "página de destino"}  # "leads" is kept
    raw = engine.translate([protected.text], forms=[forced_forms(protected)])[0]
    # The model wrote the forms itself (the wraps hold them before restore replaces anything);
    # the copy model writes by position, so the words after a longer form are lost: what the
    # benchmark's "rest" column counts, and why "aligned" stays the default for Argos.
    assert raw.startswith("We turned casual ⟦T1⟧seguidores⟦/T1⟧ ")
    assert "⟦T3⟧página de destino⟦/T3⟧" in raw
    assert all(row["met"] for row in glossary.report(source, glossary.restore(protected, raw)))
    # A character the tokenizer does not know, before the term: the prefix carries it as <unk>.
    unknown = glossary.protect("Read ∑ about our landing page now.", strategy="prefix")
    written = engine.translate([unknown.text], forms=[forced_forms(unknown)])[0]
    assert written.startswith("Read ∑ about our ⟦T1⟧página de destino⟦/T1⟧")
    aligned = glossary.protect(source, strategy="aligned")
    assert engine.translate([aligned.text])[0] == aligned.text  # aligned: the model's own words


def test_the_continuation_chosen_does_not_say_the_term_twice():
    from polypost.translate.argos_prefix import Forced, choose, term_target

    prefix = ["▁la", "▁página", "▁de", "▁destino"]
    alternatives = [prefix + ["▁landing", "▁page"], prefix + ["▁página", "."], prefix + ["▁nueva", "."]]
    assert choose(alternatives, len(prefix), {"▁landing", "▁página"}) == 2
    assert choose([prefix, prefix + ["▁x"]], len(prefix), {"▁página"}) == 0  # the sentence may end there
    # The term's target pieces, widened to whole words, never before what is already fixed.
    source, ranges = ["▁a", "▁land", "ing", "▁page"], [(0, 1), (1, 6), (6, 9), (9, 14)]
    term = Forced(2, 14, ["▁página"])
    assert term_target(term, ranges, source, [0, 1, 2, 3], ["▁a", "▁land", "ing", "▁page"], 0) == (1, 4)
    assert term_target(term, ranges, source, [0, 3, 1, 2], ["▁a", "▁page", "▁land", "ing"], 2) is None
