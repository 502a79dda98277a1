"""The browser packages, served from the npm packages installed beside this file
(`package.json`, `package-lock.json`; `npm ci` in scripts/install): no CDN, so every page
and the OpenAPI pages work on an intranet without internet.

Only the packages named in the lock file are served, only their files of browser kinds, and
never a path outside their folder. CodeMirror comes as ES modules: the import map names
each package's module entry, read from its own package.json."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from engine.messages import say

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
SERVED_SUFFIXES = {".js", ".mjs", ".css", ".map", ".png", ".svg", ".woff", ".woff2"}
PREFIX = "/ui/vendor"


# a package file that names an outside address gets a local one instead: Redoc's sidebar
# fetches its maker's logo from a CDN whatever the options say
LOCAL_INSTEAD = {
    "redoc/bundles/redoc.standalone.js": {b"https://cdn.redoc.ly/redoc/logo-mini.svg": b"/ui/static/favicon.svg"},
}


class MissingPackages(RuntimeError):
    """The npm packages were not installed: the pages would load without scripts."""


@lru_cache
def locked_packages() -> frozenset[str]:
    """The names of every package the lock file holds (the direct ones and theirs)."""
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    names = {path.split("node_modules/")[-1] for path in lock["packages"] if path}
    return frozenset(names)


def check_installed() -> None:
    missing = [name for name in ("htmx.org", "echarts", "@codemirror/view") if not (MODULES / name).is_dir()]
    if missing:
        raise MissingPackages(say("detail.missing_packages", names=", ".join(missing)))


def vendor_file(path: str) -> Path | None:
    """The file at `path` (`<package>/<file>`) when it is one that may be served."""
    parts = path.split("/")
    name_parts = 2 if parts[0].startswith("@") else 1
    name = "/".join(parts[:name_parts])
    if name not in locked_packages() or len(parts) <= name_parts:
        return None
    folder = (MODULES / name).resolve()
    file = (folder / "/".join(parts[name_parts:])).resolve()
    if not file.is_relative_to(folder) or file.suffix not in SERVED_SUFFIXES or not file.is_file():
        return None
    return file


@lru_cache(maxsize=8)
def localized(path: str) -> bytes | None:
    """The content of a file that needs local addresses put in (None for every other file)."""
    replacements = LOCAL_INSTEAD.get(path)
    file = vendor_file(path) if replacements else None
    if file is None:
        return None
    content = file.read_bytes()
    for outside, local in replacements.items():
        content = content.replace(outside, local)
    return content


def _module_entry(name: str) -> str | None:
    manifest = json.loads((MODULES / name / "package.json").read_text(encoding="utf-8"))
    exports = manifest.get("exports")
    if isinstance(exports, dict):
        entry = exports.get(".", exports)
        entry = entry.get("import", entry.get("default")) if isinstance(entry, dict) else entry
        if isinstance(entry, dict):  # {"import": {"types": ..., "default": ...}}
            entry = entry.get("default")
        if isinstance(entry, str):
            return entry.removeprefix("./")
    return manifest.get("module")


def _closure(roots: list[str]) -> list[str]:
    """`roots` and every package they depend on, by the lock file."""
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(lock.get(f"node_modules/{name}", {}).get("dependencies", {}))
    return sorted(seen)


@lru_cache
def import_map() -> str:
    """The import map of CodeMirror's ES modules and of every package they are built from."""
    direct = json.loads((HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]
    imports = {}
    for name in _closure([name for name in direct if name.startswith("@codemirror/")]):
        entry = _module_entry(name)
        if entry:
            imports[name] = f"{PREFIX}/{name}/{entry}"
    return json.dumps({"imports": imports}, ensure_ascii=False, indent=1)
