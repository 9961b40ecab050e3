"""The language of a post, of its comments, and of any text.

langdetect draws random samples of n-grams, so unseeded it can answer differently for the same text
on two runs (109 of 5,724 texts changed in shared/notes/language-detection.md). A re-run that flips a
post's language would re-translate or re-publish it for nothing, so the seed is fixed once, here.

Short texts (titles, comments of a few words) are where detectors go wrong, and mostly by naming a
third language (Spanish read as Galician or Portuguese). For those, only the candidate languages
compete: langdetect's probabilities are restricted to them and renormalised, and when langdetect
offers none of them a small stop-word score decides between English and Spanish.
"""

from __future__ import annotations

import re
from typing import Sequence

from bs4 import BeautifulSoup
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from polypost.languages import language, profiles
from polypost.languages.html_text import SET_APART, html_strings
from polypost.records import SourcePost

__all__ = ["SHORT_TEXT", "detect_language", "detect_post", "text_of"]

DetectorFactory.seed = 0  # determinism: same text, same answer, on every run (see module docstring)

SHORT_TEXT = 120  # characters; below this only the candidates compete
LONG_TEXT = 800  # characters; a post's language is judged on this much of it
UNDETERMINED = ("und", 0.0)
_LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_TAG_RE = re.compile(r"<[a-zA-Z/!]")
_HIDDEN = SET_APART | {"noscript"}  # no reader sees their text

def text_of(html: str) -> str:
    """The visible text of an HTML fragment or page (scripts and styles left out)."""
    if not _TAG_RE.search(html):
        return " ".join(html.split())
    strings = html_strings(html, _HIDDEN)
    if strings is None:  # what lxml cannot parse as text: BeautifulSoup tries it as bytes
        soup = BeautifulSoup(html, "lxml")
        for tag in soup.find_all(_HIDDEN):
            tag.decompose()
        strings = [soup.get_text(" ")]
    return " ".join(" ".join(strings).split())


def opening_text(html: str, chars: int) -> str:
    """The first `chars` characters of the visible text, parsing only as much HTML as that takes
    (a 20 MB body is not parsed whole to read 800 characters; a cut tag at the end is harmless)."""
    size = 16 * chars
    while True:
        text = text_of(html[:size])
        if len(text) >= chars or size >= len(html):
            return text[:chars]
        size *= 4


def detect_language(text: str, candidates: Sequence[str] = ("en", "es")) -> tuple[str, float]:
    """A language code and a confidence in [0, 1]; ("und", 0.0) for text without letters.

    HTML is accepted (its tags are stripped). Long texts may come back as any language langdetect
    knows; texts shorter than SHORT_TEXT characters come back as one of `candidates` (when given).
    """
    if _TAG_RE.search(text):
        text = text_of(text)
    text = " ".join(text.split())
    if not _LETTER_RE.search(text):
        return UNDETERMINED
    profiles.ready()
    try:
        ranked = [(item.lang, float(item.prob)) for item in detect_langs(text)]
    except LangDetectException:
        ranked = []
    if len(text) >= SHORT_TEXT or not candidates:
        if ranked:
            lang, prob = ranked[0]
            return lang, round(min(1.0, max(0.0, prob)), 4)
        return _by_stop_words(text, candidates or ("en", "es"))
    within = [(lang, prob) for lang, prob in ranked if lang in candidates]
    total = sum(prob for _, prob in within)
    if total <= 0:
        return _by_stop_words(text, candidates)
    lang, prob = max(within, key=lambda item: item[1])
    confidence = prob / total
    # A short text where langdetect preferred a third language is weak evidence either way.
    if ranked[0][0] not in candidates:
        confidence *= total
    # Stop words settle a near tie between the candidates (e.g. a three-word comment).
    if confidence < 0.7:
        by_words = _by_stop_words(text, candidates)
        if by_words[0] != "und" and by_words[1] > confidence:
            return by_words
    return lang, round(confidence, 4)


def stop_word_counts(text: str, candidates: Sequence[str]) -> dict[str, int]:
    """How many of each language's stop words the text has: a cheap first look."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    stop_words = {lang: language(lang).stop_words for lang in candidates}
    return {lang: sum(1 for w in words if w in words_of) for lang, words_of in stop_words.items() if words_of}


def _by_stop_words(text: str, candidates: Sequence[str]) -> tuple[str, float]:
    """Share of each candidate's stop words among the text's words; ("und", 0.0) with no evidence."""
    scores = stop_word_counts(text, candidates)
    lowered = text.lower()
    for lang in scores:
        marks = language(lang).spelling_marks
        if marks:
            scores[lang] += 2 * sum(1 for ch in lowered if ch in marks)  # spelling is evidence too
    total = sum(scores.values())
    if total == 0:
        return UNDETERMINED
    lang = max(scores, key=lambda k: (scores[k], -list(scores).index(k)))
    return lang, round(scores[lang] / total, 4)


def detect_post(post: SourcePost, candidates: Sequence[str] = ("en", "es")) -> tuple[str, float]:
    """The language of a whole post (title and body), and each comment's, set on it in place."""
    for comment in post.comments:
        comment.lang, comment.lang_confidence = detect_language(text_of(comment.html), candidates)
    # langdetect's cost grows with the text while its answer settles within a few hundred
    # characters (99.8% right past 400 here): a long post is judged on its opening.
    text = f"{post.title}. {opening_text(post.html, LONG_TEXT)}"[:LONG_TEXT]
    found = _plainly_source_language(text, candidates) or detect_language(text, candidates)
    if found[0] in candidates or not candidates:
        return found
    return _candidate_after_all(text, found, candidates, post.lang_hint) or found


# A post that langdetect gives to a third language although a candidate's function words make up
# this share of its words (and outnumber the other candidate's this many times) is that candidate:
# short list-like posts ("Nested and mixed lists are an interesting beast...", read as Danish).
STOP_WORD_SHARE, STOP_WORD_LEAD = 0.2, 3


def _candidate_after_all(text: str, found: tuple[str, float], candidates: Sequence[str],
                         hint: str | None) -> tuple[str, float] | None:
    """A candidate language for a post detected as another one, when the evidence says so: its
    function words, else what the source declares when the detector was unsure (a page of a
    few words, "Page B (lorem ipsum)", has no language of its own but its site's)."""
    words = len(_WORD_RE.findall(text))
    counts = stop_word_counts(text, candidates)
    for lang, count in sorted(counts.items(), key=lambda item: -item[1]):
        others = max((n for other, n in counts.items() if other != lang), default=0)
        if count >= 5 and words and count / words >= STOP_WORD_SHARE and count >= STOP_WORD_LEAD * others:
            return lang, round(min(0.9, count / words * 2), 4)
        break
    declared = (hint or "").replace("_", "-").split("-")[0].lower()
    if declared in candidates and (found[0] == "und" or found[1] < 0.9):
        return declared, 0.5
    return None


def _plainly_source_language(text: str, candidates: Sequence[str]) -> tuple[str, float] | None:
    """A fast answer for the common case, an archive of posts in the source language (the first
    candidate): its function words outnumber every other candidate's many times over. Other
    languages never take this path: French or Italian share Spanish function words, not English ones."""
    if not candidates:
        return None
    counts = stop_word_counts(text, candidates)
    source = candidates[0]
    others = max((n for lang, n in counts.items() if lang != source), default=0)
    if counts.get(source, 0) >= 15 and counts[source] >= 8 * others:
        return source, 0.99
    return None
