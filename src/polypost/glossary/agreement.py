"""Spanish agreement next to a forced term: articles, determiners and adjectives.

An engine that translates around an opaque token cannot know the token's gender or
number, so it guesses (Apertium treats it as a masculine singular unknown word: "Estos
nuevo ⟦T1⟧", "una ⟦T2⟧ buena" for a feminine term only by luck). With the gender and number
from the glossary we re-inflect the closed class of determiners and a known list of
adjectives touching the term, and move a known post-nominal adjective the engine left in
English order ("cualificados leads" -> "leads cualificados").

What this cannot fix (kept here so nobody believes otherwise):
- verb agreement ("los leads está"): the engine chose the verb from an unknown token;
- predicate adjectives and pronouns away from the term ("los leads ... son cualificados",
  "los compramos"), and adjectives outside our lists;
- the English possessive ("our brand's reach") keeps English word order around a token;
- word order of whole phrases other than one adjective.
The `surrogate` strategy in glossary_protect avoids most of these with Apertium: the engine
sees a real noun of the same gender and number and does the agreement itself.
"""

from __future__ import annotations

import re

# m sg, f sg, m pl, f pl
_DETERMINERS = [
    ("el", "la", "los", "las"), ("un", "una", "unos", "unas"),
    ("este", "esta", "estos", "estas"), ("ese", "esa", "esos", "esas"),
    ("aquel", "aquella", "aquellos", "aquellas"), ("nuestro", "nuestra", "nuestros", "nuestras"),
    ("vuestro", "vuestra", "vuestros", "vuestras"), ("mucho", "mucha", "muchos", "muchas"),
    ("poco", "poca", "pocos", "pocas"), ("todo", "toda", "todos", "todas"),
    ("otro", "otra", "otros", "otras"), ("tanto", "tanta", "tantos", "tantas"),
    ("cuánto", "cuánta", "cuántos", "cuántas"), ("demasiado", "demasiada", "demasiados", "demasiadas"),
    ("algún", "alguna", "algunos", "algunas"), ("ningún", "ninguna", "ningunos", "ningunas"),
    ("su", "su", "sus", "sus"), ("mi", "mi", "mis", "mis"), ("tu", "tu", "tus", "tus"),
    ("del", "de la", "de los", "de las"), ("al", "a la", "a los", "a las"),
    ("ambos", "ambas", "ambos", "ambas"), ("cuyo", "cuya", "cuyos", "cuyas"),
]
# Adjectives that sit well before the noun in Spanish; others are moved after it.
_PRENOMINAL = [
    ("buen", "buena", "buenos", "buenas"), ("mal", "mala", "malos", "malas"),
    ("gran", "gran", "grandes", "grandes"), ("primer", "primera", "primeros", "primeras"),
    ("nuevo", "nueva", "nuevos", "nuevas"), ("mismo", "misma", "mismos", "mismas"),
    ("último", "última", "últimos", "últimas"), ("próximo", "próxima", "próximos", "próximas"),
    ("mejor", "mejor", "mejores", "mejores"), ("peor", "peor", "peores", "peores"),
    ("varios", "varias", "varios", "varias"), ("cada", "cada", "cada", "cada"),
]
# Full forms that shorten before a masculine singular noun ("un buen lead").
_APOCOPE = {"bueno": "buen", "malo": "mal", "primero": "primer", "grande": "gran", "uno": "un",
            "alguno": "algún", "ninguno": "ningún", "tercero": "tercer"}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -o/-a adjectives frequent in marketing prose (masculine singular).
_ADJECTIVES_OA = _words("""
nuevo bueno malo alto bajo largo corto propio único orgánico pagado cualificado calificado
cualitativo cuantitativo efectivo exitoso creativo atractivo valioso costoso gratuito
pequeño activo pasivo negativo positivo directo indirecto completo perfecto correcto rápido
lento caro barato claro cierto típico clásico básico dinámico estratégico específico
genérico interno externo moderno antiguo auténtico público privado masivo intensivo 
diario numeroso falso verdadero nativo medio máximo mínimo primero
último próximo mismo personalizado segmentado automatizado optimizado
""")
# Adjectives that only change in number.
_ADJECTIVES_NUMBER = _words("""
grande potencial digital social eficaz mejor peor actual móvil fiel leal enorme relevante
importante interesante constante diferente excelente inteligente global local semanal
mensual anual principal viral visual real total natural general especial fácil difícil útil
posible
""")
# Nouns that look like participles.
_NOT_ADJECTIVES = _words("""
cada nada vida salida entrada llegada medida comida bebida partida temporada jornada mirada
década caída subida bajada parada oleada llamada mercado resultado estado lado grado pasado
cuidado contenido sentido partido sonido significado empleado apartado listado tratado
legado período periodo pedido tejido ruido apellido marido dado todo
""")

# Inline markup from the segmenter may sit between a determiner and its noun: "un ⟦2⟧X⟦/2⟧".
_MARKUP = r"(?:⟦/?\d+/?⟧)*"
_SLOTS = {("m", "sg"): 0, ("f", "sg"): 1, ("m", "pl"): 2, ("f", "pl"): 3}


def _table(rows: list[tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for row in rows:
        for form in row:
            table.setdefault(form, row)
    return table


_DET_TABLE = _table(_DETERMINERS)
_PRE_TABLE = _table(_PRENOMINAL)
for _full, _short in _APOCOPE.items():
    for _table_ in (_DET_TABLE, _PRE_TABLE):
        if _short in _table_:
            _table_.setdefault(_full, _table_[_short])


def _match_case(model: str, word: str) -> str:
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def inflect_adjective(word: str, gender: str | None, number: str) -> str | None:
    """The form of `word` for gender/number, or None when we do not know it as an adjective."""
    low = word.lower()
    if low in _NOT_ADJECTIVES:
        return None
    for table in (_DET_TABLE, _PRE_TABLE):
        if low in table:
            row = table[low]
            if gender is None:  # number only: pick the row's form with the same gender
                gender = "f" if low in (row[1], row[3]) and low not in (row[0], row[2]) else "m"
            return _match_case(word, row[_SLOTS[(gender, number)]])
    stem = _oa_stem(low)
    if stem is not None:
        if gender is None:
            gender = "f" if low.endswith(("a", "as")) else "m"
        ending = {"m": "o", "f": "a"}[gender] + ("s" if number == "pl" else "")
        return _match_case(word, stem + ending)
    singular = _number_only_singular(low)
    if singular is not None:
        return _match_case(word, singular if number == "sg" else _plural(singular))
    return None


def _oa_stem(low: str) -> str | None:
    for ending in ("os", "as", "o", "a"):
        if low.endswith(ending):
            stem = low[: -len(ending)]
            if stem + "o" in _ADJECTIVES_OA or re.fullmatch(r".{2,}[aií]d", stem):
                return stem
    return None


def _number_only_singular(low: str) -> str | None:
    if low in _ADJECTIVES_NUMBER:
        return low
    for cut in ("es", "s"):
        if low.endswith(cut) and low[: -len(cut)] in _ADJECTIVES_NUMBER:
            return low[: -len(cut)]
    if low.endswith("ces") and low[:-3] + "z" in _ADJECTIVES_NUMBER:
        return low[:-3] + "z"
    return None


def _plural(word: str) -> str:
    if word.endswith("z"):
        return word[:-1] + "ces"
    return word + ("s" if word[-1] in "aeiou" else "es")


_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks around every term while fixing


def fix_agreement(text: str, spans: list[tuple[int, int, str | None, str]],
                  reorder: bool = False, others: list[tuple[int, int]] = ()) -> str:
    """Re-inflect words touching each (start, end, gender, number) span of `text`.

    `gender` may be None (only number is fixed). With `reorder`, a post-nominal adjective
    found right before the term is moved after it. `others` are spans of further terms that
    must not be changed or moved (a forced term is never an adjective of its neighbour).
    """
    marks = sorted([(a, b, g, n, True) for a, b, g, n in spans] + [(a, b, None, "", False) for a, b in others])
    pieces, last = [], 0
    for a, b, *_ in marks:
        pieces += [text[last:a], _OPEN, text[a:b], _CLOSE]
        last = b
    text = "".join(pieces) + text[last:]
    for index in reversed(range(len(marks))):
        _a, _b, gender, number, fix = marks[index]
        if not fix:
            continue
        start = -1
        for _ in range(index + 1):  # the index-th mark: str.find, not a scan in Python per character
            start = text.index(_OPEN, start + 1)
        end = text.index(_CLOSE, start) + 1
        text = _fix_after(text, end, gender, number)
        text = _fix_before(text, start, end, gender, number, reorder)
    return text.replace(_OPEN, "").replace(_CLOSE, "")


def _fix_after(text: str, end: int, gender: str | None, number: str) -> str:
    pos = end
    for _ in range(2):  # "clientes potenciales nuevos y ..." : at most two adjectives
        m = re.match(_MARKUP + r"( )([^\W\d_]+)", text[pos:])
        if not m:
            break
        word = m.group(2)
        if word.lower() in _DET_TABLE or word.lower() in {"cada", "todo", "toda"}:
            break
        new = inflect_adjective(word, gender, number)
        if new is None:
            break
        a, b = pos + m.start(2), pos + m.end(2)
        text = text[:a] + new + text[b:]
        pos = a + len(new)
    return text


def _fix_before(text: str, start: int, end: int, gender: str | None, number: str,
                reorder: bool) -> str:
    term_start, term_end = start, end
    pos = start
    for _ in range(3):  # "todas las nuevas X"
        found = _word_before(text, pos)
        if found is None:
            break
        a, word, markup = found
        across_markup = bool(markup)
        # "de la" / "a la" before the term behave as one determiner ("del", "al").
        pair = _determiner_pair(text, a + len(word)) if word.lower() in {"la", "los", "las", "el"} else None
        if pair is not None:
            a, word = pair
        low = word.lower()
        if low in _DET_TABLE:
            new = _match_case(word, _DET_TABLE[low][_SLOTS[(gender or _gender_of(low), number)]])
            return text[:a] + new + text[a + len(word):]  # nothing agrees across a determiner
        new = inflect_adjective(word, gender, number)
        if new is None:
            break
        if reorder and low not in _PRE_TABLE and not across_markup:
            # English order left by the engine: move the adjective after the term.
            term = text[term_start:term_end]
            if word[:1].isupper():
                term = term[:2].upper() + term[2:]  # term[0] is the opening mark
            moved = term + " " + new.lower()
            text = text[:a] + moved + text[term_end:]
            term_start, term_end = a, a + len(term)
        else:
            text = text[:a] + new + text[a + len(word):]
            shift = len(new) - len(word)
            term_start, term_end = term_start + shift, term_end + shift
        pos = a
    return text


def _gender_of(low: str) -> str:
    row = _DET_TABLE[low]
    return "f" if low in (row[1], row[3]) and low not in (row[0], row[2]) else "m"


# What `re.search(r"([^\W\d_]+)( )(MARKUP)$", text[:pos])` finds, read from the end instead:
# that search tried every position of the text before the term, once per term and word.
_TOKEN = re.compile(r"⟦/?\d+/?⟧")
_LETTERS = re.compile(r"[^\W\d_]+")


def _word_before(text: str, pos: int) -> tuple[int, str, str] | None:
    """(start, word, markup) of the word, one space and markup tokens ending `text[:pos]`."""
    end = pos - 1 if pos and text[pos - 1] == "\n" else pos  # "$" also matches before a last newline
    start = end
    while start > 0 and text[start - 1] == "⟧":  # the markup tokens, from the last one back
        opening = text.rfind("⟦", 0, start - 1)
        if opening < 0 or not _TOKEN.fullmatch(text, opening, start):
            break
        start = opening
    if start < 2 or text[start - 1] != " ":
        return None
    letters = _LETTERS.match(text[start - 2::-1])  # the letters before the space, read backwards
    if letters is None:
        return None
    a = start - 1 - letters.end()
    return a, text[a:start - 1], text[start:end]


def _determiner_pair(text: str, end: int) -> tuple[int, str] | None:
    """(start, "de la") where `text[:end]` ends on a preposition and an article standing as
    words: `re.search(r"(?:^|(?<= ))(de|a|De|A) (la|los|las|el)$", text[:end])`, from the end."""
    if end and text[end - 1] == "\n":
        end -= 1
    for article in ("la", "los", "las", "el"):
        for preposition in ("de", "a", "De", "A"):
            pair = f"{preposition} {article}"
            start = end - len(pair)
            if start >= 0 and text.startswith(pair, start) and (start == 0 or text[start - 1] == " "):
                return start, pair
    return None
