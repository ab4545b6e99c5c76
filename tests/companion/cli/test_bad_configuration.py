"""Bad configuration stops a command with one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from companion.settings import SettingsError, load_settings
from companion.store import migrate
from companion.store.db import open_store

GOOD = {
    "COMPANION_SECRET_KEY": "k" * 32,
    "COMPANION_CONNECT_SECRET": "c" * 16,
    "COMPANION_WEBHOOK_SECRET": "w" * 16,
}


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {
        key: value for key, value in os.environ.items() if not key.startswith("COMPANION_") or key == "COMPANION_TEST"
    }
    environ.update({"COMPANION_INSTANCE_PATH": str(tmp_path / "instance"), **GOOD, **env})
    environ = {key: value for key, value in environ.items() if value != "<unset>"}
    return subprocess.run(
        [sys.executable, "-m", "companion", *args], env=environ, capture_output=True, text=True, timeout=120
    )


def assert_one_clear_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(
    ("name", "value", "minimum"),
    [
        ("COMPANION_SECRET_KEY", "x", "24"),
        ("COMPANION_CONNECT_SECRET", "short", "12"),
        ("COMPANION_WEBHOOK_SECRET", "s" * 11, "12"),
    ],
)
def test_too_short_secrets_are_refused(tmp_path, name, value, minimum):
    with pytest.raises(SettingsError, match=f"at least {minimum} characters"):
        load_settings({**GOOD, name: value})
    assert_one_clear_line(run(["deliver"], tmp_path, **{name: value}), name, f"at least {minimum}")


def test_a_value_of_a_secret_is_never_echoed(tmp_path):
    result = run(["deliver"], tmp_path, COMPANION_SECRET_KEY="hunter2")
    assert "hunter2" not in result.stderr + result.stdout


def test_serve_without_a_secret_key_says_so_in_one_line(tmp_path):
    url = f"sqlite:///{_migrated_sqlite(tmp_path)}"
    result = run(["serve", "--port", "0"], tmp_path, COMPANION_SECRET_KEY="<unset>", COMPANION_DATABASE_URL=url)
    assert_one_clear_line(result, "COMPANION_SECRET_KEY")


def test_an_unusable_instance_folder_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run(["deliver"], tmp_path, COMPANION_INSTANCE_PATH=str(blocker / "instance"))
    assert_one_clear_line(result, "COMPANION_INSTANCE_PATH")


def _migrated_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "companion.sqlite3"
    store = open_store(f"sqlite:///{path}")
    migrate.upgrade(store)
    with store.engine.begin() as connection:
        # Enough rows that the file has pages beyond the schema to damage.
        connection.exec_driver_sql("create table filler (x text)")
        for _ in range(200):
            connection.exec_driver_sql("insert into filler values (?)", ("x" * 500,))
    store.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def test_a_damaged_database_stops_run_nightly_before_it_starts(tmp_path):
    path = _migrated_sqlite(tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(len(data) - 20 * page, len(data), 7):
        data[offset] = (data[offset] * 31 + 17) % 256
    path.write_bytes(bytes(data))
    result = run(["run-nightly", "--no-sync", "--no-deliver"], tmp_path, COMPANION_DATABASE_URL=f"sqlite:///{path}")
    assert_one_clear_line(result, "damaged")


def test_a_file_that_is_no_database_at_all_is_one_line(tmp_path):
    path = tmp_path / "companion.sqlite3"
    path.write_bytes(b"this is not a database" * 500)
    result = run(["run-nightly", "--no-sync"], tmp_path, COMPANION_DATABASE_URL=f"sqlite:///{path}")
    assert_one_clear_line(result, "database")
