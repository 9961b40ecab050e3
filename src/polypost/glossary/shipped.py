"""The glossaries that come with polypost, wherever it was installed from.

A wheel carries them as polypost/glossary/tsv/ (copied in by setup.py); a checkout or an
editable install has them at the top of the repository, beside src/.
"""

from __future__ import annotations

from pathlib import Path

INSTALLED = Path(__file__).resolve().parent / "tsv"
CHECKOUT = Path(__file__).resolve().parents[3] / "glossaries"


def shipped_glossary_paths(source_lang: str, target_lang: str) -> list[Path]:
    """The shipped *.<source>-<target>.tsv files, from the installed package first."""
    pattern = f"*.{source_lang}-{target_lang}.tsv"
    for folder in (INSTALLED, CHECKOUT):
        found = sorted(folder.glob(pattern))
        if found:
            return found
    return []
