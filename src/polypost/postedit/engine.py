"""An engine with the target variant's post-editing rules attached.

`PostEditing(engine, editor)` translates exactly like `engine`; it only carries the editor for
the translate stage (which applies it after the glossary puts its terms back, before QA) and a
version that names the rules, so that memory keys, review imports and rebuild fingerprints all
tell "Apertium + es-419 rules" apart from Apertium alone without knowing about post-editing.
"""

from __future__ import annotations

from typing import Any

from polypost.postedit.editor import PostEditor


class PostEditing:
    def __init__(self, engine: Any, editor: PostEditor) -> None:
        self.inner = engine
        self.post_editor = editor
        self.name = engine.name
        self.version = f"{engine.version}+{editor.version}"

    def translate(self, texts: list[str], **options: Any) -> list[str]:  # forms=... for Argos' prefix strategy
        return self.inner.translate(texts, **options)

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:  # the inner engine's own settings (beam size, device)
        return getattr(self.inner, name)
