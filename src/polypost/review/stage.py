"""What a person reviews: the segments of translated posts, the text each one shows now, and the
QA flags and glossary terms on it.

`polypost review` lists the flagged ones; the exchange formats (polypost.review.files: XLIFF, PO)
carry the same units to translation tools and back. A unit's id names the post, the field, the
segment index and the hash of the source text (`Segment.key`), so an import finds the segment
again, and sees when the English text changed since the export.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from polypost.config import Config
from polypost.glossary.terms import Glossary
from polypost.records import Post, Translation
from polypost.segment.document import Segment
from polypost.store import Store
from polypost.translate.memory import TABLE, Memory, MemoryKey
from polypost.translate.stage import is_kept, memory_key, post_documents

FIELDS = ("title", "body", "description")
# Statuses that mean "a person should look": QA flags, or held back for a missed glossary term.
NEEDS_REVIEW = ("flagged", "held")


@dataclass
class ReviewUnit:
    post_id: str
    field: str  # title, body or description
    index: int  # the segment's position in its field
    source_hash: str  # Segment.key: sha256 of the source text
    source: str  # placeholder text (⟦n⟧...⟦/n⟧, ⟦n/⟧) as the engine saw it
    target: str | None  # the text the Spanish page shows now; None when the memory lacks it
    origin: str  # "machine", "human" or "missing"
    flags: list[dict] = field(default_factory=list)  # {"check", "evidence"}
    terms: list[dict] = field(default_factory=list)  # {"term", "target", "met"}

    @property
    def unit_id(self) -> str:
        return make_unit_id(self.post_id, self.field, self.index, self.source_hash)

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit_id, **asdict(self)}


def make_unit_id(post_id: str, field_name: str, index: int, source_hash: str) -> str:
    return f"{post_id}:{field_name}:{index}:{source_hash}"


def parse_unit_id(unit_id: str) -> tuple[str, str, int, str]:
    """(post id, field, segment index, source hash); ValueError for an id polypost did not write."""
    # Split from the right: field, index and hash never hold a colon, a post id might.
    parts = unit_id.rsplit(":", 3)
    if len(parts) != 4 or parts[1] not in FIELDS or not parts[2].isdigit() or len(parts[3]) != 64:
        raise ValueError(f"{unit_id!r} is not a polypost unit id (post:field:segment:source-hash)")
    return parts[0], parts[1], int(parts[2]), parts[3]


def engine_of(translation: Translation) -> tuple[str, str]:
    """(name, version) from Translation.engine, which the translate stage writes as "name version"."""
    name, _, version = (translation.engine or "").partition(" ")
    return name, version


def post_units(store: Store, post: Post, translation: Translation, glossary: Glossary,
               source_lang: str, target_lang: str) -> list[ReviewUnit]:
    """Every translated segment of a post, with the text its Spanish page shows now."""
    engine_name, engine_version = engine_of(translation)
    flags: dict[tuple[str, int], list[dict]] = {}
    for flag in translation.qa_report or []:
        if flag.get("field") in FIELDS and isinstance(flag.get("segment"), int):
            flags.setdefault((flag["field"], flag["segment"]), []).append(
                {"check": flag.get("check", ""), "evidence": flag.get("evidence", "")})
    terms: dict[tuple[str, int], list[dict]] = {}
    for row in translation.glossary_report or []:
        terms.setdefault((row.get("field"), row.get("segment")), []).append(
            {"term": row.get("term"), "target": row.get("target"), "met": bool(row.get("met"))})
    slots: list[tuple[str, Segment, MemoryKey]] = []
    for name, doc in post_documents(post).items():
        for segment in doc.segments:
            if not is_kept(segment, source_lang, target_lang):
                key = memory_key(segment, glossary, engine_name, engine_version, source_lang, target_lang)
                slots.append((name, segment, key))
    memory = Memory(store.db)
    known = memory.lookup([key for _, _, key in slots])
    units = []
    for name, segment, key in slots:
        entry = known.get(key)
        target, origin = (entry.target_text, entry.origin) if entry else _newest_text(store, key)
        units.append(ReviewUnit(
            post_id=post.id, field=name, index=segment.index, source_hash=segment.key, source=segment.text,
            target=target, origin=origin,
            flags=flags.get((name, segment.index), []), terms=terms.get((name, segment.index), []),
        ))
    return units


def _newest_text(store: Store, key: MemoryKey) -> tuple[str | None, str]:
    # The glossary changed since the post was translated, so its exact key misses: the newest
    # entry for the same text is what the page most likely shows.
    rows = list(store.db.query(
        f"select target_text, origin from [{TABLE}] where source_hash = ? and source_lang = ? and target_lang = ? "
        "order by origin = 'human' desc, created_at desc limit 1",
        [key.source_hash, key.source_lang, key.target_lang]))
    return (rows[0]["target_text"], rows[0]["origin"]) if rows else (None, "missing")


def needs_review(translation: Translation) -> bool:
    return translation.status in NEEDS_REVIEW or bool(translation.qa_report)


def translated_posts(store: Store, config: Config, post_id: str | None = None,
                     flagged: bool = False) -> list[tuple[Post, Translation]]:
    """The translated posts to review or export: one (by id or slug), the flagged ones, or all."""
    if post_id is not None:
        post = store.get_post(post_id)
        if post is None:
            raise LookupError(f"no post with id or slug {post_id!r}")
        translation = store.get_translation(post.id, config.target_lang)
        if translation is None:
            raise LookupError(f"post {post_id!r} has no {config.target_lang} translation yet (run `polypost translate`)")
        return [(post, translation)]
    pairs = []
    for post in store.iter_posts("lang = ?", [config.source_lang]):
        translation = store.get_translation(post.id, config.target_lang)
        if translation is not None and (not flagged or needs_review(translation)):
            pairs.append((post, translation))
    return pairs


def review_list(store: Store, config: Config) -> dict[str, Any]:
    """The flagged posts, each flag with its field, segment, check, evidence, source and target."""
    from polypost.pipeline import load_glossary

    glossary = load_glossary(config)
    posts = []
    for post, translation in translated_posts(store, config, flagged=True):
        units = {(u.field, u.index): u for u in post_units(
            store, post, translation, glossary, config.source_lang, config.target_lang)}
        rows = []
        for flag in translation.qa_report or []:
            unit = units.get((flag.get("field"), flag.get("segment")))
            rows.append({
                "post": post.id,
                "field": flag.get("field"),
                "segment": flag.get("segment"),
                "check": flag.get("check", ""),
                "evidence": flag.get("evidence", ""),
                "source": unit.source if unit else None,
                "target": unit.target if unit else None,
                "unit": unit.unit_id if unit else None,
            })
        posts.append({"post": post.id, "slug": post.slug, "title": post.title, "status": translation.status,
                      "flags": rows})
    return {"posts": posts, "flagged_posts": len(posts), "flags": sum(len(p["flags"]) for p in posts)}


def format_review(data: dict[str, Any]) -> str:
    if not data["posts"]:
        return "nothing to review: no translation is flagged"
    lines = [f"{data['flagged_posts']} posts to review, {data['flags']} flags"]
    for post in data["posts"]:
        lines.append(f"{post['post']} [{post['status']}] {post['title']}")
        for flag in post["flags"]:
            where = f"{flag['field']} #{flag['segment']}" if flag["field"] else "post"
            lines.append(f"  {where}: {flag['check']}: {flag['evidence']}")
            if flag["source"] is not None:
                lines.append(f"    en: {flag['source']}")
                lines.append(f"    es: {flag['target'] if flag['target'] is not None else '(not in memory)'}")
    lines.append("export them with `polypost export --format xliff --flagged FILE`, fix, then `polypost import FILE`")
    return "\n".join(lines)
