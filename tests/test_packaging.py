"""environment.yml (for analysts using conda) lists the same packages and lower bounds as pyproject.toml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", requirement.strip())
    assert match, requirement
    return match[1].lower().replace("_", "-"), match[2].replace(" ", "")


def test_environment_yml_agrees_with_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [
        *project["dependencies"],
        *(dep for extra in project["optional-dependencies"].values() for dep in extra),
    ]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [
        dep for dep in environment["dependencies"] if isinstance(dep, str) and not dep.startswith(("python", "pip"))
    ]
    assert dict(map(_split, conda)) == dict(map(_split, wanted))


def test_runtime_dependencies_leave_authoring_tools_out() -> None:
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not [dep for dep in runtime if _split(dep)[0] in {"jupyterlab", "notebook", "pytest", "hypothesis"}]
