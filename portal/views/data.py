"""The partner's data, the partner's choice: everything the portal shows,
to download (CSV and JSON), and asking for the record to be deleted."""

import csv
import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from audit.models import AuditAction
from audit.trail import record
from core.exports import neutralise
from partners.models import DeletionRequest

from ..forms import DeletionForm
from ..record import held_rows
from .base import form_status, me, my_organization, page, partner_page, posted


def _download(request: HttpRequest, extension: str, content_type: str) -> tuple[HttpResponse, list[dict]]:
    organization = my_organization(request)
    filename = f"our-record-{organization.pk}.{extension}"
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    record(AuditAction.EXPORT, request, target=f"portal: {filename}")
    return response, held_rows(organization, me(request))


@partner_page
@require_safe
def export_json(request: HttpRequest) -> HttpResponse:
    response, rows = _download(request, "json", "application/json; charset=utf-8")
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["section"], []).append(row["fields"])
    response.write(json.dumps(grouped, indent=1, ensure_ascii=False, default=str))
    return response


@partner_page
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    response, rows = _download(request, "csv", "text/csv; charset=utf-8")
    response.write("\ufeff")  # so that a spreadsheet reads accents right
    writer = csv.writer(response)
    writer.writerow(["section", "item", "field", "value"])
    for number, row in enumerate(rows, start=1):
        for name, value in row["fields"].items():
            writer.writerow([row["section"], number, name, neutralise("" if value is None else str(value))])
    return response


@partner_page
@require_http_methods(["GET", "HEAD", "POST"])
def deletion(request: HttpRequest) -> HttpResponse:
    organization = my_organization(request)
    asked = DeletionRequest.objects.filter(organization=organization).first()
    form = DeletionForm(posted(request), instance=asked)
    if asked is None and form.is_valid():
        made = form.save(commit=False)
        made.organization, made.asked_by = organization, me(request)
        made.save()
        record(AuditAction.DELETION_ASKED, request, target=f"partner #{organization.pk}")
        messages.success(request, _("We have your request. A program manager will carry it out and tell you."))
        return redirect("portal:deletion")
    return page(request, "portal/deletion.html", {"form": form, "asked": asked}, form_status(form))
