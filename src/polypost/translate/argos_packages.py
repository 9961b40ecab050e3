"""Argos Translate packages: download from the index, install a local file safely, list.

argostranslate reads its ARGOS_*/XDG_* settings when it is first imported. polypost imports it
lazily and re-reads those variables on every call (`_argos_package`), so a test or a config
file that points ARGOS_PACKAGES_DIR somewhere else is honoured even when argostranslate was
imported earlier in the same process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import stat
import zipfile
from pathlib import Path
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from packaging.version import InvalidVersion, Version

from polypost.errors import UsageError

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"


class PackageError(UsageError):
    """A package file or download is not usable; the message names it and says why."""


def _argos_package(create: bool = True) -> ModuleType:
    """`argostranslate.package`, with its settings re-read from the current environment.
    create=False (listing, doctor) leaves Argos's folders alone when they do not exist yet."""
    # Imported here, not at the top: argostranslate reads its settings from the environment when
    # first imported, and the Apertium path never needs it.
    from argostranslate import package, settings

    home = Path.home()
    data_dir = Path(os.getenv("XDG_DATA_HOME") or home / ".local" / "share") / "argos-translate"
    cache_dir = Path(os.getenv("XDG_CACHE_HOME") or home / ".local" / "cache") / "argos-translate"
    packages_dir = Path(settings.get_setting("ARGOS_PACKAGES_DIR", default=data_dir / "packages"))
    index_url = str(settings.get_setting("ARGOS_PACKAGE_INDEX", default=DEFAULT_INDEX))
    if not index_url.endswith((".json", "/")):
        index_url += "/"
    for folder in (data_dir, cache_dir / "downloads", packages_dir) if create else ():
        folder.mkdir(parents=True, exist_ok=True)

    settings.data_dir = data_dir
    settings.cache_dir = cache_dir
    settings.downloads_dir = cache_dir / "downloads"
    settings.local_package_index = data_dir / "index.json"
    settings.package_index = index_url
    settings.remote_package_index = index_url if index_url.endswith(".json") else index_url + "index.json"
    if settings.package_data_dir != packages_dir:
        extra_dirs = [d for d in settings.package_dirs if d != settings.package_data_dir]
        settings.package_data_dir = packages_dir
        settings.package_dirs[:] = [packages_dir, *extra_dirs]
    return package


def packages_dir() -> Path:
    """Where Argos packages are installed."""
    from argostranslate import settings  # lazily: see _argos_package

    _argos_package()
    return Path(settings.package_data_dir)


def installed_packages() -> list[Any]:
    """Installed argostranslate Package objects; a broken folder is skipped, not fatal."""
    package = _argos_package(create=False)
    from argostranslate import settings  # lazily: see _argos_package

    found = []
    for directory in settings.package_dirs:
        if not Path(directory).is_dir():
            continue
        for path in sorted(Path(directory).iterdir()):
            if path.is_dir() and (path / "metadata.json").is_file():
                try:
                    found.append(package.Package(path))
                except (OSError, ValueError):
                    continue  # unreadable metadata: not a package we can use
    return found


def find_installed(from_code: str = "en", to_code: str = "es") -> Any | None:
    """The newest installed translate package for this pair, or None."""
    def version_key(pkg: Any) -> tuple[int, Any]:
        try:
            return (1, Version(pkg.package_version or "0"))
        except InvalidVersion:
            return (0, pkg.package_version)

    matching = [
        p
        for p in installed_packages()
        if p.from_code == from_code and p.to_code == to_code and (p.type or "translate") == "translate"
    ]
    return max(matching, key=version_key) if matching else None


def list_installed() -> list[dict[str, str]]:
    """One dict per installed package: from_code, to_code, package_version, path."""
    return [
        {
            "from_code": p.from_code,
            "to_code": p.to_code,
            "package_version": p.package_version,
            "path": str(p.package_path),
        }
        for p in installed_packages()
    ]


_DRIVE = re.compile(r"^[A-Za-z]:")
# The en->es model unpacks to about 200 MB; a zip bomb (2 MB that unpack to 2 GB) must not fill the disk.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024


def validate_package_file(path: str | os.PathLike[str],
                          max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> dict[str, Any]:
    """Check an .argosmodel before anything is extracted; return its metadata.

    argostranslate extracts members without checking their paths, so this is the only guard
    against a file that writes outside the packages folder.
    """
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{path}: not a zip archive (an .argosmodel file is a zip)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            top_levels: set[str] = set()
            for member in members:
                _check_member(path, member)
                top_levels.add(member.filename.replace("\\", "/").split("/")[0])
            unpacked = sum(m.file_size for m in members)
            if unpacked > max_unpacked_bytes:
                raise PackageError(f"{path}: unpacks to {unpacked:,} bytes, over the limit of "
                                   f"{max_unpacked_bytes:,}; not installed")
            if top_levels & {".", ""}:
                raise PackageError(f"{path}: members must sit in one named top-level folder, not at the "
                                   "archive's root ('.')")
            if len(top_levels) != 1:
                listed = ", ".join(sorted(top_levels)) or "nothing"
                raise PackageError(
                    f"{path}: must hold exactly one top-level folder, found {listed}"
                )
            top = top_levels.pop()
            names = {m.filename.replace("\\", "/") for m in members}
            if top in names:  # a plain file at the top, not a folder
                raise PackageError(f"{path}: top-level entry {top!r} is a file, not a folder")
            if f"{top}/metadata.json" not in names:
                raise PackageError(f"{path}: missing {top}/metadata.json")
            if not any(n.startswith(f"{top}/model/") for n in names):
                raise PackageError(f"{path}: missing the model folder {top}/model/")
            try:
                metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise PackageError(f"{path}: {top}/metadata.json is not valid JSON: {exc}") from exc
            bad = archive.testzip()
            if bad is not None:
                raise PackageError(f"{path}: member {bad} is corrupt (CRC mismatch); download it again")
    except zipfile.BadZipFile as exc:
        raise PackageError(f"{path}: damaged zip archive: {exc}") from exc
    if not isinstance(metadata, dict):
        raise PackageError(f"{path}: {top}/metadata.json must hold a JSON object")
    for field in ("from_code", "to_code"):
        if not isinstance(metadata.get(field), str) or not metadata[field]:
            raise PackageError(f"{path}: {top}/metadata.json has no {field}")
    metadata["_top_folder"] = top
    return metadata


def _check_member(path: Path, member: zipfile.ZipInfo) -> None:
    name = member.filename
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or _DRIVE.match(normalized):
        raise PackageError(f"{path}: member {name!r} has an absolute path")
    if ".." in normalized.split("/"):
        raise PackageError(f"{path}: member {name!r} has a '..' component")
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise PackageError(f"{path}: member {name!r} is a symbolic link")


def install_from_file(path: str | os.PathLike[str]) -> str:
    """Validate and install a local .argosmodel; return the installed package folder."""
    metadata = validate_package_file(path)
    package = _argos_package()
    try:
        package.install_from_path(Path(path))
    except Exception as exc:  # argostranslate raises bare Exception
        raise PackageError(f"{path}: install failed: {exc}") from exc
    return str(packages_dir() / metadata["_top_folder"])


@contextlib.contextmanager
def _quiet_argos() -> Iterator[None]:
    """argostranslate logs a raw `(URLError(...),)` to stdout when offline; our own one-line
    message says it better, and stdout belongs to --json."""
    logger = logging.getLogger("argostranslate.utils")
    disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = disabled


def install_from_index(from_code: str = "en", to_code: str = "es") -> str:
    """Download the pair's package from the Argos index and install it; return its folder."""
    package = _argos_package()
    from argostranslate import settings  # lazily: see _argos_package

    index_path = Path(settings.local_package_index)
    before = index_path.stat().st_mtime_ns if index_path.exists() else None
    with _quiet_argos():
        package.update_package_index()  # logs and returns on network errors: check the file
    after = index_path.stat().st_mtime_ns if index_path.exists() else None
    if after is None or after == before:
        raise PackageError(
            f"Could not download the Argos package index from {settings.remote_package_index} "
            "(offline?). Install a package file instead: "
            "`polypost models install --file X.argosmodel`."
        )
    try:
        available = package.get_available_packages()
    except (OSError, ValueError) as exc:
        raise PackageError(f"Argos package index {index_path} is unreadable: {exc}") from exc
    matching = [p for p in available if p.from_code == from_code and p.to_code == to_code]
    if not matching:
        raise PackageError(
            f"The Argos package index {settings.remote_package_index} has no "
            f"{from_code}->{to_code} package."
        )
    chosen = matching[0]
    try:
        download = chosen.download()
    except Exception as exc:  # argostranslate raises bare Exception
        raise PackageError(
            f"Download of the {from_code}->{to_code} Argos package from {chosen.links} failed "
            f"(offline?): {exc}"
        ) from exc
    try:
        return install_from_file(download)
    finally:
        Path(download).unlink(missing_ok=True)  # a bad cached download must not stick
