"""The README documents every setting and the two set-up commands that .ci/run uses."""

from pathlib import Path

from companion.settings import SETTINGS

REPO = Path(__file__).resolve().parents[2]


def test_readme_lists_every_setting():
    readme = (REPO / "README.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.env_name}`" in readme, setting.env_name


def test_ci_runs_the_readme_install_and_test_commands():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    install = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"
    assert install in readme
    assert "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'" in ci
    assert ".venv/bin/python -m pytest" in readme
    assert ci.rstrip().endswith(".venv/bin/python -m pytest")
