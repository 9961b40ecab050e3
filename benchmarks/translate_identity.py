"""Two code trees, the same translations: every stored result compared, field by field.

    .venv/bin/python benchmarks/translate_identity.py --posts 1000 --before main   # a git ref, or a src folder

Translates benchmarks/archive.py's archive, data/samples and a few real pages of
../shared/corpus with Apertium, once per target variant, in a fresh process per code tree
(`--before`, then this checkout's src), and compares what the store holds: each post's detected
language, each translation's title, html, status, QA flags and glossary report, each memory
entry's text and flags. Prints the first differences and exits 1 when there are any. For
changes that must not change results (caches, precomputed values, skipped work).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from translate_overhead import ROOT, child, code_tree, write_archive  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def sources(tmp: Path, posts: int) -> list[str]:
    found = [str(ROOT / "data" / "samples")]
    if posts:
        write_archive(tmp / "archive", posts)
        found.append(str(tmp / "archive"))
    pages = tmp / "pages"
    pages.mkdir()
    for folder in sorted((CORPUS / "pages" / "readability").glob("*"))[:12]:
        if (folder / "source.html").is_file():
            shutil.copy(folder / "source.html", pages / f"{folder.name}.html")
    found.append(str(pages))
    k8s = CORPUS / "markdown" / "k8s-blog-en-es"
    if k8s.is_dir():
        english = tmp / "k8s"
        english.mkdir()
        for path in sorted(k8s.glob("en__*.md")):
            shutil.copy(path, english / path.name[4:])
        found.append(str(english))
    wxr = CORPUS / "wxr" / "theme-unit-test-data.xml"
    if wxr.is_file():
        found.append(str(wxr))
    return found


def differences(before: dict, after: dict, limit: int = 20) -> list[str]:
    found = []
    for table in before:
        rows_before, rows_after = before[table], after[table]
        if len(rows_before) != len(rows_after):
            found.append(f"{table}: {len(rows_before)} rows before, {len(rows_after)} after")
        for one, other in zip(rows_before, rows_after):
            for column in one:
                if one[column] != other.get(column):
                    found.append(f"{table} {list(one.values())[:2]} {column}:\n  before {str(one[column])[:300]!r}"
                                 f"\n  after  {str(other.get(column))[:300]!r}")
            if len(found) >= limit:
                return found
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--before", default="main", help="the other code: a src folder, or a git ref")
    parser.add_argument("--after", default=str(ROOT / "src"))
    parser.add_argument("--targets", default="es,es-419,es-ES,es:formal",
                        help="target variants, a formality after a colon")
    parser.add_argument("--glossary", default=str(ROOT / "glossaries" / "marketing.en-es.tsv"))
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="polypost-identity-") as tmp_name:
        tmp = Path(tmp_name)
        inputs = os.pathsep.join(sources(tmp, args.posts))
        before = code_tree(args.before, tmp)
        for target in args.targets.split(","):
            dumps = {}
            for side, src in (("before", before), ("after", args.after)):
                name = f"{side}-{target.replace(':', '-')}"
                dump = tmp / f"{name}.json"
                figures = child(src, str(tmp / f"{name}.db"), inputs, target, args.glossary, str(dump))
                dumps[side] = json.loads(dump.read_text(encoding="utf-8"))
                print(f"{target} {side}: {figures['translated']} posts translated, "
                      f"{len(dumps[side]['memory'])} memory entries, {figures['translate']:.1f} s", flush=True)
            found = differences(dumps["before"], dumps["after"])
            flags = sum(len(json.loads(r["qa_report"] or "[]")) for r in dumps["after"]["translations"])
            print(f"{target}: {'IDENTICAL' if not found else 'DIFFERENT'} ({flags} QA flags compared)")
            for line in found:
                print("  " + line)
            failed |= bool(found)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
