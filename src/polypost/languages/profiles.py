"""langdetect's language profiles, ready in a fifth of the time.

At its first detection langdetect builds a table of every n-gram of its 55 profiles (87,598 of
them) by the languages, in a Python loop over each n-gram of each profile: 0.28 s here, paid by
every run that detects anything (a nightly run with one new post; the Argos path's whole run of
30 posts). Here the same files are read in the same order, and an n-gram's row is worked out
when a text first asks for it, with langdetect's own arithmetic: the probabilities, and so every
detection, are those langdetect gives (tests/test_detect_profiles.py compares them). langdetect
has had no release since 2021; what this relies on of it (its factory's two tables, the module's
`_factory`) has not changed since its first Python version.
"""

from __future__ import annotations

import json
import os
import threading

from langdetect import detector_factory

_lock = threading.Lock()


class _Rows:
    """n-gram -> its probability in each language, langdetect's `word_lang_prob_map`, lazily."""

    def __init__(self, profiles: list[tuple[dict[str, int], list[int]]], size: int) -> None:
        self._profiles, self._size = profiles, size
        self._known = frozenset().union(*(freq for freq, _ in profiles))
        self._rows: dict[str, list[float]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._known

    def __getitem__(self, word: str) -> list[float]:
        row = self._rows.get(word)
        if row is None:
            if word not in self._known:
                raise KeyError(word)
            row = [0.0] * self._size
            length = len(word)
            if 1 <= length <= 3:  # as DetectorFactory.add_profile, profile by profile
                for index, (freq, n_words) in enumerate(self._profiles):
                    count = freq.get(word)
                    if count is not None:
                        row[index] = 1.0 * count / n_words[length - 1]
            self._rows[word] = row
        return row


def ready() -> None:
    """Give langdetect its factory, built here, unless it has one already."""
    if detector_factory._factory is not None:
        return
    with _lock:
        if detector_factory._factory is None:
            detector_factory._factory = _factory(detector_factory.PROFILES_DIRECTORY)


def _factory(folder: str) -> detector_factory.DetectorFactory:
    """DetectorFactory.load_profile's reading of `folder`: every file but hidden ones, in
    os.listdir's order, each row as long as the folder has entries."""
    names = os.listdir(folder)
    langs, profiles = [], []
    for name in names:
        path = os.path.join(folder, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        langs.append(data["name"])
        profiles.append((data["freq"], data["n_words"]))
    factory = detector_factory.DetectorFactory()
    factory.langlist = langs
    factory.word_lang_prob_map = _Rows(profiles, len(names))
    return factory
