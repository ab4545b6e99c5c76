"""Compose passes every setting, the worker is health-checked, and the image is pinned, locked and warmed."""

from __future__ import annotations

import re
import runpy
import tomllib
from pathlib import Path

import yaml
from click.testing import CliRunner

from companion.cli import main
from companion.cli.settings import COMPOSE_BUILT, COMPOSE_DEFAULTS, COMPOSE_REQUIRED, env_example
from companion.settings import SETTINGS, load_settings

REPO = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def interpolated(value: str) -> tuple[str, str | None]:
    """(variable, default) of a "${NAME:-default}" or "${NAME:?message}" value."""
    match = re.fullmatch(r"\$\{([A-Z_]+)(?::-([^}]*)|:\?[^}]*)\}", value)
    assert match, value
    return match.group(1), match.group(2)


def test_compose_passes_every_setting_from_the_env_file():
    environment = compose()["x-companion-environment"]
    for setting in SETTINGS:
        assert setting.env_name in environment, setting.env_name
        if setting.name in COMPOSE_BUILT:
            continue
        variable, default = interpolated(environment[setting.env_name])
        assert variable == setting.env_name
        if setting.name in COMPOSE_REQUIRED:
            assert default is None, f"{setting.env_name} must be required"
        elif setting.secret:
            assert default == "" and interpolated(environment[setting.env_name + "_FILE"]) == (
                setting.env_name + "_FILE",
                "",
            )
        else:
            assert default == COMPOSE_DEFAULTS.get(setting.name, setting.default), setting.env_name
    for service in ("migrate", "web", "worker"):
        assert compose()["services"][service]["environment"] == environment


def test_compose_defaults_are_valid_settings():
    values = {f"COMPANION_{name}": value for name, value in COMPOSE_DEFAULTS.items()}
    loaded = load_settings(values)
    assert loaded.trusted_proxies == 1 and loaded.worker_required is True


def test_production_counts_rate_limits_in_redis():
    services = compose()["services"]
    url = COMPOSE_DEFAULTS["RATELIMIT_STORAGE_URL"]
    assert url.startswith("redis://redis:")
    assert services["redis"]["image"].startswith("redis:")
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_env_example_is_generated_from_the_settings_table():
    # Regenerate with: companion settings --env-example > .env.example
    assert (REPO / ".env.example").read_text() == env_example()
    result = CliRunner().invoke(main, ["settings", "--env-example"])
    assert result.exit_code == 0 and result.output == env_example()
    text = env_example()
    for setting in SETTINGS:
        if setting.name not in COMPOSE_BUILT:
            assert re.search(rf"^(# )?{setting.env_name}=", text, re.M), setting.env_name
    assert re.search(r"^POSTGRES_PASSWORD=$", text, re.M)


def test_worker_health_check_asks_its_own_heartbeat():
    check = compose()["services"]["worker"]["healthcheck"]["test"]
    assert check[:3] == ["CMD", "companion", "status"]
    result = CliRunner().invoke(main, [*check[2:], "--help"])
    assert result.exit_code == 0 and "--this-host" in result.output


def test_gunicorn_config_timeout_covers_a_cold_matching_compile():
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    # The issue measured about 22 s for the first compile; gunicorn's default of 30 s left no headroom.
    assert config["timeout"] >= 4 * 22
    assert config["preload_app"] is False  # GNU OpenMP must not run before gunicorn forks
    assert config["workers"] >= 2 and config["threads"] >= 1
    assert compose()["services"]["web"]["command"][:3] == ["gunicorn", "-c", "gunicorn.conf.py"]
    dockerfile = (REPO / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "companion.wsgi:app"]' in dockerfile


def test_dockerfile_pins_the_base_installs_locked_dependencies_first_and_warms_numba():
    text = (REPO / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)", text, re.M).group(1)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?|python@sha256:[0-9a-f]{64}", base), base
    lock_install = text.index("pip install --no-cache-dir -r requirements.lock")
    assert text.index("COPY requirements.lock") < lock_install < text.index("COPY companion")
    assert "pip install --no-cache-dir --no-deps ." in text
    assert "NUMBA_CACHE_DIR=" in text and "NUMBA_THREADING_LAYER=omp" in text and "libgomp1" in text
    assert text.index("companion warm-up") > text.index("COPY matching")
    assert CliRunner().invoke(main, ["warm-up", "--help"]).exit_code == 0


def test_lock_file_pins_every_dependency_of_the_package():
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    for requirement in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)
        assert re.sub(r"[-_.]+", "-", name).lower() in pins, requirement
    assert "redis" in pins and "limits" in pins  # Flask-Limiter's [redis] extra is locked too
