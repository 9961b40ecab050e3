"""Entities in a WordPress export: HTML's named entities kept as the characters they stand for
(`Caf&eacute;` is `Café`, not `Caf`), undefined ones kept as text, and a DTD that declares
entities (a billion-laughs bomb) removed before the parser sees it."""

from __future__ import annotations

import re
from html.entities import html5

_DOCTYPE_RE = re.compile(rb"<!DOCTYPE\s[^\[>]*(\[.*?\]\s*)?>", re.S)
_ENTITY_DECL_RE = re.compile(rb"<!ENTITY\s+(?:%\s+)?([A-Za-z_][\w.-]*)")
_ENTITY_REF_RE = re.compile(rb"&([A-Za-z_][\w.-]*);")
XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def replace_entities(data: bytes) -> tuple[bytes, str | None, set[str]]:
    """(the file with HTML entities as character references, a note on a refused DTD, the
    names of entities left undefined, each now kept as literal text `&name;`)."""
    note = None
    doctype = _DOCTYPE_RE.search(data, 0, 1024 * 1024)
    if doctype and doctype.group(1) and b"<!ENTITY" in doctype.group(1):
        names = [n.decode("ascii", "replace") for n in _ENTITY_DECL_RE.findall(doctype.group(1))]
        note = (f"its DTD declares {len(names)} entities ({', '.join(names[:5])}{', ...' if len(names) > 5 else ''}); "
                "not expanded (an entity bomb would exhaust memory), their references kept as text")
        data = data[:doctype.start()] + data[doctype.end():]
    undefined: set[str] = set()

    def one(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name in XML_ENTITIES:
            return match.group(0)
        text = html5.get(name.decode("ascii", "replace") + ";")
        if text is not None:
            return "".join(f"&#{ord(ch)};" for ch in text).encode("ascii")
        undefined.add(name.decode("ascii", "replace"))
        return b"&amp;" + name + b";"

    return _ENTITY_REF_RE.sub(one, data), note, undefined
