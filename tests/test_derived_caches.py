"""Values worked out once and kept (a reading's tags, a word's plan in a batch, a term's
fingerprint, a text's sentence count): each must be the value of its own input, never another's.
And shortcuts (a pattern's branch left out where a text lacks its marks, a search read from the
end): each must find what the whole search finds, checked on generated texts.
No Apertium needed: readings are written out by hand."""

from __future__ import annotations

import pickle
import random
import re

from polypost.glossary.agreement import _MARKUP, _determiner_pair, _word_before
from polypost.glossary.match import Matcher
from polypost.glossary.term import Term
from polypost.postedit import masking
from polypost.postedit.morphology import Reading
from polypost.postedit.register import plan_words
from polypost.postedit.rules import Rules
from polypost.segment import protected
from polypost.translate.qa_text import _noun_adjective, _subject_verb, _Words, sentence_count


def reading(text: str) -> Reading:
    return Reading(tuple(text.split("+")))


def test_a_reading_derives_its_own_lemma_and_tags_and_equality_ignores_them():
    verb, noun = reading("sentar<vblex><pri><p2><pl>"), reading("casa<n><f><sg>")
    assert (verb.lemma, verb.tags) == ("sentar", ("vblex", "pri", "p2", "pl"))
    assert (noun.lemma, noun.tags) == ("casa", ("n", "f", "sg"))
    assert verb.has("vblex", "p2") and not verb.has("n") and noun.has("n", "f") and not noun.has("vblex")
    assert verb.has() and not noun.has("n", "m")
    # Only the first part is the word's: an enclitic's tags are not the verb's.
    assert not reading("dar<vblex><inf>+prpers<prn><enc><p3><mf><pl>").has("prn")
    assert reading("casa<n><f><sg>") == noun and hash(reading("casa<n><f><sg>")) == hash(noun)
    assert reading("casa<n><f><pl>") != noun
    copy = pickle.loads(pickle.dumps(verb))  # readings cross to cluster workers
    assert copy == verb and copy.tags == verb.tags and copy.has("p2", "pl")


class FakeMorphology:
    def __init__(self, readings: dict[str, tuple[Reading, ...]]):
        self.readings = readings

    def analyse(self, words):
        return {w: self.readings.get(w, ()) for w in words}


def test_qa_words_carry_each_words_own_tags():
    readings = {"la": (reading("el<det><def><f><sg>"),), "casa": (reading("casa<n><f><sg>"),),
                "nuevo": (reading("nuevo<adj><m><sg>"),), "es": (reading("ser<vbser><pri><p3><sg>"),),
                "las": (reading("el<det><def><f><pl>"),), "casas": (reading("casa<n><f><pl>"),)}
    text = "La casa nuevo es"
    spans = [(0, "La"), (3, "casa"), (8, "nuevo"), (14, "es")]
    words = _Words(spans, FakeMorphology(readings))
    assert words.lower == ["la", "casa", "nuevo", "es"]
    assert words.tags[1] == frozenset({"n", "f", "sg"}) and words.tags[2] == frozenset({"adj", "m", "sg"})
    assert _noun_adjective(text, words) == ["casa nuevo"]
    assert _subject_verb(text, words) == []  # singular noun, singular verb
    plural = "Las casas es"
    words = _Words([(0, "Las"), (4, "casas"), (10, "es")], FakeMorphology(readings))
    assert _subject_verb(plural, words) == ["Las casas es"]
    assert _noun_adjective(plural, words) == []


RULES = Rules(tag="es-419", files=(), formality="default", data={
    "register": {"plural": "ustedes"},
    "lexical": {"coger": {"to": "tomar", "senses": {r"\bgrab\b": "agarrar"}}, "ordenador": {"to": "computadora"}},
})

READINGS = {
    "os": (reading("prpers<prn><pro><p2><mf><pl>"),),
    "sentáis": (reading("sentar<vblex><pri><p2><pl>"),),
    "damos": (reading("dar<vblex><pri><p1><pl>"),),
    "tenéis": (reading("tener<vblex><pri><p2><pl>"),),
    "cogemos": (reading("coger<vblex><pri><p1><pl>"),),
    "ordenador": (reading("ordenador<n><m><sg>"),),
}


def plans(texts: list[tuple[str, str]], memo: dict | None) -> list[list[tuple]]:
    return [[(text[c.start:c.end], c.literal, c.analysis, c.rule) for c in plan_words(text, READINGS, source, RULES, memo)]
            for text, source in texts]


def test_a_batch_remembers_a_words_plan_only_where_the_word_alone_decides_it():
    texts = [("os sentáis", "you sit down"), ("os damos", "we give you"),
             ("cogemos el bus", "we take the bus"), ("cogemos el bus", "we grab the bus"),
             ("tenéis un ordenador", "you have a computer"), ("tenéis un ordenador", "you have a computer")]
    alone = plans(texts, None)
    assert plans(texts, {}) == alone  # one memo over the batch: the same plans as each text alone
    assert alone[0][0][1] == "se" and alone[1][0][1] == "les"  # "os": the next verb decides
    assert alone[2][0][2] == "tomar<vblex><pri><p1><pl>" and alone[3][0][2] == "agarrar<vblex><pri><p1><pl>"
    assert alone[4] == alone[5] == [("tenéis", None, "tener<vblex><pri><p3><pl>", "plural"),
                                    ("ordenador", None, "computadora<n><m><sg>", "lexical:ordenador")]


def test_a_term_fingerprint_follows_the_terms_values():
    term = Term(source="lead", target="cliente potencial", pos="noun", gender="m")
    before = term.fingerprint()
    assert Term(source="lead", target="cliente potencial", pos="noun", gender="m").fingerprint() == before
    term.target = "contacto"
    assert term.fingerprint() != before and "contacto" in term.fingerprint()


def test_each_match_has_its_own_target_form():
    terms = [Term(source="lead", target="cliente potencial", pos="noun", gender="m", plural="clientes potenciales"),
             Term(source="email", target="email", pos="noun")]
    found = Matcher(terms).find("One lead, two leads and an Email.")
    assert [(m.surface, m.target_form) for m in found] == [
        ("lead", "cliente potencial"), ("leads", "clientes potenciales"), ("Email", "email")]


def test_sentence_counts_are_kept_per_language():
    text = "Vive en EE. UU. Ahora trabaja allí."
    assert sentence_count(text, "es") == 2
    assert sentence_count(text, "en") == 3  # "UU." is no English abbreviation
    assert sentence_count(text, "es") == 2
    assert sentence_count("Write to ana@example.org. Then wait.", "en") == 2
    assert sentence_count("See www.example.com/a.b. Then go.", "en") == 2


def test_terms_are_never_found_inside_addresses_handles_hashtags_or_placeholders():
    matcher = Matcher([Term(source="lead", target="cliente potencial", pos="noun")])
    found = lambda text: [m.surface for m in matcher.find(text)]  # noqa: E731
    assert found("A lead, #lead and https://example.com/lead and ⟦lead⟧ and www.lead.com") == ["lead"]
    assert found("Write lead@example.com or @lead about a lead") == ["lead"]
    assert found("lead") == ["lead"] and found("no terms here") == []


def test_the_word_before_a_term_is_what_the_searches_from_the_start_found():
    word_re = re.compile(r"([^\W\d_]+)( )(" + _MARKUP + ")$")
    pair_re = re.compile(r"(?:^|(?<= ))(de|a|De|A) (la|los|las|el)$")
    pieces = ["a", "la", "de", "De", "A", "los", "las", "el", "é", "ß", "_", "7", " ", "  ", "\n", "⟦1⟧", "⟦/12⟧",
              "⟦3/⟧", "⟦", "⟧", "/", "\ue000", "\ue001", "casa", "Nueva", "²"]
    rng = random.Random(5)
    samples = ["x de la\n", "casa ⟦1⟧\n", "De los", "la nueva ⟦2⟧⟦/2⟧", " a el", "_a la", "7 casa ⟦1⟧"]
    for _ in range(40000):
        samples.append("".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))))
    for text in samples:
        for pos in {len(text), rng.randint(0, len(text))}:
            m = word_re.search(text[:pos])
            assert _word_before(text, pos) == ((m.start(1), m.group(1), m.group(3)) if m else None), (text, pos)
            p = pair_re.search(text[:pos])
            assert _determiner_pair(text, pos) == ((p.start(1), p.group(0)) if p else None), (text, pos)


def test_protected_spans_are_those_of_the_whole_pattern_whatever_the_text_lacks():
    def full(text):  # every branch, every text
        return [(m.start(), m.start() + protected._length(m.group(0))) for m in protected.PROTECTED_RE.finditer(text)]

    pieces = ["word", " ", ".", "ana@example.org", "@ana", "#tag", "#5", "C#", "www.example.com", "https://a.b/c)",
              "(", ")", "⟦", "⟧", "ftp://x", "@", "&#", "é", "\n"]
    rng = random.Random(3)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert protected.protected_spans(text) == full(text), text
    assert protected.protected_spans("Mail ana@example.org or @ana, see #tag") == [(5, 20), (24, 28), (34, 38)]


def test_masking_hides_what_the_whole_pattern_finds_whatever_the_text_lacks():
    def full(text):
        spans = []
        masked = masking._PROTECTED.sub(lambda m: spans.append(m.group(0)) or masking.MASK,
                                        text.replace(masking.MASK, ""))
        return masked, spans

    pieces = ["palabra", " ", "`code`", "`", "⟦1⟧", "⟦/1⟧", "ana@example.org", "@ana", "#tema", "www.example.com",
              "https://a.b/c", masking.MASK, "é", ".", "⟧"]
    rng = random.Random(4)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        assert masking.mask(text) == full(text), text
