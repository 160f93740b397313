"""The apps depend one way (DESIGN.md): each imports only the apps to its left, and synthesis
imports neither Django nor any app. Read from the imports of every module under src/idm."""

import ast
from pathlib import Path

import pytest

import idm

pytestmark = pytest.mark.unit

SOURCE = Path(idm.__file__).parent
# Left to right; an app not built yet takes its place when it comes.
ORDER = ["core", "dialogues", "deliberation", "consultations", "practices", "publications", "api"]
# Project-level modules that put the apps together.
PROJECT = {"settings", "urls", "wsgi", "cli", "__init__"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in a file, at any depth (imports inside functions
    count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _left_of(target: str, app: str) -> bool:
    return target in ORDER and app in ORDER and ORDER.index(target) < ORDER.index(app)


def violations(source: Path = SOURCE) -> list[str]:
    found = []
    for path in sorted(source.rglob("*.py")):
        parts = path.relative_to(source).parts
        app = parts[0].removesuffix(".py")
        if app in PROJECT:
            continue
        for line, module in imported_modules(path):
            where = f"{path.relative_to(source)}:{line} imports {module}"
            target = module.split(".")[1] if module.startswith("idm.") else None
            if app == "synthesis":
                if module.split(".")[0] in ("django", "idm") and target != "synthesis":
                    found.append(where + " (synthesis is a pure library)")
            elif target not in (None, app, "synthesis") and not _left_of(target, app):
                found.append(where + f" ({target} is not to the left of {app})")
    return found


def test_apps_import_only_the_apps_to_their_left():
    assert violations() == []


def test_the_check_sees_a_wrong_import(tmp_path):
    """The test above can fail: a core module importing deliberation, synthesis importing
    Django."""
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text("def f():\n    from idm.deliberation import x\n")
    (tmp_path / "synthesis").mkdir()
    (tmp_path / "synthesis" / "bad.py").write_text("import django.db\n")
    (tmp_path / "dialogues").mkdir()
    (tmp_path / "dialogues" / "good.py").write_text("from idm.core import services\n")
    assert violations(tmp_path) == [
        "core/bad.py:2 imports idm.deliberation (deliberation is not to the left of core)",
        "synthesis/bad.py:1 imports django.db (synthesis is a pure library)"]
