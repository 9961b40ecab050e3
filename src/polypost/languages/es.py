"""Spanish."""

from __future__ import annotations

import re

from polypost.languages.facts import LanguageFacts

_UNSTRESS = str.maketrans("áéíóú", "aeiou")
_LINKING_WORDS = {"de", "a", "para", "en", "con", "del", "al", "por"}


def plural(target: str) -> str:
    """The plural of a Spanish noun phrase: its head noun and the adjectives right after it.

    "tasa de conversión" -> "tasas de conversión"; "cliente potencial" -> "clientes
    potenciales". Loanwords take -s ("lead" -> "leads"). Irregular cases belong in the
    glossary's `plural` column.
    """
    words = target.split(" ")
    out = []
    for i, word in enumerate(words):
        if i > 0 and (word in _LINKING_WORDS or not word.isalpha()):
            out.extend(words[i:])
            break
        out.append(_plural_word(word))
    return " ".join(out)


def _plural_word(word: str) -> str:
    if not word or not word[-1].isalpha():
        return word
    if word.isupper():
        return word + "s"  # "KPI" -> "KPIs"
    last = word[-1].lower()
    if last in "aeiouáéó":
        return word + "s"
    if last in "íú":
        return word + "es"
    if last == "z":
        return word[:-1] + "ces"
    if last in "sx":
        return word  # "análisis", "tórax" (the few stressed ones go in the `plural` column)
    if last in "nlrdj":
        # "conversión" -> "conversiones": the stress moves, the written accent goes.
        if re.search("[áéíóú][nsl]$", word):
            word = word[:-2] + word[-2].translate(_UNSTRESS) + word[-1]
        return word + "es"
    return word + "s"  # other endings are loanwords: "blog" -> "blogs"


FACTS = LanguageFacts(
    code="es",
    name="Español",
    og_locale="es_ES",
    stop_words=frozenset("""el la los las de del que y en un una es por con para se lo su sus al como más
        pero muy este esta estos estas ya también porque cuando hay ser son fue está están nos
        mi tu qué cómo gracias hola sobre entre sin donde todo todos puede hacer tiene""".split()),
    spelling_marks="ñ¿¡áéíóú",
    signs=("á", "é", "í", "ó", "ú", "ñ", "¿", "¡", " que ", " los ", " las ", " del ", " para ", " una "),
    abbreviations=frozenset(
        """sr sra srta sres sras dr dra drs d dña ud uds vd vds lic ing prof profa arq p ej pág págs
        aprox fig cía admón avda av dpto ee núm nº vol cap art tel""".split()),
    months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
            "noviembre", "diciembre"),
    long_date="{day} de {month} de {year}",
    ui_text={
        "switch_to": "Leer en español",
        "language_name": "Español",
        "by": "Por",
        "comments": "Comentarios",
        "newer": "Entradas más recientes",
        "older": "Entradas anteriores",
        "page_of": "Página {page} de {pages}",
        "no_posts": "Todavía no hay entradas.",
        "feed": "Suscribirse (canal Atom)",
        "tags": "Etiquetas",
        "tagged": "Entradas con la etiqueta «{tag}»",
        "original": "original en inglés",
        "skip": "Ir al contenido",
        "choose": "Elige un idioma",
        "pagination": "Páginas",
        "languages": "Idiomas",
        "share": "Compartir en",
        "not_found": "Página no encontrada",
        "not_found_text": "No hay nada en esta dirección. La portada tiene todas las entradas:",
        "home": "Portada",
    },
    mt_note="Esta entrada es una traducción automática del {original}. Puede contener errores.",
    reviewed_note="Esta entrada es una traducción del {original}, revisada por una persona.",
    plural=plural,
)
