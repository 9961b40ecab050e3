"""polypost's wpautop against WordPress's own (the `@wordpress/autop` npm package pinned in tests/node).

The reference is run on every classic-editor body of the corpus's WordPress exports and on
generated texts that mix the markup wpautop has rules for. Only a machine without node skips.

`@wordpress/autop` is the block editor's port of an older PHP wpautop; polypost follows the PHP
that renders posts today, which differs in three rules: a line break after `<hr>`, every
`<figcaption>` collapsed (the port does the first one only), and `<math>` kept out of the block
list (it is preserved like `<svg>`). The generated texts leave those three out. And PHP's `$`
matches before a final newline where JavaScript's does not, so the last rule (`\n</p>$` -> `</p>`)
also applies to a text ending in `\n</p>\n`: `as_php` says so. The real exports agree in full."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from polypost.sources.wpautop import wpautop

NODE_DIR = Path(__file__).resolve().parent / "node"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
PIECES = ["Some text", "a line", "\n", "\n\n", "\n\n\n", "  ", "<ul>", "</ul>", "<li>x</li>", "<ol>\n<li>y</li>\n</ol>",
          "<table>\n<tr>\n<td>a\nb</td>\n</tr>\n</table>", "<pre>code\n\n  more</pre>", "<br>", "<br />\n<br />",
          "<blockquote>q</blockquote>", "<div>d</div>", "<!-- a\nb -->", "<em>e</em>", '<a href="/x">l</a>',
          "<figure><img src=x>\n</figure>", "<video>\n<source src=v>\n</video>",
          "<select>\n<option>1</option>\n</select>", "<script>a\nb</script>", "[gallery]", "<h2>H</h2>",
          '<img src="y"\nalt="z">', "<p>p</p>", "<dl><dt>t</dt>\n<dd>d</dd></dl>"]


@pytest.fixture(scope="module")
def wordpress_autop():
    if shutil.which("node") is None:
        pytest.skip("node is not installed (`.ci/setup --test` installs it)")
    if not (NODE_DIR / "node_modules" / "@wordpress" / "autop").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, capture_output=True)

    def autop(texts: list[str]) -> list[str]:
        done = subprocess.run(["node", "autop.js"], cwd=NODE_DIR, check=True, capture_output=True, text=True,
                              input=json.dumps(texts))
        return json.loads(done.stdout)

    return autop


def as_php(html: str) -> str:
    return html[: -len("\n</p>\n")] + "</p>\n" if html.endswith("\n</p>\n") else html


def classic_bodies(corpus: Path) -> list[str]:
    texts = []
    for path in sorted((corpus / "wxr").glob("*.xml")):
        try:
            root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue  # the files that are not well-formed on purpose
        texts += [node.text for node in root.iter(CONTENT) if node.text and node.text.strip()
                  and "<!-- wp:" not in node.text]
    return texts


def test_the_same_paragraphs_as_wordpress_on_every_classic_post_of_the_exports(corpus, wordpress_autop):
    texts = classic_bodies(corpus)
    assert len(texts) > 80
    official = wordpress_autop(texts)
    differ = [(text[:80], want[:200], wpautop(text)[:200]) for text, want in zip(texts, official, strict=True)
              if wpautop(text) != want]
    assert not differ, f"{len(texts) - len(differ)}/{len(texts)} agree; first: {differ[:2]}"


def test_the_same_paragraphs_as_wordpress_on_generated_markup(wordpress_autop):
    rnd = random.Random(5)
    texts = ["".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 25))) for _ in range(400)]
    official = [as_php(want) for want in wordpress_autop(texts)]
    differ = [(text, want, wpautop(text)) for text, want in zip(texts, official, strict=True) if wpautop(text) != want]
    assert not differ, f"{len(texts) - len(differ)}/{len(texts)} agree; first: {differ[:2]}"


def test_no_br_directly_inside_lists_or_tables():
    html = wpautop("Steps:\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n<table>\n<tr>\n<td>a</td>\n</tr>\n</table>")
    assert html == ("<p>Steps:</p>\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"
                    "<table>\n<tr>\n<td>a</td>\n</tr>\n</table>\n")
