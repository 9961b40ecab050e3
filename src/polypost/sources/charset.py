"""An HTML response's text: which charset to decode its bytes with.

BOM first, then the Content-Type header's charset, then the page's own <meta charset>, then
detection, as browsers do.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

from polypost.sources.page.extract import ExtractError, decode_html

__all__ = ["decode_body", "header_charset", "undeclared_xml_charset"]

log = logging.getLogger(__name__)

_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_XML_ENCODING_RE = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=", re.I)


def header_charset(content_type: str) -> str | None:
    match = _CHARSET_RE.search(content_type or "")
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1)).name
    except LookupError:
        return None


def decode_body(data: bytes, content_type: str, origin: str) -> str:
    """An HTML response's text: BOM, then the header's charset, then <meta charset>, then detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_html(data, origin)
    declared = header_charset(content_type)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            log.warning("%s: declared charset %s does not fit the bytes; trying the page's own", origin, declared)
    try:
        return decode_html(data, origin)
    except ExtractError:
        pass
    try:
        # Undeclared and not UTF-8: the HTML standard's fallback for English-locale pages.
        text = data.decode("windows-1252")
        log.warning("%s: no charset declared and not UTF-8; read as windows-1252", origin)
        return text
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise ExtractError(f"{origin}: cannot tell the page's charset (not UTF-8, none declared)") from None
        log.warning("%s: charset detected as %s", origin, best.encoding)
        return str(best)


def undeclared_xml_charset(data: bytes, content_type: str = "") -> str | None:
    """The detected charset of an XML document that declares none and is not UTF-8, else None.

    XML's default is UTF-8, and a parser without a detector falls back to windows-1252, which
    turns a KOI8-R or Shift-JIS feed into mojibake; only then is detection worth its cost.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if header_charset(content_type) or _XML_ENCODING_RE.match(data[:200]):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    return codecs.lookup(best.encoding).name if best is not None else None
