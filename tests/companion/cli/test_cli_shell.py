"""The companion command: help everywhere, one-line errors, schema management."""

import subprocess
import sys

from click.testing import CliRunner

from companion.cli import main


def run(args, env):
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def _walk(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if hasattr(command, "commands"):
            yield from _walk(command, prefix + (name,))


def test_every_command_has_help_with_an_example():
    assert {"settings", "db", "check"} <= set(main.commands)
    for path, _command in _walk(main):
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"{' '.join(path)} --help has no worked example"


def test_settings_lists_every_setting_with_source(tmp_path):
    result = run(["settings"], {"COMPANION_INSTANCE_PATH": str(tmp_path), "COMPANION_FORUM_API_KEY": "k" * 20})
    assert result.exit_code == 0
    assert "COMPANION_NIGHTLY_AT = 03:00  [default]" in result.output
    assert "COMPANION_FORUM_API_KEY = (set, hidden)  [environment]" in result.output
    assert "kkkk" not in result.output


def test_invalid_setting_is_one_line_and_non_zero():
    process = subprocess.run(
        [sys.executable, "-m", "companion", "settings"],
        env={"COMPANION_NIGHTLY_AT": "25:00", "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert process.returncode == 2
    assert process.stderr.strip().splitlines() == [
        "Error: COMPANION_NIGHTLY_AT='25:00' is invalid: expected a time of day as HH:MM from 00:00 to 23:59"
    ]
    assert "Traceback" not in process.stderr


def test_unreachable_database_is_one_line_and_non_zero():
    process = subprocess.run(
        [sys.executable, "-m", "companion", "db", "upgrade"],
        env={"COMPANION_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"},
        capture_output=True,
        text=True,
    )
    assert process.returncode == 2
    assert len(process.stderr.strip().splitlines()) == 1
    assert "cannot reach the database" in process.stderr


def test_db_upgrade_creates_the_sqlite_file_in_the_instance_folder(tmp_path):
    env = {"COMPANION_INSTANCE_PATH": str(tmp_path / "inst")}
    result = run(["db", "upgrade"], env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "inst" / "companion.sqlite3").exists()
    assert "is at revision" in result.output
    # The head revision changes as migrations are added; what matters is that the database is at the code's head.
    current = run(["db", "current"], env).output.strip()
    database, code = (part.split(": ")[1] for part in current.split("; "))
    assert database == code and database.startswith("000")


def test_newer_schema_is_one_line_and_non_zero(tmp_path):
    env = {"COMPANION_INSTANCE_PATH": str(tmp_path / "inst")}
    run(["db", "upgrade"], env)
    import sqlite3

    connection = sqlite3.connect(tmp_path / "inst" / "companion.sqlite3")
    connection.execute("update alembic_version set version_num='9999'")
    connection.commit()
    connection.close()
    process = subprocess.run(
        [sys.executable, "-m", "companion", "db", "upgrade"],
        env={**env},
        capture_output=True,
        text=True,
    )
    assert process.returncode == 2
    assert "9999" in process.stderr and len(process.stderr.strip().splitlines()) == 1


def test_check_reports_missing_secrets_and_forum(tmp_path):
    env = {"COMPANION_INSTANCE_PATH": str(tmp_path / "inst")}
    run(["db", "upgrade"], env)
    result = run(["check"], env)
    assert "[OK  ] database" in result.output
    assert "[WARN] secret_key" in result.output
    assert "COMPANION_FORUM_URL is not set" in result.output
    assert result.exit_code == 0


def test_check_fails_on_an_unmigrated_database(tmp_path):
    result = run(["check"], {"COMPANION_INSTANCE_PATH": str(tmp_path / "fresh")})
    assert "[FAIL] database" in result.output
    assert result.exit_code == 1
