"""QA checks with real failure modes of machine translation, and outputs that must pass."""

from __future__ import annotations

import pytest

from polypost.glossary import Glossary
from polypost.glossary.shipped import shipped_glossary_paths
from polypost.translate.qa import check_segment

GLOSSARY = Glossary.load(shipped_glossary_paths("en", "es"))


def checks(source: str, target: str) -> set[str]:
    # As the translate stage calls it: with the renderings of the glossary terms in the source.
    terms = [m.target_form for m in GLOSSARY.matches(source)]
    return {flag["check"] for flag in check_segment(source, target, terms=terms)}


@pytest.mark.parametrize(
    "source, target, expected",
    [
        # The Argos en->es failure users report: a word stuck in a loop.
        ("Students enrolled in the new course last year.",
         "Los estudiantes matriculados matriculados matriculados en el curso nuevo el año pasado.", "repetition"),
        ("The problem is the budget of the campaign.",
         "El problema el problema es el presupuesto de la campaña.", "repetition"),
        ("We sold 1,500 units in 2023 for 3.5 million euros.",
         "Vendimos 1.500 unidades en 2022 por 3,5 millones de euros.", "numbers"),
        ("Our newsletter reached new readers this month and many of them bought the course.",
         "Our newsletter reached new readers this month and many of them bought the course.", "untranslated"),
        ("This sentence has plenty of words so the detector can judge its language well.",
         "This sentence has plenty of words so the detector can judge its language, ok.", "untranslated"),
        # A copy engine with forced glossary terms: mixed words, English grammar.
        ("A small team can grow its social media reach with one clear call to action per post.",
         "A small team can grow its redes sociales alcance with one clear llamada a la acción per post.",
         "untranslated"),
        ("Plan your content calendar. Measure the reach of every post. Review what worked. Repeat it.",
         "Planifica tu calendario de contenidos.", "truncated"),
        ("Plan your content calendar every single week before the campaign starts.", "", "empty"),
        ("Plan your content calendar every single week before the campaign starts.", "Planifica.", "length"),
    ],
)
def test_bad_translations_are_flagged(source, target, expected):
    assert expected in checks(source, target)


@pytest.mark.parametrize(
    "source, target",
    [
        ("Do you need every field? Each extra field costs you money.",
         "¿Necesitas cada campo? Cada campo extra te cuesta dinero."),
        ("The questions come up again and again.", "Las preguntas salen una y otra vez y otra vez."),
        ("We sold 1,500 units in 2023 for 3.5 million euros.",
         "Vendimos 1.500 unidades en 2023 por 3,5 millones de euros."),
        ("Community managers know their ⟦1⟧followers⟦/1⟧ by name.",
         "Los community managers conocen a sus ⟦1⟧seguidores⟦/1⟧ por su nombre."),
        ("Instagram", "Instagram"),
    ],
)
def test_good_translations_pass(source, target):
    assert checks(source, target) == set()


def test_flags_carry_evidence():
    flags = check_segment("We sold 1,500 units in 2023.", "Vendimos 1.500 unidades en 2022.")
    assert flags == [{"check": "numbers", "evidence": "missing 2023"}]


def test_an_english_word_left_in_spanish_is_a_finding_unless_the_glossary_renders_it():
    source, target = "Each extra field costs you leads.", "Cada campo extra te cuesta leads."
    assert {"check": "untranslated-words", "evidence": "leads"} in check_segment(source, target)
    assert check_segment(source, target, terms=["leads"]) == []
    # A name is not an English word left behind.
    assert check_segment("Ask Grafana and Jenkins.", "Pregunta a Grafana y Jenkins.") == []
