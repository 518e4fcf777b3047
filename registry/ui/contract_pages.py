"""The contract pages under /ui/contracts: event types with their producers, consumers, verification
matrix and deployments; can-i-deploy; the findings of one verified pair.

Included before the subject pages' router, whose catch-all page for unknown /ui paths would hide them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from registry.ui.catalog import DeploymentQuestion
from registry.ui.pages import CatalogDep, PageRoute, render

router = APIRouter(prefix="/ui/contracts", route_class=PageRoute, include_in_schema=False)

Name = Annotated[str, Query(max_length=1000)]
RequiredName = Annotated[str, Query(min_length=1, max_length=1000)]
QUESTION_FIELDS = ("application", "version", "environment")


@router.get("", name="contracts_page")
def contracts_page(request: Request, catalog: CatalogDep) -> Response:
    page = catalog.get_contracts_page()
    return render(request, "contracts.html", title="Contracts", section="contracts", page=page)


@router.get("/event-types/{event_type:path}", name="event_type_page")
def event_type_page(
    request: Request, catalog: CatalogDep, event_type: str, history: bool = False
) -> Response:
    page = catalog.get_event_type_page(event_type, history=history)
    return render(request, "event_type.html", title=event_type, section="contracts", page=page)


@router.get("/can-i-deploy", name="can_i_deploy_page")
def can_i_deploy_page(
    request: Request, catalog: CatalogDep, application: Name = "", version: Name = "", environment: Name = ""
) -> Response:
    """The form, and once it names an application, a version and an environment, the answer."""
    answers = (application.strip(), version.strip(), environment.strip())
    form = dict(zip(QUESTION_FIELDS, answers, strict=True))
    missing = [field for field in QUESTION_FIELDS if not form[field]]
    question = None if missing else DeploymentQuestion(**form)
    page = catalog.get_can_i_deploy_page(question)
    asked_partly = 0 < len(missing) < len(QUESTION_FIELDS)
    return render(
        request,
        "can_i_deploy.html",
        status_code=422 if asked_partly else 200,
        title="Can I deploy?",
        section="contracts",
        page=page,
        form=form,
        missing=missing if asked_partly else [],
    )


@router.get("/results", name="pair_page")
def pair_page(
    request: Request,
    catalog: CatalogDep,
    producer: RequiredName,
    producer_version: RequiredName,
    consumer: RequiredName,
    consumer_version: RequiredName,
) -> Response:
    page = catalog.get_pair_page(
        producer=producer,
        producer_version=producer_version,
        consumer=consumer,
        consumer_version=consumer_version,
    )
    title = f"{producer} {producer_version} → {consumer} {consumer_version}"
    return render(request, "pair.html", title=title, section="contracts", page=page)
