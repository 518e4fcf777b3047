"""Reading pages as a person does, for the tests that render them without a browser."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient


def visible_text(page: str) -> str:
    """The page as a person reads it: tags dropped, entities decoded, whitespace collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()


def page(client: TestClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, visible_text(response.text)[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text
