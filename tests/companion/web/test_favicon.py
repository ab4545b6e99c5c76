"""Every page names an icon, and /favicon.ico answers instead of a 404."""

from __future__ import annotations


def test_favicon_is_served_and_linked(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    home = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in home and "favicon.svg" in home
