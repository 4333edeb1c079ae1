"""The leadership dashboard, its CSV exports and the printable board report.

Program managers and leadership (partners.view_organization) see them; the
survey figures only show for users who may see survey results."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.trail import record_export
from partners.choices import OrganizationKind

from .figures import dashboard_sections, figure_builders
from .filters import LED_CHOICES, DashboardFilterForm
from .key_figures import key_figures
from .queries import DashboardData
from .report import report_figures

PAGE = "reporting/dashboard.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT = "reporting/report.html"


def _filtered(request: HttpRequest) -> tuple[DashboardFilterForm, DashboardData | None]:
    """The bound filter form and, when it is valid, the figures it selects."""
    today = timezone.localdate()
    form = DashboardFilterForm.from_query(request.GET, today)
    if not form.is_valid():
        return form, None
    return form, DashboardData(form.scope(), today, surveys=request.user.has_perm("surveys.view_results"))


def _context(form: DashboardFilterForm, data: DashboardData | None) -> dict:
    context = {"form": form, "title": _("Dashboard"), "k": settings.SURVEY_MIN_RESPONSES}
    if data is not None:
        scope = data.scope
        query = {"start": scope.start.isoformat(), "end": scope.end.isoformat()}
        if scope.kind:
            query["kind"] = scope.kind
        if form.cleaned_data.get("led"):
            query["led"] = form.cleaned_data["led"]
        context.update(
            scope=scope,
            kind_label=OrganizationKind(scope.kind).label if scope.kind else "",
            led_label=dict(LED_CHOICES).get(form.cleaned_data.get("led", ""), ""),
            query=urlencode(query),
            today=data.today,
            show_surveys=data.surveys,
        )
    return context


def _bad_filter(request: HttpRequest, form: DashboardFilterForm) -> HttpResponse:
    """Bad input: the dashboard's filter again, errors beside the fields, a 400."""
    return render(request, PAGE, _context(form, None), status=400)


@permission_required("partners.view_organization", raise_exception=True)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    form, data = _filtered(request)
    if data is None:
        return _bad_filter(request, form)
    context = _context(form, data)
    context.update(key_figures=key_figures(data), sections=dashboard_sections(data))
    return render(request, PAGE, context)


def _export(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    """One of the dashboard's tables as CSV or XLSX, for the same filter.
    Only the queries behind that table run."""
    if name not in figure_builders(surveys=True):
        raise Http404("No such table")
    form, data = _filtered(request)
    if data is None:
        return _bad_filter(request, form)
    builders = figure_builders(surveys=data.surveys)
    if name not in builders:
        raise PermissionDenied
    table = builders[name](data).table
    scope = data.scope
    led = form.cleaned_data.get("led")
    chosen = (f"-{scope.kind}" if scope.kind else "") + (f"-led-{led}" if led else "")
    filename = f"{name}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}{chosen}.{extension}"
    if extension == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        table.write_csv(response)
    else:
        response = HttpResponse(table.xlsx(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    record_export(request, filename)
    return response


@permission_required("partners.view_organization", raise_exception=True)
@require_safe
def export_csv(request: HttpRequest, name: str) -> HttpResponse:
    return _export(request, name, "csv")


@permission_required("partners.view_organization", raise_exception=True)
@require_safe
def export_xlsx(request: HttpRequest, name: str) -> HttpResponse:
    return _export(request, name, "xlsx")


@permission_required("partners.view_organization", raise_exception=True)
@require_safe
def board_report(request: HttpRequest) -> HttpResponse:
    """A one-page summary of the period for the board: no navigation, a print
    stylesheet, aggregates only (no partner is named)."""
    form, data = _filtered(request)
    if data is None:
        return _bad_filter(request, form)
    context = _context(form, data)
    context.update(title=_("Board report"), key_figures=key_figures(data), figures=report_figures(data))
    return render(request, REPORT, context)
