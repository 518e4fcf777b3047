"""The audit log under /ui/audit: who changed what, when and from where, newest first, with the
filters and the paging of GET /audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from pydantic import BeforeValidator
from starlette.responses import Response

from registry.audit import AuditFilter
from registry.ui.pages import PAGE_SIZE, CatalogDep, PageRoute, render

router = APIRouter(prefix="/ui/audit", route_class=PageRoute, include_in_schema=False)

Text = Annotated[str, Query(max_length=1000)]
# A form's empty date-time field arrives as "": no bound.
Moment = Annotated[datetime | None, BeforeValidator(lambda value: value or None), Query()]
FILTERS = ("subject", "principal", "action", "since", "until")


@router.get("", name="audit_page")
def audit_page(
    request: Request,
    catalog: CatalogDep,
    subject: Text = "",
    principal: Text = "",
    action: Text = "",
    since: Moment = None,
    until: Moment = None,
    before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    audit_filter = AuditFilter(
        subject=subject or None,
        principal=principal or None,
        action=action or None,
        since=_utc(since),
        until=_utc(until),
    )
    page = catalog.get_audit_page(audit_filter, before=before, limit=PAGE_SIZE)
    form = {name: request.query_params.get(name, "") for name in FILTERS}
    active = {name: value for name, value in form.items() if value}
    return render(
        request,
        "audit.html",
        title="Audit log",
        section="audit",
        page=page,
        form=form,
        filtered=bool(active),
        paged=before is not None,
        first_query=urlencode(active),
        older_query=urlencode({**active, "before": page.entries[-1].id}) if page.entries else "",
    )


def _utc(moment: datetime | None) -> datetime | None:
    """A time without a zone (what a browser's date-time field sends) is taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
