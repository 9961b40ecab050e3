"""Build step: copy the top-level glossaries/ into the wheel as polypost/glossary/tsv/.

The glossaries stay at the top of the checkout, where users edit them; package-data can only
take files inside a package, so build_py copies them in. Everything else is in pyproject.toml.
"""

from pathlib import Path
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

GLOSSARIES = Path(__file__).resolve().parent / "glossaries"


class BuildPyWithGlossaries(build_py):
    def run(self):
        super().run()
        # An editable install reads them from the checkout (polypost.glossary.shipped).
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "polypost" / "glossary" / "tsv"
        target.mkdir(parents=True, exist_ok=True)
        for tsv in sorted(GLOSSARIES.glob("*.tsv")):
            shutil.copyfile(tsv, target / tsv.name)


setup(cmdclass={"build_py": BuildPyWithGlossaries})
