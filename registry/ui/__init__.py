"""The web UI at /ui: subjects, versions, diffs and schemas, the contracts of each event type and the
audit log, read through the registry's, the contract store's and the audit log's service layers.

Server-rendered (Jinja2) with one small script for copy buttons and shortcuts; every asset is
served from this package, so the UI works on closed networks.
"""

from __future__ import annotations

from importlib.metadata import version as package_version
from pathlib import Path

from fastapi import FastAPI
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from registry.ui import audit_pages, catalog_pages, contract_pages, pages
from registry.ui.links import TEMPLATE_FILTERS, TEMPLATE_GLOBALS

HERE = Path(__file__).parent
# In this order: the subject pages end with a catch-all page for unknown /ui paths.
ROUTERS = (catalog_pages.router, contract_pages.router, audit_pages.router, pages.router)


def install_ui(app: FastAPI) -> None:
    """Serve the UI's pages and assets from `app`."""
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    environment.globals.update(TEMPLATE_GLOBALS, accord_version=package_version("accord"))
    environment.filters.update(TEMPLATE_FILTERS)
    templates = Jinja2Templates(env=environment)
    app.state.ui_templates = templates
    # Mounted before the pages: the catch-all page for unknown /ui paths would hide the assets.
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui_static")
    for router in ROUTERS:
        app.include_router(router)


__all__ = ["ROUTERS", "install_ui"]
