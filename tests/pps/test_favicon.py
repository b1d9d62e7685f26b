"""Every page names the service's icon, and the icon files are among the static files."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders


def test_every_page_links_the_favicon_and_the_files_exist(client):
    page = client.get("/accounts/login/").content.decode()
    icons = re.findall(r'<link rel="icon" href="/static/(images/favicon\.\w+)"', page)
    assert icons == ["images/favicon.ico", "images/favicon.svg"]
    for icon in icons:
        assert finders.find(icon), icon
    assert Path(finders.find("images/favicon.ico")).read_bytes()[:4] == b"\x00\x00\x01\x00"
