"""Every page shows the source code link (AGPL section 13), the Impressum and the Datenschutz link."""

from __future__ import annotations

from click.testing import CliRunner

from companion import __version__
from companion.cli import main
from companion.context import Context
from companion.web import create_app

LINKS = {
    "source_url": "https://git.example.org/companion",
    "imprint_url": "https://www.kreis.example/impressum",
    "privacy_url": "https://www.kreis.example/datenschutz",
}


def test_every_page_links_source_imprint_and_privacy(web_settings, sqlite_store):
    client = create_app(Context(settings=web_settings.replace(**LINKS), store=sqlite_store)).test_client()
    for path in ("/", "/logged-out", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        for url in LINKS.values():
            assert f'href="{url}"' in html, (path, url)
        assert "Quellcode" in html and "Impressum" in html and "Datenschutz" in html


def test_unset_links_are_left_out(web_settings, sqlite_store):
    client = create_app(Context(settings=web_settings, store=sqlite_store)).test_client()
    html = client.get("/").get_data(as_text=True)
    assert "Impressum" not in html and "Quellcode" not in html


def test_version_option_prints_the_package_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"companion {__version__}"
    assert __version__ != "0+unknown"


def test_license_file_is_the_agpl_the_package_declares():
    import tomllib

    from tests.support.env import REPO

    text = (REPO / "LICENSE").read_text()
    assert text.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
    assert "Version 3, 19 November 2007" in text and "13. Remote Network Interaction" in text
    assert tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["license"]["text"] == "AGPL-3.0-or-later"
