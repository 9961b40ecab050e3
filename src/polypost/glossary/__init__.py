"""The glossary: term files (`files.py`, `term.py`), matching (`match.py`), protection from the
engine and agreement (`protect.py`, `agreement.py`), per-segment reports (`report.py`), all
behind the `Glossary` object (`terms.py`). `stage.py` reads the stored reports."""

from polypost.glossary.files import check_files, default_glossary_paths
from polypost.glossary.term import GlossaryError, Problem, Term
from polypost.glossary.terms import Glossary

__all__ = ["Glossary", "GlossaryError", "Problem", "Term", "check_files", "default_glossary_paths"]
