"""What a SentencePiece model does with polypost's placeholders and with digits.

A neural model's tokenizer that maps `⟦` or `⟧` to <unk> loses inline markup sent as
placeholders (DESIGN.md, "Segmenting HTML"); one that splits "2024" into single digits is
more likely to garble numbers. `polypost doctor` reports both for each installed package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PLACEHOLDER_CHARACTERS = ("⟦", "⟧")
DIGITS_SAMPLE = "2024"


def probe_tokenizer(model_path: str | Path) -> dict[str, Any]:
    """{"placeholders_unk": [characters encoded to <unk>], "digits_split": bool, "digit_pieces": [...]}."""
    # SentencePiece is an optional dependency (the Argos extra); only doctor's probe needs it here.
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(model_path))
    unk = processor.unk_id()
    placeholders_unk = [char for char in PLACEHOLDER_CHARACTERS
                        if unk in processor.encode(f"a {char}1{char} b", out_type=int)]
    pieces = [piece for piece in processor.encode(DIGITS_SAMPLE, out_type=str) if piece != "▁"]
    return {"placeholders_unk": placeholders_unk, "digits_split": len(pieces) > 1, "digit_pieces": pieces}
