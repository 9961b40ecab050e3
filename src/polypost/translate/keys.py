"""What a translation is made from: the segments of a post, the memory key of each, and the
fingerprint of a whole post's job. Plain values in and out: the translate stage and the
review exchange key segments the same way through these."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from html import escape

from bs4 import BeautifulSoup

from polypost.glossary import Glossary
from polypost.glossary.names import find_names
from polypost.languages import language, language_of
from polypost.languages.detect import detect_language
from polypost.records import MemoryKey, Post
from polypost.segment.document import Document, Segment, segment_html, segment_text


def glossary_fingerprint(glossary: Glossary) -> str:
    rows = sorted(term.fingerprint() for term in glossary.terms)
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]


def job_fingerprint(post: Post, engine, glossary_hash: str, gates: str) -> str:
    """What a translation was made from: if this is unchanged, the translation is too."""
    parts = [post.content_hash, engine.name, engine.version, glossary_hash, gates]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def looks_like_target_language(text: str, target_lang: str, candidates: Sequence[str]) -> bool:
    """Whether a block is already written in the target language (a quoted reply, say).

    Only a block that shows one of the language's signs goes to detection: detection costs
    milliseconds per call, and an English archive has tens of thousands of blocks."""
    lowered = f" {text.lower()} "
    if not any(sign in lowered for sign in language(target_lang).signs):
        return False
    if len(text.split()) < 4:  # too short to judge; translating it is the safe side
        return False
    lang, confidence = detect_language(text, candidates)
    return lang == language_of(target_lang) and confidence >= 0.8


def post_documents(post: Post) -> dict[str, Document]:
    """A post's translatable fields cut into segments (the review exchange cuts them the same way);
    its tags are one field, a segment per tag."""
    docs = {"title": segment_text(post.title), "body": segment_html(post.html)}
    if post.description:
        docs["description"] = segment_text(post.description)
    if post.tags:
        docs["tags"] = segment_html("".join(f"<p>{escape(tag)}</p>" for tag in post.tags))
    return docs


def post_glossary(docs: dict[str, Document], glossary: Glossary, keep_names: bool) -> Glossary:
    """The glossary one post's segments are protected and keyed with: with `keep_names`, the
    names its body and description use (`glossary.names`) kept as written. The translate stage
    and the review exchange both key segments with it, here and on cluster workers alike."""
    if not keep_names:
        return glossary
    texts = [segment.text for name in ("body", "description") if name in docs
             for segment in docs[name].segments if segment.kind != "attr"]  # alt texts are no running text
    return glossary.with_names(find_names(texts, glossary.matcher))


def tags_of(html: str, sources: Sequence[str]) -> list[str]:
    """The tags of a translated `tags` field, in their order, lower case where the source tag is
    (a tag is not a sentence: "community manager" stays so, "Instagram" and "SEO" as written)."""
    tags = [" ".join(p.get_text(" ").split()) for p in BeautifulSoup(html, "html.parser").find_all("p")]
    return [tag[:1].lower() + tag[1:] if source[:1].islower() and not tag.split(" ", 1)[0].isupper() else tag
            for source, tag in zip(sources, tags)]


def is_kept(segment: Segment, source_lang: str, target_lang: str) -> bool:
    """A block already in the target language (a quote, say) stays as written."""
    return segment.kind == "block" and looks_like_target_language(
        segment.text, target_lang, (language_of(source_lang), language_of(target_lang)))


def memory_key(segment: Segment, glossary: Glossary, engine_name: str, engine_version: str,
               source_lang: str, target_lang: str) -> MemoryKey:
    """The memory key of a segment: its text, the languages, the engine and the terms it holds."""
    return MemoryKey(
        source_hash=segment.key,
        source_lang=source_lang,
        # "es-419" and "es" share one memory: a person's Spanish serves every variant, and the
        # machine's differs by variant through the post-editing rules in engine_version.
        target_lang=language_of(target_lang),
        engine=engine_name,
        engine_version=engine_version,
        terms_hash=glossary.terms_hash(segment.text),
    )
