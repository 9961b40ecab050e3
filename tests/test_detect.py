"""detect.py: short and long English/Spanish texts written for these tests, determinism, posts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from polypost.languages.detect import SHORT_TEXT, detect_language, detect_post, text_of
from polypost.records import Comment, SourcePost

SHORT_EN = [
    "Great post!", "Thanks for sharing", "Love it", "How to grow your followers on Instagram",
    "Five landing page mistakes that kill your conversion rate", "This is exactly what I needed today.",
    "Can you write about TikTok ads next?", "Why your newsletter open rate is dropping",
    "I shared this with my team", "What a useful checklist, thank you",
    "Brand awareness is not a vendor's KPI", "The best time to post on LinkedIn",
    "Does this work for small businesses too?", "Our community manager loved this",
    "Inbound marketing for beginners", "Where do you find these insights?",
    "Is there a Spanish version of this article?", "Social media is a conversation, not a billboard",
    "A simple guide to tracking ROI", "Totally agree with the point about influencers",
    "Hashtags that actually bring reach", "We tried it and our engagement doubled",
]
SHORT_ES = [
    "¡Me encanta!", "Gracias por compartir", "Muy útil, gracias", "Cómo aumentar tus seguidores en Instagram",
    "Cinco errores de una landing page que hunden tu tasa de conversión", "Justo lo que necesitaba hoy.",
    "¿Puedes escribir sobre anuncios en TikTok?", "Por qué baja la tasa de apertura de tu newsletter",
    "Lo compartí con mi equipo", "Qué lista tan útil, muchas gracias",
    "La notoriedad de marca no es un KPI del proveedor", "El mejor momento para publicar en LinkedIn",
    "¿Esto sirve también para pequeñas empresas?", "A nuestra community manager le encantó",
    "Marketing de atracción para principiantes", "¿Dónde encuentras estos datos?",
    "¿Hay una versión en español de este artículo?", "Las redes sociales son una conversación, no un cartel",
    "Una guía sencilla para medir el ROI", "Totalmente de acuerdo con lo de los influencers",
    "Hashtags que de verdad dan alcance", "Lo probamos y nuestro engagement se duplicó",
]
LONG_EN = [
    "Most brands still treat social media as a megaphone. They schedule a post, watch the likes, and move on. "
    "The brands that grow treat every channel as a conversation: they answer questions, share what their "
    "customers make, and measure what happens after the click, not just the reach of the post.",
    "A landing page has one job. Every link that does not lead to the call to action is a leak, and every "
    "field in the form that you do not need costs you leads. Start by removing the navigation bar, then test "
    "the headline, and only then worry about the colour of the button.",
    "When we moved our newsletter from a monthly digest to a short weekly note, the open rate went up by a "
    "third and the unsubscribe rate fell. Readers told us they preferred one useful idea a week to ten links "
    "they would never have time to read.",
]
LONG_ES = [
    "La mayoría de las marcas todavía usan las redes sociales como un megáfono. Programan una publicación, "
    "miran los me gusta y pasan a otra cosa. Las marcas que crecen tratan cada canal como una conversación: "
    "responden preguntas, comparten lo que hacen sus clientes y miden lo que pasa después del clic.",
    "Una landing page tiene un solo trabajo. Cada enlace que no lleva a la llamada a la acción es una fuga, y "
    "cada campo del formulario que no necesitas te cuesta clientes potenciales. Empieza por quitar la barra de "
    "navegación, prueba el titular y solo después preocúpate por el color del botón.",
    "Cuando pasamos nuestra newsletter de un resumen mensual a una nota semanal breve, la tasa de apertura "
    "subió un tercio y las bajas disminuyeron. Los lectores nos dijeron que preferían una idea útil por semana "
    "a diez enlaces que nunca tendrían tiempo de leer.",
]
# Measured: short en 22/22, short es 22/22, long 6/6. Floors leave room for a langdetect update.
SHORT_ACCURACY_FLOOR = 0.9


def _accuracy(texts: list[str], lang: str) -> float:
    return sum(detect_language(t)[0] == lang for t in texts) / len(texts)


def test_short_texts_choose_between_the_candidates():
    assert all(len(t) < SHORT_TEXT for t in SHORT_EN + SHORT_ES)
    assert _accuracy(SHORT_EN, "en") >= SHORT_ACCURACY_FLOOR
    assert _accuracy(SHORT_ES, "es") >= SHORT_ACCURACY_FLOOR
    assert {detect_language(t)[0] for t in SHORT_EN + SHORT_ES} <= {"en", "es", "und"}


def test_long_texts_are_all_right_with_high_confidence():
    for lang, texts in (("en", LONG_EN), ("es", LONG_ES)):
        for text in texts:
            assert len(text) >= SHORT_TEXT
            code, confidence = detect_language(text)
            assert code == lang and confidence > 0.9, (text[:40], code, confidence)


def test_confidence_is_a_probability():
    for text in SHORT_EN + SHORT_ES + LONG_EN + LONG_ES:
        assert 0.0 <= detect_language(text)[1] <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "12345 67", "!!! ??? 🎉", "<p> </p>", "2024-03-05"])
def test_no_letters_is_undetermined(text):
    assert detect_language(text) == ("und", 0.0)


def test_html_is_stripped_before_detection():
    html = '<p>Gracias por <a href="https://example.com/the-best-english-guide">compartir</a> esto</p>'
    assert text_of(html) == "Gracias por compartir esto"
    assert detect_language(html)[0] == "es"
    assert text_of("<p>a</p><script>var english = 'the and of';</script>") == "a"


def test_other_candidates_are_respected():
    assert detect_language("Merci beaucoup pour cet article", candidates=("fr", "es"))[0] == "fr"
    # with no candidates a short text may be any language langdetect knows
    assert detect_language("Merci beaucoup pour cet article", candidates=())[0] == "fr"


def test_same_answer_in_the_same_process():
    texts = SHORT_EN + SHORT_ES
    assert [detect_language(t) for t in texts] == [detect_language(t) for t in texts]


def test_same_answer_in_a_fresh_process():
    """The seed is set on import, so a new interpreter gives the same answers (the real risk)."""
    code = ("import json, sys; from polypost.languages.detect import detect_language; "
            "print(json.dumps([detect_language(t) for t in json.load(sys.stdin)]))")
    texts = SHORT_EN[:8] + SHORT_ES[:8]
    import json

    runs = [subprocess.run([sys.executable, "-c", code], input=json.dumps(texts), capture_output=True,
                           text=True, check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert [tuple(x) for x in json.loads(runs[0])] == [detect_language(t) for t in texts]


def test_detect_post_sets_comment_languages_in_place():
    post = SourcePost(
        origin="t.md", title="Why engagement beats reach",
        html="<p>" + LONG_EN[0] + "</p>",
        comments=[Comment(author="Lucía", html="<p>¡Muy útil! ¿Hay versión en español?</p>"),
                  Comment(author="Sam", html="<p>Great post, thanks!</p>", parent=0),
                  Comment(author="x", html="<p>👍</p>")],
    )
    lang, confidence = detect_post(post)
    assert lang == "en" and confidence > 0.9
    assert [c.lang for c in post.comments] == ["es", "en", "und"]
    assert post.comments[2].lang_confidence == 0.0
    assert all(c.lang_confidence is not None for c in post.comments)


def test_fast_path_for_plain_english_posts_leaves_other_languages_to_langdetect():
    from polypost.records import SourcePost

    english = SourcePost(origin="en.md", title="Why reach matters", html="<p>" + (
        "The reach of a post is the number of people who saw it, and it is the first thing that "
        "we check when we plan the content for the next week of the campaign. ") * 4 + "</p>")
    french = SourcePost(origin="fr.md", title="Pourquoi la portée compte", html="<p>" + (
        "La portée d'une publication est le nombre de personnes qui l'ont vue, et c'est la première "
        "chose que nous vérifions quand nous préparons le contenu de la semaine. ") * 4 + "</p>")
    german = SourcePost(origin="de.md", title="Warum Reichweite zählt", html="<p>" + (
        "Die Reichweite eines Beitrags ist die Zahl der Menschen, die ihn gesehen haben, und sie ist "
        "das Erste, was wir prüfen, wenn wir die Inhalte der nächsten Woche planen. ") * 4 + "</p>")
    assert detect_post(english, ("en", "es")) == ("en", 0.99)
    assert detect_post(french, ("en", "es"))[0] == "fr"
    assert detect_post(german, ("en", "es"))[0] == "de"
