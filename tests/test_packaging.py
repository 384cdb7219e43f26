"""The wheel installs one top-level name, so it never shadows the PyPI projects called
validators, archive, crawler or schemas."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_wheel_has_only_the_wirearchive_namespace(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
         str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    [wheel] = tmp_path.glob("wirearchive-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names}
    dist_info = {t for t in top_level if t.endswith(".dist-info")}
    assert top_level - dist_info == {"wirearchive"}
    assert len(dist_info) == 1
    for package in ("text", "validators", "archive", "crawler"):
        assert f"wirearchive/{package}/__init__.py" in names
    # Every source module ships: a subpackage left out of pyproject's `packages` (such as
    # crawler/readers/html/) would install without its modules.
    missing = [
        str(module.relative_to(ROOT))
        for package in ("text", "validators", "archive", "crawler")
        for module in sorted((ROOT / package).rglob("*.py"))
        if f"wirearchive/{module.relative_to(ROOT).as_posix()}" not in names
    ]
    assert missing == []
    assert "wirearchive/schemas/ninjs-schema_3.1.json" in names
    assert "wirearchive/schemas/wire-item_1.0.json" in names
    assert "wirearchive/py.typed" in names


def test_an_editable_install_finds_the_schemas(tmp_path: Path) -> None:
    """`pip install -e .` must work as the wheel does: every package, the schemas included.

    The editable wheel is built with the PEP 660 hook and unpacked into a folder of its
    own: installing it with pip, even under ``--prefix``, would uninstall the copy the
    test environment runs from.
    """
    build = (
        "import sys, setuptools.build_meta as backend\nprint(backend.build_editable(sys.argv[1]))\n"
    )
    made = subprocess.run(
        [sys.executable, "-c", build, str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    wheel = tmp_path / made.stdout.strip().splitlines()[-1]
    site_dir = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site_dir)
    # -S: only the editable install is on the path, not the copy the test venv holds.
    code = (
        f"import site; site.addsitedir({str(site_dir)!r})\n"
        "from importlib.resources import files\n"
        "import wirearchive\n"
        "print(wirearchive.__file__)\n"
        "print(files('wirearchive.schemas').joinpath('wire-item_1.0.json').is_file())\n"
        "import importlib.util, wirearchive.text.chrome\n"
        "for name in ('validators', 'archive', 'crawler'):\n"
        "    assert importlib.util.find_spec('wirearchive.' + name), name\n"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], check=True, capture_output=True, text=True
    )
    where, found = done.stdout.split()
    assert Path(where).resolve() == (ROOT / "_namespace" / "__init__.py").resolve()
    assert found == "True"


def test_wheel_carries_the_browser_templates(tmp_path: Path) -> None:
    """`wirearchive serve` renders package data: a wheel without it would 500 on every page."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
         str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    [wheel] = tmp_path.glob("wirearchive-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"wirearchive/downstream/{path.relative_to(ROOT / 'downstream').as_posix()}"
        for pattern in ("templates/*.html", "static/*.css")
        for path in (ROOT / "downstream").glob(pattern)
    }
    assert "wirearchive/downstream/templates/item.html" in shipped
    assert "wirearchive/downstream/static/style.css" in shipped
    assert shipped <= names
    assert "wirearchive/downstream/http.py" in names
