"""The lock files are what installs: every dependency of pyproject.toml pinned with hashes.

`make setup` (and so `make demo`, `make test`, CI) installs requirements-dev.txt with
--require-hashes; a platform's buildpack installs requirements.txt. A dependency added
to pyproject.toml without `make lock` would be missing from both: this test says so."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.MULTILINE)


def pins(name: str) -> dict[str, Version]:
    text = (ROOT / name).read_text(encoding="utf-8")
    found = {canonicalize_name(m.group(1)): Version(m.group(2)) for m in PIN.finditer(text)}
    assert found, f"{name} pins nothing"
    return found


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.mark.parametrize(
    ("lock", "groups"), [("requirements.txt", ()), ("requirements-dev.txt", ("dev",))]
)
def test_every_dependency_is_pinned_within_its_range(lock: str, groups: tuple[str, ...]) -> None:
    locked = pins(lock)
    wanted = [Requirement(r) for r in project()["dependencies"]]
    for group in groups:
        wanted += [Requirement(r) for r in project()["optional-dependencies"][group]]
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is not in {lock}: run `make lock`"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"{lock} pins {req.name}=={locked[name]}, outside {req.specifier}: run `make lock`"
        )


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_pin_has_hashes(lock: str) -> None:
    text = (ROOT / lock).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[-1])
    for entry in entries:
        if "==" in entry:
            assert "--hash=sha256:" in entry, f"no hash for {entry.splitlines()[0]}"


def test_the_platform_lock_has_no_development_tools() -> None:
    assert not {"pytest", "mypy", "ruff", "hypothesis"} & set(pins("requirements.txt"))


def test_python_version_is_one_the_project_supports() -> None:
    version = (ROOT / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", version)
    assert project()["requires-python"] == f">={version}"
