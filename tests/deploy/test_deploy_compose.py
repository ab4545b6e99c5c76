"""The production compose file and Dockerfile hold together without a Docker engine."""

import importlib
import re
import shlex
import tomllib
from pathlib import Path

import yaml
from click.testing import CliRunner

from companion.cli import main
from companion.settings import SETTINGS

REPO = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_services_are_web_worker_database_and_migration():
    services = compose()["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    assert "db-data" in compose()["volumes"]
    assert any(v.startswith("db-data:") for v in services["db"]["volumes"])
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_companion_services_are_configured_only_with_known_settings_and_secrets_from_the_environment():
    secret_names = {setting.env_name for setting in SETTINGS if setting.secret}
    # A secret may also come from a file (Docker secrets): COMPANION_<NAME>_FILE.
    known = {setting.env_name for setting in SETTINGS} | {name + "_FILE" for name in secret_names}
    for name in ("migrate", "web", "worker"):
        environment = compose()["services"][name]["environment"]
        assert set(environment) <= known, set(environment) - known
        assert environment["COMPANION_DATABASE_URL"].startswith("postgresql://")
        for secret in (secret_names | {name + "_FILE" for name in secret_names}) & set(environment):
            # Secrets are never written into the file: each is interpolated from the operator's environment.
            assert re.fullmatch(r"\$\{[A-Z_]+(:\?[^}]*|:-)?\}", environment[secret]), secret


def test_entry_commands_exist():
    services = compose()["services"]
    assert services["migrate"]["command"][:3] == ["companion", "db", "upgrade"]
    assert services["worker"]["command"][:2] == ["companion", "worker"]
    for service in ("migrate", "worker"):
        command = services[service]["command"]
        result = CliRunner().invoke(main, [*command[1:], "--help"])
        assert result.exit_code == 0, (service, result.output)
    web = services["web"]["command"]
    assert web[0] == "gunicorn"
    module, _, attribute = web[-1].partition(":")
    assert importlib.util.find_spec(module) is not None
    assert attribute == "app" and "app = create_app(" in (REPO / "companion" / "wsgi.py").read_text()
    assert "gunicorn" in " ".join(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"])


def test_web_health_check_calls_the_health_route(store, settings):
    from companion.context import Context
    from companion.web import create_app

    check = " ".join(compose()["services"]["web"]["healthcheck"]["test"])
    url = re.search(r"http://127\.0\.0\.1:8000(/\w+)", check).group(1)
    client = create_app(Context(settings=settings, store=store)).test_client()
    assert client.get(url).status_code == 200


def test_dockerfile_copies_what_exists_and_runs_gunicorn():
    text = (REPO / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith("COPY "):
            for source in shlex.split(line)[1:-1]:
                assert (REPO / source).exists(), source
    cmd = re.search(r"^CMD (\[.*\])$", text, re.M).group(1)
    assert "companion.wsgi:app" in cmd
    assert compose()["services"]["migrate"]["build"] == "."
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["companion"] == "companion.cli:main"


def test_the_image_has_what_weasyprint_needs_for_the_report_pdf():
    text = (REPO / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in text, package
