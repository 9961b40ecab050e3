"""The link checker: every reference a published site makes to itself, and whether it resolves.

It reads the site as a browser would: each HTML page under the output folder has the URL its
path gives it (`en/my-post/index.html` is `<en base>my-post/`), each `href`, `src`, `srcset`,
`poster` and `data` is resolved against that URL, and a reference that lands on one of the
site's own base URLs must be a file of the folder (a folder URL: its `index.html`), and its
`#fragment` an `id` of that page. References to other sites are not fetched.

What the source itself lacked (an image a Markdown post names but its folder does not hold)
is recorded by the publish in `REFERENCES_NAME`; the checker reports those apart, as missing
at the source, not as broken.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

REFERENCES_NAME = ".polypost-references.json"  # what each page names that its source lacks
URL_ATTRIBUTES = ("href", "src", "poster", "data", "srcset")
# <a>, <img> and the rest; <link> and <meta> of the head are the pages' own links (hreflang,
# canonical, feeds): checked too, they are references of the site to itself.
_META_URLS = ("og:url", "og:image", "twitter:image")


@dataclass
class Reference:
    page: str  # path of the page in the output folder
    reference: str  # as written in the page
    url: str  # absolute, as resolved against the page's URL
    reason: str = ""


@dataclass
class CheckReport:
    pages: int = 0
    references: int = 0  # internal references checked
    broken: list[Reference] = field(default_factory=list)
    missing_at_source: list[Reference] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"pages": self.pages, "references": self.references,
                "broken": [asdict(r) for r in self.broken],
                "missing_at_source": [asdict(r) for r in self.missing_at_source]}


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset: comma-separated candidates, each a URL and an optional descriptor."""
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def page_references(doc) -> list[str]:
    refs: list[str] = []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        if element.tag == "meta":
            if element.get("property") in _META_URLS or element.get("name") in _META_URLS:
                refs.append(element.get("content") or "")
            continue
        for attribute in URL_ATTRIBUTES:
            value = element.get(attribute)
            if value is None:
                continue
            if attribute == "srcset":
                refs.extend(srcset_urls(value))
            elif attribute == "data" and element.tag != "object":
                continue
            else:
                refs.append(value.strip())
    return [ref for ref in refs if ref]


class SiteMap:
    """The site's base URLs and the folders of the output that serve them."""

    def __init__(self, out_dir: Path, bases: dict[str, str]):
        self.out_dir = out_dir
        # Longest URL first, so that https://x/es/ wins over https://x/ for a Spanish page.
        self.bases = sorted(((url if url.endswith("/") else url + "/", folder) for url, folder in bases.items()),
                            key=lambda pair: -len(pair[0]))

    def url_of(self, relpath: str) -> str | None:
        """The URL a file of the output folder is served at."""
        for url, folder in sorted(self.bases, key=lambda pair: -len(pair[1])):
            if relpath.startswith(folder):
                rest = relpath[len(folder):]
                if rest == "index.html" or rest.endswith("/index.html"):
                    rest = rest[: -len("index.html")]
                return url + rest
        return None

    def path_of(self, url: str) -> str | None:
        """The file of the output folder an internal URL names; None for another site's URL."""
        bare = url.split("?", 1)[0]
        for base, folder in self.bases:
            if _same_origin_prefix(bare, base):
                rest = unquote(bare[len(base):])
                relpath = folder + rest
                if relpath == "" or relpath.endswith("/"):
                    return relpath + "index.html"
                if (self.out_dir / relpath).is_dir():
                    return relpath + "/index.html"
                return relpath
        return None


def _same_origin_prefix(url: str, base: str) -> bool:
    if url.startswith(base):
        return True
    # "https://blog.example.com/es" (no slash) names the home too
    return url + "/" == base


def check_site(out_dir: Path, bases: dict[str, str]) -> CheckReport:
    """Check every HTML page under `out_dir`; `bases`: absolute base URL -> folder ('' or 'en/')."""
    site = SiteMap(out_dir, bases)
    missing = _missing_at_source(out_dir)
    report = CheckReport()
    ids: dict[str, set[str]] = {}
    found: list[tuple[str, str, str]] = []  # (page, reference, absolute url)
    for path in sorted(out_dir.rglob("*.html")):
        relpath = path.relative_to(out_dir).as_posix()
        if any(part.startswith(".") for part in Path(relpath).parts):
            continue
        page_url = site.url_of(relpath)
        if page_url is None:
            continue
        try:
            doc = lxml_html.fromstring(path.read_bytes())
        except (etree.ParserError, ValueError):
            continue  # an empty file: nothing refers from it
        report.pages += 1
        ids[relpath] = {str(value) for value in doc.xpath("//@id | //a/@name")}
        base_href = doc.xpath("//head/base/@href")
        page_base = urljoin(page_url, base_href[0]) if base_href else page_url
        for ref in page_references(doc):
            if ref.startswith(("mailto:", "tel:", "javascript:", "data:")):
                continue
            found.append((relpath, ref, urljoin(page_base, ref)))
    for relpath, ref, url in found:
        target, fragment = urldefrag(url)
        target_path = site.path_of(target)
        if target_path is None or urlsplit(url).scheme not in ("http", "https"):
            continue
        report.references += 1
        reason = ""
        if not (out_dir / target_path).is_file():
            reason = f"no file {target_path}"
        elif fragment and target_path in ids and not {fragment, unquote(fragment)} & ids[target_path]:
            # A browser tries the fragment as written, then percent-decoded (HTML, "indicated part").
            reason = f"no id {unquote(fragment)!r} in {target_path}"
        if not reason:
            continue
        item = Reference(page=relpath, reference=ref, url=url, reason=reason)
        (report.missing_at_source if ref in missing.get(relpath, ()) else report.broken).append(item)
    return report


def _missing_at_source(out_dir: Path) -> dict[str, set[str]]:
    try:
        data = json.loads((out_dir / REFERENCES_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pages = data.get("missing", {}) if isinstance(data, dict) else {}
    return {str(page): {str(ref) for ref in refs} for page, refs in pages.items() if isinstance(refs, list)}
