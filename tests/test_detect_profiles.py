"""langdetect's profiles made ready lazily give the table, and so the detections, that langdetect
builds itself."""

from __future__ import annotations

import random

import pytest
from langdetect import detector_factory
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from polypost.languages import detect, profiles  # detect: the seed is fixed there

TEXTS = [
    "Our community manager grows the engagement rate every week.",
    "Nuestro community manager mejora la tasa de interacción cada semana.",
    "O nosso gestor de comunidade melhora a taxa de envolvimento todas as semanas.",
    "Notre gestionnaire de communauté améliore le taux d'engagement chaque semaine.",
    "Unser Community-Manager verbessert jede Woche die Interaktionsrate.",
    "Il nostro community manager migliora il tasso di coinvolgimento ogni settimana.",
    "O noso xestor de comunidade mellora a taxa de interacción cada semana.",
    "El nostre gestor de comunitat millora la taxa d'interacció cada setmana.",
    "Наш менеджер сообщества каждую неделю повышает вовлечённость.",
    "我们的社区经理每周都会提高参与率。", "SEO", "ok", "¡Hola!", "42 km",
]


@pytest.fixture(scope="module")
def stock() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def probabilities(factory: DetectorFactory, text: str) -> list[tuple[str, float]]:
    detector = factory.create()
    detector.append(text)
    return [(item.lang, item.prob) for item in detector.get_probabilities()]


def test_every_row_of_the_table_is_langdetect_s_own(stock):
    ours = profiles._factory(PROFILES_DIRECTORY)
    assert ours.langlist == stock.langlist
    table = stock.word_lang_prob_map
    assert all(word in ours.word_lang_prob_map and ours.word_lang_prob_map[word] == row for word, row in table.items())
    for absent in ("zzzq", "\u2603", "", "abcd"):
        assert (absent in ours.word_lang_prob_map) == (absent in table)


def test_detections_are_langdetect_s_own_to_the_last_digit(stock, corpus):
    ours = profiles._factory(PROFILES_DIRECTORY)
    texts = list(TEXTS)
    rng = random.Random(3)
    for path in sorted((corpus / "markdown").rglob("*.md"))[:12]:
        words = path.read_text(encoding="utf-8").split()
        start = rng.randrange(max(1, len(words) - 80))
        texts.append(" ".join(words[start:start + rng.choice((5, 20, 80))]))
    for text in texts:
        assert probabilities(ours, text) == probabilities(stock, text), text


def test_detect_language_gives_langdetect_its_factory_once(monkeypatch):
    monkeypatch.setattr(detector_factory, "_factory", None)
    assert detect.detect_language("Nuestro community manager mejora la tasa de interacción cada semana.")[0] == "es"
    made = detector_factory._factory
    assert isinstance(made.word_lang_prob_map, profiles._Rows)
    detect.detect_language("Our community manager grows the engagement rate every week.")
    assert detector_factory._factory is made
