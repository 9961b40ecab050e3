"""Post-editing machine Spanish per variant: each rule against the Spanish a person would write,
on Apertium's real output where the rule exists because of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from polypost.errors import UsageError
from polypost.postedit import post_editor, rules_for
from polypost.postedit.marks import add_opening_marks
from polypost.postedit.morphology import Morphology
from polypost.postedit.rules import shipped_file
from polypost.postedit.spacing import tidy

MORPHOLOGY = Morphology().available
needs_morphology = pytest.mark.skipif(not MORPHOLOGY, reason="lt-proc and apertium-eng-spa are not installed")


def edit(tag: str, source: str, target: str, formality: str = "default") -> str:
    return post_editor(tag, formality).edit([(source, target)])[0].text


@pytest.mark.parametrize(("text", "wanted"), [
    ("Qué hace? Eres conmigo?", "¿Qué hace? ¿Eres conmigo?"),
    ("Dejado me ser claro. Lo coges?", "Dejado me ser claro. ¿Lo coges?"),
    ("Si quieres crecer, por qué no escuchas?", "Si quieres crecer, ¿por qué no escuchas?"),
    ("Es fácil, verdad?", "Es fácil, ¿verdad?"),
    ('Dijo: "Vienes?" y se fue.', 'Dijo: "¿Vienes?" y se fue.'),
    ("«Vienes?», preguntó.", "«¿Vienes?», preguntó."),
    ("Hola! Qué tal?!", "¡Hola! ¡¿Qué tal?!"),
    ("¿Ya lo sabías? Genial!", "¿Ya lo sabías? ¡Genial!"),
    ("El Sr. García viene?", "¿El Sr. García viene?"),
    ("Cuesta 3.5 euros?", "¿Cuesta 3.5 euros?"),
    ("(Lo sabías?)", "(¿Lo sabías?)"),
    ("Sin preguntas.", "Sin preguntas."),
])
def test_opening_marks_go_where_the_question_starts(text, wanted):
    assert add_opening_marks(text, frozenset({"sr"})) == wanted


def test_opening_marks_go_inside_an_opening_tag_and_never_into_a_url_or_placeholder():
    editor = post_editor("es")
    source = "Click ⟦1⟧here⟦/1⟧! See https://x.com/?a=1 and ⟦2/⟧ now. Really?"
    out = editor.edit([(source, "Clic ⟦1⟧aquí⟦/1⟧! Ve https://x.com/?a=1 y ⟦2/⟧ ahora. De verdad?")])[0].text
    assert out == "¡Clic ⟦1⟧aquí⟦/1⟧! Ve https://x.com/?a=1 y ⟦2/⟧ ahora. ¿De verdad?"
    bold = editor.edit([("⟦1⟧Ready?⟦/1⟧", "⟦1⟧Listo?⟦/1⟧")])[0].text
    assert bold == "⟦1⟧¿Listo?⟦/1⟧"
    # A bold label ending in a colon, then the question (data/samples' influencer post)
    label = editor.edit([("⟦1⟧Audience:⟦/1⟧ who comments on their posts? Read them.",
                          "⟦1⟧Audiencia:⟦/1⟧ quién comenta en sus postes? Leído los comentarios.")])[0].text
    assert label == "⟦1⟧Audiencia:⟦/1⟧ ¿quién comenta en sus postes? Leído los comentarios."
    etc = editor.edit([("Just 57 lines, including growth, etc.!", "Justo 57 líneas, incluyendo crecimiento, etc.!")])[0].text
    assert etc == "¡Justo 57 líneas, incluyendo crecimiento, etc.!"


def test_spacing_follows_the_academia():
    assert tidy("reputación.  Suena bien , ¿ verdad ?") == "reputación. Suena bien, ¿verdad?"
    assert tidy("3,5 euros a las 10:30,y luego") == "3,5 euros a las 10:30, y luego"


@pytest.mark.parametrize(("text", "wanted"), [
    ("Encima Marcha 20, 2019 lanzamos.", "El 20 de marzo de 2019 lanzamos."),
    ("Publicado en Mayo 20, 2019.", "Publicado el 20 de mayo de 2019."),
    ("Desde March 3rd hasta hoy.", "Desde 3 de marzo hasta hoy."),
    ("En Junio 2021, crecimos.", "En junio de 2021, crecimos."),
    ("La marcha fue larga.", "La marcha fue larga."),  # a march, not a month
    ("Puede 5 cosas cambiar?", "¿Puede 5 cosas cambiar?"),  # "May" the verb is never read as a month
    ("Son las 10:30 de Marcha.", "Son las 10:30 de Marcha."),  # no day or year next to it
])
def test_dates_are_written_the_spanish_way(text, wanted):
    assert edit("es-419", "", text) == wanted


@needs_morphology
def test_latin_american_spanish_has_ustedes_and_no_coger():
    # Apertium's own output for these sources.
    pairs = [
        ("You should check your phones.", "Tendríais que comprobar vuestros teléfonos."),
        ("Listen to your audience.", "Escuchad a vuestra audiencia."),
        ("Sit down, please.", "Sentaos, por favor."),
        ("I want to help you all.", "Quiero ayudaros todos."),
        ("I tell you this.", "Os digo esto."),
        ("You ask yourselves why.", "Os preguntáis por qué."),
        ("You are the best.", "Vosotros sois los mejores."),
        ("Do you get it?", "Lo coges?"),
        ("Take the bus.", "Coge el autobús."),
    ]
    out = [e.text for e in post_editor("es-419").edit(pairs)]
    assert out == [
        "Tendrían que comprobar sus teléfonos.",
        "Escuchen a su audiencia.",
        "Siéntense, por favor.",
        "Quiero ayudarles todos.",
        "Les digo esto.",
        "Se preguntan por qué.",
        "Ustedes son los mejores.",
        "¿Lo entiendes?",  # "get it": the sense the source names
        "Toma el autobús.",
    ]


@needs_morphology
def test_spain_keeps_vosotros_and_coger():
    pairs = [("Listen to your audience.", "Escuchad a vuestra audiencia."), ("Do you get it?", "Lo coges?")]
    assert [e.text for e in post_editor("es-ES").edit(pairs)] == ["Escuchad a vuestra audiencia.", "¿Lo coges?"]


@needs_morphology
def test_formal_uses_usted_and_leaves_ambiguous_verbs():
    pairs = [("Are you with me? I will help you.", "Eres conmigo? Te ayudaré."),
             ("Tell me what you think about your plan.", "Dime qué piensas sobre tu plan."),
             ("Can you help them?", "Puede les ayudas?")]
    out = [e.text for e in post_editor("es-MX", "formal").edit(pairs)]
    # "Puede" is also "he can", "ayudas" also "helps" (a noun): the rule leaves words it cannot be sure of.
    assert out == ["¿Es conmigo? Le ayudaré.", "Dígame qué piensa sobre su plan.", "¿Puede les ayudas?"]


@needs_morphology
def test_title_case_headings_become_sentence_case_names_and_terms_kept():
    editor = post_editor("es-419")
    out = editor.edit([
        ("Staying Human in the Age of Bots", "Quedándose Humano en la Edad de Bots"),
        ("Why Google Analytics Matters for Your Landing Page", "Por qué Google Analytics Importa para Vuestra Landing Page"),
        ("We met Clara in Madrid", "Conocimos a Clara en Madrid"),  # not title case: nothing to do
    ], keep=[[], ["Landing Page"], []])
    assert [e.text for e in out] == [
        "Quedándose humano en la edad de Bots",
        "Por qué Google Analytics importa para su Landing Page",
        "Conocimos a Clara en Madrid",
    ]


def test_rules_fall_back_by_region_and_a_users_file_adds_to_them(tmp_path: Path):
    assert shipped_file("es-MX").name == "es-419.toml"
    assert shipped_file("es-AR").name == "es-419.toml"
    assert shipped_file("es-ES").name == "es-ES.toml"
    assert shipped_file("es").name == "es.toml"
    assert shipped_file("fr") is None and post_editor("fr") is None
    mine = tmp_path / "es-419.toml"
    mine.write_text('[phrases]\n"página de aterrizaje" = "landing page"\n[lexical.coger]\nto = "agarrar"\n'
                    '[register]\nplural = "ustedes"\n', encoding="utf-8")
    rules = rules_for("es-MX", user_files=[mine])
    assert rules.table("phrases")["página de aterrizaje"] == "landing page"
    assert rules.table("lexical")["coger"]["to"] == "agarrar"
    assert rules.table("lexical")["móvil"]["to"] == "celular"  # the shipped rules stay
    assert rules.fingerprint != rules_for("es-MX").fingerprint
    assert post_editor("es-MX", user_files=[mine]).edit([("a landing page", "una página de aterrizaje")])[0].text \
        == "una landing page"


def test_bad_rules_and_formality_are_named(tmp_path: Path):
    bad = tmp_path / "es.toml"
    bad.write_text("[register\nplural = 1", encoding="utf-8")
    with pytest.raises(UsageError, match="es.toml: post-editing rules are not valid TOML"):
        rules_for("es", user_files=[bad])
    bad.write_text('[register]\nplural = "vos"\n', encoding="utf-8")
    with pytest.raises(UsageError, match='plural = .vos.'):
        rules_for("es", user_files=[bad])
    with pytest.raises(UsageError, match="formality 'polite'"):
        rules_for("es", "polite")


def test_a_placeholder_in_the_text_survives_every_rule():
    source = "On March 20, 2019 ⟦1⟧we⟦/1⟧ asked: ready? ⟦2/⟧"
    out = edit("es-419", source, "Encima Marcha 20, 2019 ⟦1⟧nosotros⟦/1⟧ preguntamos: listos? ⟦2/⟧")
    assert out == "El 20 de marzo de 2019 ⟦1⟧nosotros⟦/1⟧ preguntamos: ¿listos? ⟦2/⟧"


def test_a_sentence_after_an_inline_element_opens_on_its_own():
    editor = post_editor("es")
    source = "They are cheap.⟦1/⟧ ⟦2/⟧ The range is huge, more than you would expect!"
    out = editor.edit([(source, "Son baratos.⟦1/⟧ ⟦2/⟧ La gama es enorme, más de lo que esperarías!")])[0].text
    assert out == "Son baratos.⟦1/⟧ ⟦2/⟧ ¡La gama es enorme, más de lo que esperarías!"
