"""What an Argos package's tokenizer does to polypost's placeholders, asked, not hoped.

Real OPUS-trained packages have no byte fallback: ``⟦`` and ``⟧`` are ``<unk>`` to them, so a
model cannot tell an opener from a closer and the digits inside are ordinary words it moves.
Only a tokenizer that encodes every placeholder to known pieces, and decodes them back as
they were, may see them; every other one gets plain text and markup by alignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TokenizerProbe", "probe_tokenizer", "probe_tokenizer_file"]

_SAMPLES = ("⟦1⟧", "⟦/12⟧", "⟦3/⟧", "⟦T1⟧", "⟦/T1⟧")


@dataclass(frozen=True)
class TokenizerProbe:
    placeholders_survive: bool  # every sample encodes to known pieces and decodes back unchanged
    unknown: tuple[str, ...]  # placeholder characters the tokenizer maps to <unk>
    digits_split: bool  # "2024" is more than one piece: a model may move digits apart
    digit_pieces: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"placeholders_unk": list(self.unknown), "placeholders_survive": self.placeholders_survive,
                "digits_split": self.digits_split, "digit_pieces": list(self.digit_pieces),
                "transport": self.transport}

    @property
    def transport(self) -> str:
        return "placeholders" if self.placeholders_survive else "alignment"

    def describe(self) -> str:
        unknown = f"{' '.join(self.unknown)} unknown" if self.unknown else "placeholders known"
        digits = "digits split" if self.digits_split else "numbers whole"
        return f"{unknown}, {digits}: markup by {self.transport}"


def probe_tokenizer(processor: Any) -> TokenizerProbe:
    unk = processor.unk_id()
    survive = True
    unknown: set[str] = set()
    for sample in _SAMPLES:
        ids = processor.encode(sample)
        if unk in ids or processor.decode(ids) != sample:
            survive = False
        unknown.update(ch for ch in sample if not ch.isalnum() and unk in processor.encode(ch))
    number = [piece for piece in processor.encode("2024", out_type=str) if piece.strip("▁")]
    return TokenizerProbe(survive, tuple(sorted(unknown)), len(number) > 1, tuple(number))


def probe_tokenizer_file(path: str | Path) -> TokenizerProbe:
    # SentencePiece loads a native library: only a caller that probes pays for it.
    import sentencepiece

    return probe_tokenizer(sentencepiece.SentencePieceProcessor(model_file=str(path)))
