"""Checks on every machine-translated segment.

Machine translation fails in known ways: repeated words ("matriculados matriculados
matriculados"), dropped sentences, changed numbers, text left in English. Each check
returns flags as data: {"check": name, "evidence": what was seen}; the caller adds the
segment and field. Flags are computed once, when the engine answers, and kept with the
segment in the translation memory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from polypost.languages.detect import detect_language, stop_word_counts
from polypost.translate.qa_text import (check_doubled_words, check_opening_marks, check_sentence_count,
                                        check_spanish_words, check_urls, sentence_count)

_PLACEHOLDER = re.compile(r"⟦[^⟧]{0,12}⟧")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class Thresholds:
    """Where a check starts to flag. The length bounds are learned from the memory once it
    holds enough translations (see `learned_thresholds`); configured values win."""

    min_length_ratio: float = 0.45  # target chars / source chars, for segments of 40+ chars
    max_length_ratio: float = 2.4
    min_words_for_language_check: int = 8
    repeat_run: int = 3  # the same word this many times in a row


def plain(text: str) -> str:
    return " ".join(_PLACEHOLDER.sub(" ", text).split())


def _digits(number: str) -> str:
    # 1,000.5 (en) and 1.000,5 (es) are the same number: compare digits alone.
    return re.sub(r"[.,]", "", number)


def check_numbers(source: str, target: str) -> list[dict]:
    wanted = [_digits(n) for n in _NUMBER.findall(source)]
    found = [_digits(n) for n in _NUMBER.findall(target)]
    missing = [n for n in set(wanted) if found.count(n) < wanted.count(n)]
    return [{"check": "numbers", "evidence": f"missing {', '.join(sorted(missing))}"}] if missing else []


_CLAUSE_END = re.compile(r"[.!?;:,()\"“”«»]+")


def _clauses(text: str) -> list[list[str]]:
    # Repeats are looked for inside a clause: "the problem. The problem is" is prose, not a stutter.
    return [[w.lower() for w in _WORD.findall(part)] for part in _CLAUSE_END.split(text)]


def _repeated_ngrams(clauses: list[list[str]], times: int) -> set[str]:
    seen = set()
    for words in clauses:
        for n in (1, 2, 3):
            for start in range(len(words) - n * times + 1):
                if words[start] != words[start + n]:
                    continue  # most positions fail here, before any slicing
                gram = words[start : start + n]
                if all(words[start + k * n : start + (k + 1) * n] == gram for k in range(times)):
                    seen.add(" ".join(gram))
    return seen


def _source_repeats_nearby(clauses: list[list[str]]) -> bool:
    """'again and again', 'step by step': a source that repeats a word within three words
    may rightly be translated with a doubled phrase."""
    return any(len(words[i]) > 3 and words[i] in words[i + 1 : i + 4] for words in clauses for i in range(len(words)))


def check_repetition(source: str, target: str, thresholds: Thresholds) -> list[dict]:
    source_clauses, target_clauses = _clauses(source), _clauses(target)
    stutters = _repeated_ngrams(target_clauses, thresholds.repeat_run) - _repeated_ngrams(
        source_clauses, thresholds.repeat_run)
    if not _source_repeats_nearby(source_clauses):
        doubled = _repeated_ngrams(target_clauses, 2) - _repeated_ngrams(source_clauses, 2)
        # One short word doubled ("que que") is common noise; a doubled phrase is not.
        stutters |= {g for g in doubled if " " in g}
    return [{"check": "repetition", "evidence": ", ".join(sorted(stutters))}] if stutters else []


def check_untranslated(source: str, target: str, source_lang: str, target_lang: str,
                       thresholds: Thresholds) -> list[dict]:
    words = _WORD.findall(source)
    if len(words) < 4:
        return []
    if source == target:
        return [{"check": "untranslated", "evidence": "output identical to the source"}]
    if len(words) >= thresholds.min_words_for_language_check:
        counts = stop_word_counts(target, (source_lang, target_lang))
        source_words, target_words = counts.get(source_lang, 0), counts.get(target_lang, 0)
        if target_words > 2 * source_words:
            return []  # plainly in the target language; langdetect would cost milliseconds to agree
        if source_words >= 3 and source_words >= 3 * target_words:
            # Forced glossary terms make a half-translated output look mixed to langdetect;
            # the grammar words still say which language the sentence is in.
            return [{"check": "untranslated",
                     "evidence": f"output still reads as {source_lang} ({source_words} {source_lang} "
                                 f"function words, {target_words} {target_lang})"}]
        # 400 characters settle the language (99.5% right past 120 here) at a fraction of the cost.
        lang, confidence = detect_language(target[:400], (source_lang, target_lang))
        if lang == source_lang and confidence >= 0.9:
            return [{"check": "untranslated", "evidence": f"output still reads as {source_lang} ({confidence:.2f})"}]
    return []


def check_length(source: str, target: str, thresholds: Thresholds) -> list[dict]:
    if not target and source:
        return [{"check": "empty", "evidence": "empty output"}]
    if len(source) < 40:
        return []
    ratio = len(target) / len(source)
    if ratio < thresholds.min_length_ratio or ratio > thresholds.max_length_ratio:
        return [{"check": "length", "evidence": f"length ratio {ratio:.2f}"}]
    return []


def check_truncation(source: str, target: str) -> list[dict]:
    source_count = sentence_count(source, "en")
    if source_count < 3:
        return []
    target_count = sentence_count(target, "en")
    if target_count * 2 < source_count:
        return [{"check": "truncated", "evidence": f"{target_count} sentences for {source_count}"}]
    return []


def check_segment(source: str, target: str, source_lang: str = "en", target_lang: str = "es",
                  thresholds: Thresholds = Thresholds(), terms: Sequence[str] = ()) -> list[dict]:
    """Every check on one segment's source and machine translation. The checks read the
    text without placeholders, made once here. `terms`: the glossary's renderings in this
    segment ("leads", "community manager"): English words there are meant."""
    source, target = plain(source), plain(target)
    flags = check_length(source, target, thresholds)
    if flags and flags[0]["check"] == "empty":
        return flags
    return (
        flags
        + check_numbers(source, target)
        + check_repetition(source, target, thresholds)
        + check_doubled_words(source, target)
        + check_untranslated(source, target, source_lang, target_lang, thresholds)
        + check_truncation(source, target)
        + check_sentence_count(source, target, source_lang, target_lang)
        + check_urls(source, target)
        + check_opening_marks(target, target_lang)
        + check_spanish_words(source, target, target_lang, terms)
    )


def with_engine_flags(flags: list[dict], engine: Sequence[dict]) -> list[dict]:
    """QA's flags and the engine's own, a word named once: an unknown word Apertium marked that
    QA found left in English too is reported by QA alone."""
    named = {w.strip() for f in flags if f["check"] == "untranslated-words" for w in f["evidence"].split(",")}
    merged = list(flags)
    for flag in engine:
        if flag["check"] == "unknown-words" and not flag["evidence"].startswith("not generated"):
            rest = [w.strip() for w in flag["evidence"].split(",") if w.strip() not in named]
            if not rest:
                continue
            flag = {**flag, "evidence": ", ".join(rest)}
        merged.append(flag)
    return merged


# Below this many translated segments the defaults are safer than statistics.
MIN_SEGMENTS_TO_LEARN = 200


def learned_thresholds(ratios: Sequence[float], base: Thresholds = Thresholds()) -> Thresholds:
    """Length-ratio bounds from this site's own translations (`ratios`: target/source length of
    unflagged segments of 40+ characters, `Store.length_ratios`): the 1st and 99th percentile,
    widened by a fifth."""
    if len(ratios) < MIN_SEGMENTS_TO_LEARN:
        return base
    ordered = sorted(ratios)
    low, high = ordered[len(ordered) // 100], ordered[-1 - len(ordered) // 100]
    return replace(base, min_length_ratio=round(low * 0.8, 3), max_length_ratio=round(high * 1.2, 3))
