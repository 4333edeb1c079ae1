"""django-tables2 tables for the staff survey pages. A recipient's address is
never shown in full in a table, and no table here is exported."""

import django_tables2 as tables
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.query_values import parse_count

from .models import Recipient, Survey

PER_PAGE = 25
MAX_PER_PAGE = 100


def mask_email(email: str) -> str:
    """Enough to tell two addresses apart on a list, not enough to write to:
    "jo@example.org" becomes "j•••@example.org"."""
    local, at, domain = email.partition("@")
    if not at:
        return "•••"
    return f"{local[:1]}•••@{domain}"


def configure(request: HttpRequest, table: tables.Table) -> tables.Table:
    """Sorting and paging from the query string. A page size that is not a
    small positive number is bad input (400), not a server error or a page
    holding every row."""
    per_page = request.GET.get(table.prefixed_per_page_field)
    if per_page not in (None, "") and parse_count(per_page, 1, MAX_PER_PAGE) is None:
        raise BadRequest("per_page out of range")
    return tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)


class SurveyTable(tables.Table):
    title = tables.Column(linkify=True)
    question_count = tables.Column(verbose_name=_("Questions"))
    next_run_at = tables.DateTimeColumn(verbose_name=_("Next round"), format="j M Y", empty_values=())
    last_round_at = tables.DateTimeColumn(verbose_name=_("Last round"), format="j M Y")

    class Meta:
        model = Survey
        fields = ("title", "audience", "status", "anonymous")
        sequence = (*fields, "question_count", "next_run_at", "last_round_at")
        order_by = ("audience", "title")
        empty_text = _("No surveys match these filters.")

    def render_title(self, value, record):
        if record.version == 1:
            return value
        return format_html('{} <span class="hint">{}</span>', value, _("version %(n)s") % {"n": record.version})

    def render_status(self, value, record):
        return format_html('<span class="badge survey-status-{}">{}</span>', record.status, value)

    def render_anonymous(self, value):
        return _("Anonymous") if value else _("Named")

    def render_next_run_at(self, value, record):
        if record.schedule_active is None:
            return _("Not scheduled")
        if not record.schedule_active or record.status != "active":
            return format_html('<span class="badge badge-muted">{}</span>', _("Paused"))
        return date_format(timezone.localtime(value), "j M Y") if value else "—"


class RecipientTable(tables.Table):
    email = tables.Column(
        verbose_name=_("Email"), orderable=False, linkify=("surveys:recipient_edit", [tables.A("pk")])
    )
    consent = tables.BooleanColumn(verbose_name=_("Agreed"), yesno=(_("Yes"), _("No")))
    opted_out = tables.BooleanColumn(verbose_name=_("Opted out"), yesno=(_("Opted out"), ""))
    created_at = tables.DateTimeColumn(verbose_name=_("Added"), format="j M Y")

    class Meta:
        model = Recipient
        fields = ("audience", "email", "language", "consent", "opted_out", "created_at")
        order_by = ("audience", "-created_at")
        empty_text = _("Nobody matches these filters.")

    def render_email(self, value):
        return mask_email(value)
