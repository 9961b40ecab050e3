"""Post-editing: machine Spanish made into the target variant's Spanish, by rules kept as data.

`post_editor(tag, formality, user_files)` gives the `PostEditor` of a target tag ("es-419"),
or None when polypost has no rules for its language. Applied to machine output only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from polypost.postedit.editor import Edited, PostEditor
from polypost.postedit.rules import FORMALITIES, Rules, rules_for


def post_editor(tag: str, formality: str = "default", user_files: Sequence[str | Path] = ()) -> PostEditor | None:
    rules = rules_for(tag, formality, user_files)
    return PostEditor(rules) if rules is not None else None


__all__ = ["FORMALITIES", "Edited", "PostEditor", "Rules", "post_editor", "rules_for"]
