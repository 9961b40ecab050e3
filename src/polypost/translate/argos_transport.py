"""Texts through an Argos model: sentences, pieces, one batch, and the markup carried across.

Two transports, chosen per package by probing its tokenizer (translate/argos_probe.py):
- ``placeholders``: the text goes to the model with its ``⟦n⟧`` tokens, for tokenizers that
  encode them as ordinary pieces (byte fallback) so that a model passes them through;
- ``alignment``: the model sees plain text only; CTranslate2's attention aligns each target
  piece to a source piece and segment/projection.py puts the markup back on the right words.
Either way a sentence whose translation reaches the decoding limit is split at a clause
boundary and translated again in halves; one that still reaches it is flagged ``cut-off``.
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from polypost.segment.projection import Aligned, project
from polypost.segment.sentences import split_sentences
from polypost.segment.spans import render, to_plain
from polypost.translate.argos_prefix import Forced, Pending, RunPrefixed, force_terms
from polypost.translate.base import Translated

__all__ = ["Transport", "TRANSPORTS"]

TRANSPORTS = ("placeholders", "alignment")
# Newlines and tabs inside a sentence break the model's context; spaces do not. One space per
# character keeps every offset into the source text true.
_INNER_WHITESPACE = str.maketrans({ch: " " for ch in "\t\r\n\f\v"})
_PUNCTUATION = re.compile(r"^[^\w\s]+$")
_BYTE_PIECE = re.compile(r"<0x[0-9A-F]{2}>")
_SPLITS_AT = re.compile(r"[,;:]\s|\s[-–—]\s|\s")
_MAX_SPLITS = 6  # 64 parts of one over-long sentence at most

# (pieces of each sentence, want attention) -> per sentence: (target pieces, attention rows or None)
RunModel = Callable[[list[list[str]], bool], list[tuple[list[str], list[list[float]] | None]]]


@dataclass
class _Chunk:
    text: str  # what the model sees
    offset: int  # where it starts in its segment's plain text
    pieces: list[str] | None = None
    ranges: list[tuple[int, int]] | None = None  # source piece -> characters of `text`
    forced: list[tuple[int, int, list[str]]] | None = None  # terms to write in: segment characters, form


@dataclass
class _Hypothesis:
    source_ranges: list[tuple[int, int]]  # characters of the segment's plain text
    pieces: list[str]
    alignment: list[int | None]  # per target piece: index into source_ranges
    cut_off: bool
    written: list[str] | None = None  # the pieces as the model wrote them (<unk> too): a prefix's words


class Transport:
    """One engine's way of carrying texts through its model."""

    def __init__(self, tokenizer, run_model: RunModel, source_lang: str, max_decoding_length: int, kind: str,
                 timings: Any = None, run_prefixed: RunPrefixed | None = None):
        if kind not in TRANSPORTS:
            raise ValueError(f"unknown transport {kind!r}; known: {', '.join(TRANSPORTS)}")
        self.tokenizer, self.run_model, self.kind = tokenizer, run_model, kind
        self.source_lang, self.max_decoding_length = source_lang, max_decoding_length
        self.timings = timings  # anything with add(step, since) -> now; None: not measured
        self.run_prefixed = run_prefixed  # for forced terms (translate/argos_prefix.py); None: not offered

    def _lap(self, step: str, since: float) -> float:
        return self.timings.add(step, since) if self.timings is not None else time.perf_counter()

    def translate(self, texts: list[str], forms: list[dict[str, str]] | None = None) -> list[Translated]:
        """`forms`: per text, glossary labels ("T1") -> target forms to write in by prefix-constrained
        decoding (alignment transport only); the others are placed by alignment."""
        if self.kind == "placeholders":
            return [Translated(target, flags) for target, _a, flags in self._plain(texts, attention=False)]
        prepared = [to_plain(text) for text in texts]
        with_markup = [i for i, (_p, spans) in enumerate(prepared) if spans]
        without = [i for i, (_p, spans) in enumerate(prepared) if not spans]
        out: list[Translated | None] = [None] * len(texts)
        for i, (target, _aligned, flags) in zip(without, self._plain([prepared[i][0] for i in without], False)):
            out[i] = Translated(target, flags)
        forced = None
        if forms and self.run_prefixed is not None:
            forced = [[(s.start, s.end, self.tokenizer.encode(forms[i][s.label], out_type=str))
                       for s in prepared[i][1] if s.kind == "wrap" and s.label in forms[i]] for i in with_markup]
        translated = self._plain([prepared[i][0] for i in with_markup], attention=True, forced=forced)
        started = time.perf_counter()
        first = [project(prepared[i][1], aligned) for i, (_t, aligned, _f) in zip(with_markup, translated)]
        # Wraps the alignment could not place: their own text, translated alone, is looked for.
        wanted = [(n, span.label, prepared[i][0][span.start:span.end])
                  for n, (i, projection) in enumerate(zip(with_markup, first))
                  for span in prepared[i][1] if span.label in projection.unresolved]
        started = self._lap("aligning", started)
        alone = self._plain([text for _n, _l, text in wanted], attention=False) if wanted else []
        started = time.perf_counter()
        standalone: dict[int, dict[str, str]] = {}
        for (n, label, _text), (target, _a, _f) in zip(wanted, alone):
            standalone.setdefault(n, {})[label] = target
        for n, (i, (target, aligned, flags)) in enumerate(zip(with_markup, translated)):
            spans = prepared[i][1]
            projection = project(spans, aligned, standalone.get(n, {})) if n in standalone else first[n]
            flags = list(flags)
            if projection.lost:
                flags.append({"check": "placeholders", "evidence": "; ".join(projection.lost)})
            if projection.approximate:
                flags.append({"check": "markup", "evidence": "; ".join(projection.approximate)})
            out[i] = Translated(render(target, spans, projection.placed), flags)
        self._lap("aligning", started)
        return [text for text in out if text is not None]

    def _plain(self, texts: list[str], attention: bool,
               forced: list[list[tuple[int, int, list[str]]]] | None = None) -> list[tuple[str, Aligned, list[dict]]]:
        """Plain texts -> (translation, its alignment, flags), in one batch of sentences."""
        started = time.perf_counter()
        layouts: list[list[tuple[str, _Chunk | None, str]]] = []
        chunks: list[_Chunk] = []
        for number, text in enumerate(texts):
            parts: list[tuple[str, _Chunk | None, str]] = []
            offset = 0
            for piece in split_sentences(text, self.source_lang) if text.strip() else [text]:
                core = piece.strip()
                if not core:
                    parts.append((piece, None, ""))
                else:
                    start = piece.index(core)
                    chunk = _Chunk(core.translate(_INNER_WHITESPACE), offset + start,
                                   forced=forced[number] if forced else None)
                    chunks.append(chunk)
                    parts.append((piece[:start], chunk, piece[start + len(core):]))
                offset += len(piece)
            layouts.append(parts)
        self._lap("splitting", started)
        hypotheses = dict(zip(map(id, chunks), self._hypotheses(chunks, attention)))
        started = time.perf_counter()
        assembled = [self._assemble(text, parts, hypotheses) for text, parts in zip(texts, layouts)]
        self._lap("reassembly", started)
        return assembled

    def _hypotheses(self, chunks: list[_Chunk], attention: bool, depth: int = 0) -> list[_Hypothesis]:
        started = time.perf_counter()
        for chunk in chunks:
            self._encode(chunk)
        self._lap("tokenizing", started)
        results = self.run_model([chunk.pieces for chunk in chunks], attention) if chunks else []
        out: list[_Hypothesis | None] = []
        retry: list[tuple[int, _Chunk, _Chunk]] = []
        for index, (chunk, (pieces, rows)) in enumerate(zip(chunks, results)):
            cut_off = len(pieces) >= self.max_decoding_length
            halves = _halves(chunk) if cut_off and depth < _MAX_SPLITS else None
            if halves:
                retry.append((index, *halves))
                out.append(None)
                continue
            alignment = _anchored(_argmax(rows, len(chunk.pieces)), chunk.pieces, pieces) if rows \
                else [None] * len(pieces)
            written = pieces
            if rows:  # unknown pieces copied by the corrected alignment, not the raw attention
                pieces = [chunk.pieces[i] if piece == "<unk>" and i is not None else piece
                          for piece, i in zip(pieces, alignment)]
            out.append(_Hypothesis([(a + chunk.offset, b + chunk.offset) for a, b in chunk.ranges], pieces,
                                   alignment, cut_off, written))
        prefixed = [(n, chunk) for n, chunk in enumerate(chunks) if chunk.forced and out[n] is not None
                    and attention and self.run_prefixed is not None]
        if prefixed:
            self._force(prefixed, out)
        if retry:
            again = self._hypotheses([c for _i, left, right in retry for c in (left, right)], attention, depth + 1)
            for n, (index, _left, _right) in enumerate(retry):
                out[index] = _joined(again[2 * n], again[2 * n + 1])
        return out  # type: ignore[return-value]

    def _force(self, prefixed: list[tuple[int, _Chunk]], out: list) -> None:
        """Forced terms written in by prefix-constrained decoding (translate/argos_prefix.py)."""
        items = []
        for n, chunk in prefixed:
            end = chunk.offset + len(chunk.text)
            terms = [Forced(a - chunk.offset, b - chunk.offset, pieces) for a, b, pieces in chunk.forced
                     if chunk.offset <= a and b <= end and pieces]
            items.append(Pending(chunk.pieces, chunk.ranges, out[n].written or out[n].pieces, out[n].alignment, terms))
        force_terms(items, self.run_prefixed, lambda rows, source, target: _anchored(
            _argmax(rows, len(source)), source, target))
        for (n, chunk), item in zip(prefixed, items):
            pieces = [chunk.pieces[i] if piece == "<unk>" and i is not None else piece
                      for piece, i in zip(item.target, item.alignment)]
            out[n].pieces, out[n].alignment = pieces, item.alignment
            out[n].cut_off = out[n].cut_off or len(pieces) >= self.max_decoding_length

    def _encode(self, chunk: _Chunk) -> None:
        proto = self.tokenizer.encode(chunk.text, return_type="proto")
        starts = _char_starts(chunk.text)
        chunk.pieces = [p.piece for p in proto.pieces]
        chunk.ranges = [(bisect.bisect_right(starts, p.begin) - 1, bisect.bisect_right(starts, p.end - 1))
                        if p.end > p.begin else (bisect.bisect_right(starts, p.begin) - 1,) * 2
                        for p in proto.pieces]

    def _assemble(self, text: str, parts, hypotheses) -> tuple[str, Aligned, list[dict]]:
        target: list[str] = []
        length = 0
        aligned = Aligned(source=text, target="", source_pieces=[], target_pieces=[], word_start=[],
                          alignment=[], sentences=[])
        cut_off = 0
        for lead, chunk, trail in parts:
            target.append(lead)
            length += len(lead)
            if chunk is not None:
                hypothesis = hypotheses[id(chunk)]
                cut_off += hypothesis.cut_off
                base = len(aligned.source_pieces)
                first_piece = len(aligned.target_pieces)
                aligned.source_pieces.extend(hypothesis.source_ranges)
                sentence, ranges, starts = _detokenize(hypothesis.pieces)
                target.append(sentence)
                aligned.target_pieces.extend((a + length, b + length) for a, b in ranges)
                aligned.word_start.extend(starts)
                aligned.alignment.extend(None if i is None else i + base for i in hypothesis.alignment)
                aligned.sentences.append((chunk.offset, chunk.offset + len(chunk.text), first_piece,
                                          len(aligned.target_pieces)))
                length += len(sentence)
            target.append(trail)
            length += len(trail)
        aligned.target = "".join(target)
        flags = [{"check": "cut-off", "evidence": f"{cut_off} sentence(s) reached the model's limit of "
                  f"{self.max_decoding_length} pieces even after splitting"}] if cut_off else []
        return aligned.target, aligned, flags


def _char_starts(text: str) -> list[int]:
    starts, position = [], 0
    for ch in text:
        starts.append(position)
        position += len(ch.encode("utf-8"))
    starts.append(position)
    return starts


def _argmax(rows: list[list[float]], source_length: int) -> list[int | None]:
    """Per target piece, the source piece it attended to most (None: the end-of-sentence mark)."""
    out: list[int | None] = []
    for row in rows:
        best = max(range(len(row)), key=row.__getitem__) if row else source_length
        out.append(best if best < source_length else None)
    return out


def _anchored(alignment: list[int | None], source: list[str], target: list[str]) -> list[int | None]:
    """Attention corrected by the pieces a model copies (names, numbers, punctuation).

    A target piece that occurs once in the target and once in the source is aligned to that
    source piece, whatever the attention says; when most such anchors disagree with the
    attention by the same offset (real attention heads often look one piece ahead or
    behind), every other piece is moved by that offset too.
    """
    source_count: dict[str, int] = {}
    for piece in source:
        source_count[piece] = source_count.get(piece, 0) + 1
    target_count: dict[str, int] = {}
    for piece in target:
        target_count[piece] = target_count.get(piece, 0) + 1
    where = {piece: i for i, piece in enumerate(source) if source_count[piece] == 1}
    anchors = {j: where[piece] for j, piece in enumerate(target)
               if piece.strip("▁") and target_count[piece] == 1 and piece in where}
    offsets = [alignment[j] - i for j, i in anchors.items() if alignment[j] is not None]
    shift = 0
    if len(offsets) >= 2:
        common = max(set(offsets), key=offsets.count)
        if offsets.count(common) * 5 >= len(offsets) * 3:  # three anchors in five agree
            shift = common
    corrected: list[int | None] = []
    for j, i in enumerate(alignment):
        if j in anchors:
            corrected.append(anchors[j])
        elif i is None:
            corrected.append(None)
        elif shift and j and alignment[j - 1] == i and corrected[-1] == i - shift:
            corrected.append(i)  # attention that looks ahead stops at the last piece: this is it
        else:
            corrected.append(min(max(i - shift, 0), len(source) - 1))
    return corrected


def _detokenize(pieces: list[str]) -> tuple[str, list[tuple[int, int]], list[bool]]:
    """SentencePiece pieces -> text, each piece's characters in it (no leading space), and
    whether the piece begins a word: a "▁" piece, punctuation, or what follows punctuation.
    Byte pieces (``<0xE2>``, from byte fallback) are joined and decoded as UTF-8 together."""
    out: list[str] = []
    ranges: list[tuple[int, int]] = []
    starts: list[bool] = []
    length = 0
    previous_punctuation = True
    index = 0
    while index < len(pieces):
        group = index
        while group < len(pieces) and _BYTE_PIECE.fullmatch(pieces[group]):
            group += 1
        if group > index:
            surface = bytes(int(p[3:5], 16) for p in pieces[index:group]).decode("utf-8", "replace")
            count, begins = group - index, False
        else:
            piece = pieces[index]
            surface = "" if piece == "<unk>" else piece.replace("▁", " ")
            count, begins = 1, piece.startswith("▁")
        if length == 0:
            surface = surface.lstrip(" ")
        lead = len(surface) - len(surface.lstrip(" "))
        punctuation = bool(_PUNCTUATION.match(surface.strip()))
        for _ in range(count):
            starts.append(begins or punctuation or previous_punctuation)
            ranges.append((length + lead, length + len(surface)))
        out.append(surface)
        length += len(surface)
        previous_punctuation = punctuation or not surface.strip()
        index += count
    return "".join(out), ranges, starts


def _halves(chunk: _Chunk) -> tuple[_Chunk, _Chunk] | None:
    """Split at the clause boundary nearest the middle (else the space nearest it)."""
    middle = len(chunk.text) // 2
    cuts = [m for m in _SPLITS_AT.finditer(chunk.text) if 0 < m.start() < len(chunk.text) - 1]
    if not cuts:
        return None
    # A clause boundary only when it is near the middle: halving must shrink both halves.
    clause = [m for m in cuts if not m.group().isspace() and abs(m.end() - middle) < len(chunk.text) // 4]
    best = min(clause or cuts, key=lambda m: abs(m.end() - middle))
    left = chunk.text[:best.end()].rstrip()
    right_start = best.end()
    while right_start < len(chunk.text) and chunk.text[right_start].isspace():
        right_start += 1
    if not left or right_start >= len(chunk.text):
        return None
    return (_Chunk(left, chunk.offset, forced=chunk.forced),
            _Chunk(chunk.text[right_start:], chunk.offset + right_start, forced=chunk.forced))


def _joined(left: _Hypothesis, right: _Hypothesis) -> _Hypothesis:
    pieces = list(left.pieces)
    right_pieces = list(right.pieces)
    if right_pieces and not right_pieces[0].startswith("▁"):
        right_pieces[0] = "▁" + right_pieces[0]  # the halves are two words apart
    base = len(left.source_ranges)
    return _Hypothesis(left.source_ranges + right.source_ranges, pieces + right_pieces,
                       left.alignment + [None if i is None else i + base for i in right.alignment],
                       left.cut_off or right.cut_off)
