"""The `Glossary` the pipeline uses: the active terms of one language pair, matched, protected
from the engine, restored and reported. The file format lives in `files.py`."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from polypost.glossary.files import parse_file
from polypost.glossary.gender import with_genders
from polypost.glossary.match import Match, Matcher
from polypost.glossary.names import is_found_name, name_term
from polypost.glossary.protect import Protected, strategy_for
from polypost.glossary.protect import protect as protect_text
from polypost.glossary.protect import restore as restore_text
from polypost.glossary.report import report as report_segment
from polypost.glossary.term import GlossaryError, Term
from polypost.languages import language


_MATCH_CACHE = 8192  # segment texts; a chunk of 200 posts has about 4,000


class Glossary:
    """The active terms of one language pair; later files win over earlier ones."""

    def __init__(self, terms: Sequence[Term] = (), strategy: str | None = None, target_lang: str = "es"):
        self.terms: list[Term] = list(terms)
        self.target_lang = target_lang  # its plural rule renders a term whose English is plural
        self.strategy = strategy  # default protection strategy (see polypost.glossary.protect.STRATEGIES)
        self._matcher: Matcher | None = None
        self._match_cache: dict[str, list[Match]] = {}
        self._named: dict[tuple[str, ...], NamedGlossary] = {}

    @classmethod
    def load(cls, paths: Sequence[Path], strategy: str | None = None, target_lang: str = "es") -> Glossary:
        active: dict[str, Term] = {}
        for path in paths:
            terms, problems = parse_file(Path(path))
            errors = [p for p in problems if p.severity == "error"]
            if errors:
                first = errors[0]
                more = f" (and {len(errors) - 1} more; run `polypost glossary check`)" if len(errors) > 1 else ""
                raise GlossaryError(first.file, first.line, first.message + more)
            for term in terms:
                active.pop(term.key, None)  # re-insert so the order follows the override
                active[term.key] = term
        terms = list(active.values())
        if language(target_lang).code == "es":  # nouns without a gender column: from the analyser
            terms = with_genders(terms)
        return cls(terms, strategy=strategy, target_lang=target_lang)

    @classmethod
    def empty(cls, target_lang: str = "es") -> Glossary:
        return cls([], target_lang=target_lang)

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = Matcher(self.terms, plural=language(self.target_lang).plural)
        return self._matcher

    def matches(self, text: str) -> list[Match]:
        # terms_hash, protect and report all ask about the same segment text: match it once.
        # Two chunks of segments are in flight (one prepared while the one before is reported
        # on another thread): room for both; and the answer is held here, not read back from
        # a cache the other thread may have just cleared.
        found = self._match_cache.get(text)
        if found is None:
            found = self.matcher.find(text)
            if len(self._match_cache) >= _MATCH_CACHE:
                self._match_cache.clear()
            self._match_cache[text] = found
        return found

    def terms_hash(self, text: str) -> str:
        """A hash of the entries that match in `text` ("" when none), for the memory key."""
        used = {m.term.key: m.term for m in self.matches(text)}
        if not used:
            return ""
        payload = "\n".join(sorted(t.fingerprint() for t in used.values()))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def protect(self, text: str, strategy: str | None = None, engine: str | None = None) -> Protected:
        """`text` with its terms hidden from the engine. The strategy is, in order: the one
        asked for, the one measured best for `engine` (by name), the glossary's default."""
        chosen = strategy or (strategy_for(engine) if engine else None) or self.strategy
        return protect_text(text, self.matches(text), chosen or strategy_for(None))

    def restore(self, protected: Protected, translated: str) -> str:
        return restore_text(protected, translated)

    def report(self, source_text: str, target_text: str) -> list[dict]:
        return self.report_matches(self.matches(source_text), target_text)

    def report_matches(self, matches: Sequence[Match], target_text: str) -> list[dict]:
        """The report on matches already found (a segment's `Protected.matches`): a post of
        more segments than the match cache holds is then not matched a second time. Names a
        post's glossary added are left out, as `NamedGlossary.report` leaves them."""
        return report_segment([m for m in matches if not is_found_name(m.term)], target_text)

    def with_names(self, names: Sequence[str]) -> Glossary:
        """This glossary plus `names` (found in one post, `glossary.names`) as case-sensitive keep
        terms. The same names give the same object, whose matches other posts then share."""
        if not names:
            return self
        key = tuple(sorted(set(names)))
        named = self._named.get(key)
        if named is None:
            if len(self._named) >= _NAMED_CACHE:
                self._named.clear()
            named = self._named[key] = NamedGlossary(self, key)
        return named


_NAMED_CACHE = 256  # name sets; an archive's posts share a few


class NamedGlossary(Glossary):
    """A glossary and one post's names. A name gives way to a glossary term it overlaps, and
    reports leave names out: they are not the user's terms, so their compliance is not asked."""

    def __init__(self, base: Glossary, names: tuple[str, ...]) -> None:
        super().__init__(base.terms, strategy=base.strategy, target_lang=base.target_lang)
        self.base = base
        self.names = names
        self._names = Matcher([name_term(name) for name in names])

    @property
    def matcher(self) -> Matcher:
        return self.base.matcher

    def matches(self, text: str) -> list[Match]:
        found = self.base.matches(text)
        extra = [m for m in self._names.find(text) if not any(m.start < b.end and b.start < m.end for b in found)]
        return sorted([*found, *extra], key=lambda m: m.start) if extra else found

    def report(self, source_text: str, target_text: str) -> list[dict]:
        return self.base.report(source_text, target_text)

    def with_names(self, names: Sequence[str]) -> Glossary:
        return self.base.with_names(names)
