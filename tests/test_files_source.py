"""sources/files.py: the Markdown and page corpus, the bundled samples, and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from polypost.languages.detect import detect_language, detect_post, text_of
from polypost.records import SourcePost, SourceProblem
from polypost.sources.files import iter_file_posts, read_file_post

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MARKDOWN = CORPUS / "markdown"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _corpus(folder: Path) -> Path:
    if not folder.is_dir():
        pytest.skip(f"{folder} is not there")
    return folder


def _by_name(paths) -> dict[str, SourcePost | SourceProblem]:
    return {Path(item.origin).name if Path(item.origin).name != "index.md" else
            Path(item.origin).parent.name: item for item in iter_file_posts(paths)}


# ---------------------------------------------------------------- Markdown corpus (checked by hand)

def test_jekyll_yaml_posts_take_the_date_and_slug_from_the_filename():
    posts = _by_name([_corpus(MARKDOWN / "rust-blog-yaml")])
    assert len(posts) == 15 and all(isinstance(p, SourcePost) for p in posts.values())
    rust1 = posts["2015-05-15-Rust-1.0.md"]
    assert (rust1.title, rust1.published, rust1.slug, rust1.author) == (
        "Announcing Rust 1.0", "2015-05-15", "Rust-1.0", "The Rust Core Team")
    survey = posts["2018-11-27-Rust-survey-2018.md"]
    assert (survey.title, survey.published) == ("Rust Survey 2018 Results", "2018-11-27")
    musl = posts["2023-05-09-Updating-musl-targets.md"]
    assert (musl.title, musl.published, musl.author) == ("Updating Rust's Linux musl targets", "2023-05-09",
                                                         "Wesley Wiser")
    assert posts["2022-02-22-compiler-team-ambitions-2022.md"].author == "Felix Klock, Wesley Wiser"
    assert all(p.source == "files" and p.url is None for p in posts.values())
    # Markdown is rendered: reference links resolve, emphasis and code survive.
    soup = BeautifulSoup(rust1.html, "html.parser")
    assert soup.find("a", href=True) is not None and soup.find("strong") is not None


def test_toml_front_matter_posts():
    posts = _by_name([_corpus(MARKDOWN / "rust-blog-toml")])
    four = posts["4-Years-Of-Rust.md"]
    assert (four.title, four.author, four.published) == ("4 years of Rust", "The Rust Core Team", "2019-05-15")
    i128 = posts["i128-layout-update.md"]
    assert i128.title == "Changes to `u128`/`i128` layout in 1.77 and 1.78"
    assert i128.published == "2024-03-30" and i128.author == "Trevor Gross"
    release = posts["Rust-1.82.0.md"]
    assert release.title == "Announcing Rust 1.82.0"
    assert "<pre><code" in release.html and "rustup update stable" in release.html


def test_hugo_pair_in_english_and_spanish():
    posts = sorted(iter_file_posts([_corpus(MARKDOWN / "k8s-blog-en-es")]), key=lambda p: p.origin)
    en, es = posts
    assert en.title == "Introducing Node Readiness Controller"
    assert es.title == "Presentamos Node Readiness Controller"
    assert en.published == es.published == "2026-02-03T10:00:00+08:00"
    assert en.slug == es.slug == "introducing-node-readiness-controller"
    assert en.author == "Ajay Sundar Karuppasamy (Google)"
    soup = BeautifulSoup(en.html, "html.parser")
    assert soup.find("img")["alt"] == "Logo for node readiness controller"  # raw HTML kept
    assert soup.find("h2") is not None and soup.find("a", href="https://node-readiness-controller.sigs.k8s.io/")
    assert detect_post(en)[0] == "en" and detect_post(es)[0] == "es"


def test_readability_folder_walk_gives_pages_fragments_and_skips():
    items = list(iter_file_posts([_corpus(CORPUS / "pages" / "readability")]))
    pages = [i for i in items if isinstance(i, SourcePost) and i.origin.endswith("source.html")]
    fragments = [i for i in items if isinstance(i, SourcePost) and i.origin.endswith("expected.html")]
    skipped = [i for i in items if isinstance(i, SourceProblem)]
    assert len(pages) == len(fragments) == 21
    assert len(skipped) == 21 and all(s.skipped and s.error == "unsupported file type .json" for s in skipped)
    assert [i.origin for i in items] == sorted(i.origin for i in items)  # sorted walk
    assert all(p.title and p.html for p in pages)


# ---------------------------------------------------------------- the bundled samples

def test_samples_are_eight_english_posts_with_full_metadata():
    posts = list(iter_file_posts([SAMPLES]))
    assert len(posts) >= 8 and all(isinstance(p, SourcePost) for p in posts), posts
    for post in posts:
        words = len(re.findall(r"\w+", text_of(post.html)))
        assert 350 <= words <= 700, (post.origin, words)
        assert post.title and post.author and post.published and post.description and post.tags, post.origin
        assert detect_post(post)[0] == "en", post.origin
    suffixes = {Path(p.origin).suffix for p in posts}
    assert suffixes == {".md", ".html"}


def test_sample_page_with_comments_tells_the_origin_story():
    page = read_file_post(str(SAMPLES / "social-media-is-a-conversation.html"))
    assert page.title == "Social media is a conversation, not a billboard"
    assert page.slug == "social-media-is-a-conversation"
    assert page.url == "https://socialledger.example/blog/social-media-is-a-conversation/"
    body = BeautifulSoup(page.html, "html.parser")
    for furniture in ("Share on Facebook", "Popular posts", "Leave a Reply", "Privacy", "Lucía"):
        assert furniture not in body.get_text(), furniture
    assert body.find("blockquote") and body.find("pre") and body.find("img")["alt"]
    detect_post(page)
    assert [(c.author, c.lang, c.parent) for c in page.comments] == [
        ("Lucía Fernández", "es", None), ("Clara Benton", "en", 0), ("Jorge Medina", "es", None)]
    assert "versión en español" in page.comments[0].html


def test_samples_cover_the_markup_the_pipeline_must_keep():
    posts = list(iter_file_posts([SAMPLES]))
    html = "\n".join(p.html for p in posts)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("img", alt=True) and all(i.get("alt") for i in soup.find_all("img"))
    assert soup.find("blockquote") and soup.find("table") and soup.find("ol") and soup.find("ul")
    assert "utm_source=" in "".join(c.get_text() for c in soup.find_all("code"))
    spanish = soup.find("p", lang="es")
    assert spanish is not None and detect_language(spanish.get_text())[0] == "es"
    fragment = read_file_post(str(SAMPLES / "why-this-blog-now-speaks-spanish.html"))
    assert fragment.title == "Why this blog now speaks Spanish" and "<h1" not in fragment.html
    assert fragment.published == "2024-09-02" and "social media" in fragment.tags
    hugo = read_file_post(str(SAMPLES / "landing-pages-that-convert" / "index.md"))
    assert hugo.slug == "landing-pages-that-convert"


# ---------------------------------------------------------------- bad input

def _write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def test_bad_files_become_problems_and_the_batch_goes_on(tmp_path):
    _write(tmp_path, "a-undecodable.md", b"---\ntitle: x\n---\nCampa\xf1a")
    _write(tmp_path, "b-empty.md", b"  \n")
    _write(tmp_path, "c-binary.html", b"<p>\x00\x01\x02</p>")
    _write(tmp_path, "d-bad-yaml.md", "---\ntitle: ok\ntags: [one, two\nauthor: x\n---\nbody\n")
    _write(tmp_path, "e-bad-toml.md", '+++\ntitle = "x"\nauthor "y"\ndate = 2024-01-01\n+++\nbody\n')
    _write(tmp_path, "f-unclosed.md", "---\ntitle: x\nbody without an end\n")
    _write(tmp_path, "g-big.html", "<p>" + "x" * 2000 + "</p>")
    _write(tmp_path, "h-notes.txt", "hello")
    _write(tmp_path, "z-good.md", "# Fine post\n\nSome text.\n")
    items = list(iter_file_posts([tmp_path], max_bytes=1000))
    errors = {Path(i.origin).name: i.error for i in items if isinstance(i, SourceProblem)}
    assert re.search(r"byte 0xf1 at offset 22", errors["a-undecodable.md"])
    assert errors["b-empty.md"] == "empty file"
    assert errors["c-binary.html"] == "binary file (NUL byte at offset 3), not text"
    assert re.search(r"malformed YAML front matter on line \d", errors["d-bad-yaml.md"])
    assert "malformed TOML front matter on line 3" in errors["e-bad-toml.md"]
    assert "never closed" in errors["f-unclosed.md"]
    assert "over the limit of 1,000" in errors["g-big.html"]
    assert errors["h-notes.txt"] == "unsupported file type .txt"
    skipped = [i for i in items if isinstance(i, SourceProblem) and i.skipped]
    assert [Path(s.origin).name for s in skipped] == ["h-notes.txt"]
    good = items[-1]
    assert isinstance(good, SourcePost) and good.title == "Fine post" and "<h1" not in good.html


def test_walk_skips_hidden_is_sorted_and_limit_counts_posts(tmp_path):
    _write(tmp_path, ".git/config.html", "<p>no</p>")
    _write(tmp_path, ".hidden.md", "# no")
    _write(tmp_path, "b/2024-02-01-second.md", "# Second")
    _write(tmp_path, "a.txt", "skip me")
    _write(tmp_path, "a/2024-01-01-first.md", "# First")
    names = [i.origin for i in iter_file_posts([tmp_path])]
    assert [Path(n).name for n in names] == ["a.txt", "2024-01-01-first.md", "2024-02-01-second.md"]
    assert names == [i.origin for i in iter_file_posts([str(tmp_path)])]
    limited = list(iter_file_posts([tmp_path], limit=1))
    assert [Path(i.origin).name for i in limited] == ["a.txt", "2024-01-01-first.md"]
    first = limited[-1]
    assert (first.published, first.slug, first.origin) == ("2024-01-01", "first", str(tmp_path / "a/2024-01-01-first.md"))


def test_fragment_and_front_matter_fields(tmp_path):
    fragment = read_file_post(_write(tmp_path, "no-heading-here.html", "<p>Just a paragraph.</p>"))
    assert fragment.title == "No heading here" and fragment.html == "<p>Just a paragraph.</p>"
    md = read_file_post(_write(tmp_path, "post.markdown", (
        "---\ntitle: Hola\nauthors: [Ana, Luis]\nsummary: Resumen\ncategories: branding\nslug: hola-mundo\n"
        "url: https://example.com/hola/\nlang: es\ndate: 2024-05-01 10:00:00\n---\nTexto con **negrita**.\n")))
    assert (md.title, md.author, md.description, md.tags, md.slug, md.url, md.lang_hint, md.published) == (
        "Hola", "Ana, Luis", "Resumen", ["branding"], "hola-mundo", "https://example.com/hola/", "es",
        "2024-05-01T10:00:00")
    assert md.html == "<p>Texto con <strong>negrita</strong>.</p>"
    draft = read_file_post(_write(tmp_path, "draft.md", "---\ntitle: x\ndraft: true\n---\nx\n"))
    assert isinstance(draft, SourceProblem) and draft.skipped
    missing = list(iter_file_posts([tmp_path / "nope.md"]))
    assert isinstance(missing[0], SourceProblem) and "cannot read file" in missing[0].error
    bom = read_file_post(_write(tmp_path, "bom.md", b"\xef\xbb\xbf---\ntitle: BOM\n---\nx\n"))
    assert bom.title == "BOM"
