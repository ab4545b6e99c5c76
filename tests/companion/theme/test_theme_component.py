"""The forum theme component: the zip `companion theme build` writes, its JavaScript under node, the status it reads."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import requests
from click.testing import CliRunner

from companion.cli import main
from companion.theme.bundle import PLACEHOLDER, build_zip, component_name
from companion.theme.check import check_theme_component
from sandbox import SandboxSettings, run_sandbox_server
from sync.client import ForumClient
from tests.support.env import REPO, skip_or_fail

JS_TESTS = Path(__file__).resolve().parent / "js"


def test_build_writes_every_file_with_the_companion_address(tmp_path):
    path = build_zip("https://companion.example.org/", tmp_path / "theme.zip")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        settings = archive.read("companion-theme/settings.yml").decode()
        about = json.loads(archive.read("companion-theme/about.json"))
    assert about["component"] is True and about["name"] == component_name()
    assert "companion-theme/javascripts/discourse/api-initializers/companion.js" in names
    assert "companion-theme/locales/de.yml" in names and "companion-theme/locales/en.yml" in names
    assert 'default: "https://companion.example.org"' in settings
    assert PLACEHOLDER not in settings


def test_build_refuses_an_address_that_is_not_http(tmp_path):
    result = CliRunner().invoke(
        main, ["theme", "build", "--url", "companion.example.org", "-o", str(tmp_path / "t.zip")]
    )
    assert result.exit_code != 0
    assert "must start with https://" in result.output
    assert not (tmp_path / "t.zip").exists()


def test_cli_builds_the_zip_from_the_base_url_setting(tmp_path):
    env = {"COMPANION_BASE_URL": "https://rebellen.example.org", "COMPANION_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(main, ["theme", "build", "-o", str(tmp_path / "theme.zip")], env=env)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "theme.zip") as archive:
        assert "https://rebellen.example.org" in archive.read("companion-theme/settings.yml").decode()


def test_the_javascript_passes_its_node_tests_against_a_stub_of_the_plugin_api():
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is not installed: the theme component's JavaScript cannot be tested")
    result = subprocess.run(
        [node, "--import", str(JS_TESTS / "stubs" / "register.mjs"), "--test", str(JS_TESTS / "theme.test.mjs")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout and "# pass 5" in result.stdout


def test_check_says_whether_the_component_is_installed_in_the_forum(tmp_path):
    with run_sandbox_server(SandboxSettings(members=5, admin_requests_per_minute=0)) as forum:
        client = ForumClient(forum.url, "sandbox-api-key", "system", requests_per_minute=100_000, headroom=1.0)
        before = check_theme_component(client)
        archive = build_zip("https://companion.example.org", tmp_path / "theme.zip")
        answer = requests.post(
            f"{forum.url}/admin/themes/import.json",
            headers={"Api-Key": "sandbox-api-key", "Api-Username": "system"},
            files={"theme": ("theme.zip", archive.read_bytes(), "application/zip")},
            timeout=10,
        )
        after = check_theme_component(client)
        again = requests.post(
            f"{forum.url}/admin/themes/import.json",
            headers={"Api-Key": "sandbox-api-key", "Api-Username": "system"},
            files={"theme": ("theme.zip", io.BytesIO(archive.read_bytes()), "application/zip")},
            timeout=10,
        )
        listed = client.get("/admin/themes.json")["themes"]
    assert before.status == "WARN" and "not installed" in before.detail
    assert answer.status_code == 201 and answer.json()["theme"]["component"] is True
    assert after.status == "OK" and component_name() in after.detail
    assert again.status_code == 201 and len(listed) == 1, "importing again updates the component of that name"


def test_the_status_lists_open_sign_ups_for_the_forum_only(app, store):
    from companion.circles.seasons import SeasonSpec, create_season

    today = date.today()
    with store.transaction() as session:
        create_season(
            session,
            SeasonSpec(
                name="Frühjahr",
                signup_opens_on=today - timedelta(days=1),
                signup_closes_on=today + timedelta(days=10),
                first_meeting_on=today + timedelta(days=20),
            ),
            actor="admin",
        )
        create_season(
            session,
            SeasonSpec(
                name="Später",
                signup_opens_on=today + timedelta(days=400),
                signup_closes_on=today + timedelta(days=410),
                first_meeting_on=today + timedelta(days=420),
            ),
            actor="admin",
        )
    response = app.test_client().get("/api/forum/status.json")
    assert response.status_code == 200
    body = response.get_json()
    assert [entry["name"] for entry in body["signups"]] == ["Frühjahr"]
    entry = body["signups"][0]
    assert entry["url"].endswith(f"/circles/seasons/{entry['id']}/signup")
    assert set(entry) == {"id", "name", "closes_on", "closes_on_display", "url"}, "nothing personal"
    forum_origin = app.extensions["companion"].settings.forum_url.rstrip("/")
    assert response.headers["Access-Control-Allow-Origin"] == forum_origin
