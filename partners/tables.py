"""django-tables2 tables for the partners lists. Confidential notes never
appear in a table or an export."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.table_columns import MoneyColumn, SelectColumn

from .health import reasons
from .models import Contact, Interaction, Organization, SupportDelivery, SupportRequest


class OrganizationTable(tables.Table):
    # For the bulk form above the list (partners/bulk.py).
    selected = SelectColumn("bulk-partners", "bulk-partners")
    name = tables.Column(linkify=True)
    relationship_lead = tables.Column(verbose_name=_("Lead"))
    last_contact = tables.DateColumn(verbose_name=_("Last contact"), format="j M Y")
    days_since_contact = tables.Column(verbose_name=_("Days since contact"))
    is_overdue = tables.BooleanColumn(verbose_name=_("Past keep-in-touch"), yesno=(_("Overdue"), ""))
    outstanding_requests = tables.Column(verbose_name=_("Open requests"))
    tags = tables.ManyToManyColumn(verbose_name=_("Tags"), orderable=False)
    # Annotated by health.with_health; the reasons, in small text.
    needs_attention = tables.Column(verbose_name=_("Attention"))
    # In exports only: the list has no room for it, and its filter says it.
    lived_experience_led = tables.BooleanColumn(verbose_name=_("Led by people with lived experience"), visible=False)

    class Meta:
        model = Organization
        fields = ("name", "kind", "stage", "relationship_lead", "last_contact", "days_since_contact")
        sequence = (
            "selected",
            *fields,
            "is_overdue",
            "outstanding_requests",
            "needs_attention",
            "tags",
            "lived_experience_led",
        )
        order_by = "name"
        empty_text = _("No partners match these filters.")

    def render_relationship_lead(self, value):
        return value.get_full_name() or value.get_username()

    def value_relationship_lead(self, value):
        return self.render_relationship_lead(value)

    def render_needs_attention(self, value, record):
        if not value:
            return ""
        return format_html('<small class="hint">{}</small>', reasons(record))

    def value_needs_attention(self, value, record):
        return reasons(record) if value else ""


class ContactTable(tables.Table):
    """Names and preferences only: email and phone are encrypted and are
    neither columns nor exported (ContactQuerySet.without_details)."""

    name_or_alias = tables.Column(linkify=True)
    organization = tables.Column(linkify=True, order_by=("organization__name", "name_or_alias"))
    consent_to_surveys = tables.BooleanColumn(verbose_name=_("Agreed to surveys"), yesno=(_("Agreed"), ""))
    opted_out = tables.BooleanColumn(verbose_name=_("Opted out"), yesno=(_("Opted out"), ""))

    class Meta:
        model = Contact
        fields = ("name_or_alias", "organization", "role", "language", "consent_to_surveys", "opted_out")
        order_by = "name_or_alias"
        empty_text = _("No contacts match these filters.")


class InteractionTable(tables.Table):
    # Ties broken by id: pages never repeat or skip a row, and the list's index serves the sort.
    happened_on = tables.DateColumn(
        verbose_name=_("Date"), linkify=True, format="j M Y", order_by=("happened_on", "id")
    )
    organization = tables.Column(linkify=True)
    summary = tables.Column(attrs={"td": {"class": "cell-text"}})
    follow_up_on = tables.DateColumn(format="j M Y")
    follow_up_done = tables.BooleanColumn(yesno=(_("Done"), ""))
    logged_by = tables.Column()

    class Meta:
        model = Interaction
        fields = ("happened_on", "organization", "kind", "summary", "logged_by", "follow_up_on", "follow_up_done")
        order_by = "-happened_on"
        empty_text = _("No interactions match these filters.")

    def render_summary(self, value):
        return value if len(value) <= 140 else value[:139] + "…"

    def value_summary(self, value):
        return value

    def render_logged_by(self, value):
        return value.get_full_name() or value.get_username()

    def value_logged_by(self, value):
        return self.render_logged_by(value)


class SupportRequestTable(tables.Table):
    # Ties broken by id: pages never repeat or skip a row, and the list's index serves the sort.
    asked_on = tables.DateColumn(linkify=True, format="j M Y", order_by=("asked_on", "id"))
    organization = tables.Column(linkify=True)
    description = tables.Column(verbose_name=_("What they asked for"), attrs={"td": {"class": "cell-text"}})
    amount_asked = MoneyColumn(verbose_name=_("Amount asked"))
    money_delivered = MoneyColumn(verbose_name=_("Money delivered"))
    days_to_first_delivery = tables.Column(verbose_name=_("Days to first delivery"))
    days_to_fulfil = tables.Column(verbose_name=_("Days to fulfil"))

    class Meta:
        model = SupportRequest
        fields = ("asked_on", "organization", "category", "description", "urgency", "status", "initiated_by")
        sequence = (*fields, "amount_asked", "money_delivered", "days_to_first_delivery", "days_to_fulfil")
        order_by = "-asked_on"
        empty_text = _("No requests match these filters.")

    def render_description(self, value):
        return value if len(value) <= 140 else value[:139] + "…"

    def value_description(self, value):
        return value


class SupportDeliveryTable(tables.Table):
    # Ties broken by id: pages never repeat or skip a row, and the list's index serves the sort.
    delivered_on = tables.DateColumn(linkify=True, format="j M Y", order_by=("delivered_on", "id"))
    organization = tables.Column(linkify=True)
    request = tables.Column(
        verbose_name=_("Answers request"),
        empty_values=(),  # so that a delivery without a request renders as "Unrequested"
        linkify=lambda record: record.request.get_absolute_url() if record.request_id else None,
    )
    description = tables.Column(attrs={"td": {"class": "cell-text"}})
    money = MoneyColumn()
    delivered_by = tables.Column()

    class Meta:
        model = SupportDelivery
        fields = ("delivered_on", "organization", "request", "category", "description", "money", "hours")
        sequence = (*fields, "delivered_by")
        order_by = "-delivered_on"
        empty_text = _("No deliveries match these filters.")

    def render_request(self, record):
        if record.request_id is None:
            return format_html('<span class="badge badge-warn">{}</span>', _("Unrequested"))
        return record.request.asked_on.strftime("%Y-%m-%d") + " · " + record.request.get_category_display()

    def value_request(self, record):
        if record.request_id is None:
            return "Unrequested"
        return f"{record.request.asked_on:%Y-%m-%d} {record.request.get_category_display()}"

    def render_delivered_by(self, value):
        return value.get_full_name() or value.get_username()

    def value_delivered_by(self, value):
        return self.render_delivered_by(value)
