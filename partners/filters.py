"""django-filter FilterSets for the partners lists. Bad values (an unknown
choice, a malformed date) make the form invalid, which django-filter turns into
an empty list with the error shown next to the field, never a server error."""

import django_filters as filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.query_values import parse_id
from core.roles import PROGRAM_MANAGERS

from .choices import (
    Initiator,
    InteractionKind,
    Language,
    OrganizationKind,
    RequestStatus,
    Stage,
    SupportCategory,
    Urgency,
)
from .models import Contact, Interaction, Organization, SupportDelivery, SupportRequest, Tag
from .widgets import LongSelect

DATE_RANGE_WIDGET = filters.widgets.DateRangeWidget(attrs={"type": "date"})


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id no row can have before it reaches an `IN (...)` query,
    which SQLite answers with an OverflowError, a server error."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)  # type: ignore[misc]  # private Django method, not in django-stubs


class IdsChoiceFilter(filters.ModelMultipleChoiceFilter):
    field_class = IdsChoiceField


def staff_users(request=None):
    return get_user_model().objects.filter(is_active=True, groups__name=PROGRAM_MANAGERS).order_by("first_name")


def organizations(request=None):
    return Organization.objects.only("id", "name")


class OrganizationFilter(filters.FilterSet):
    LAST_CONTACT_WINDOWS = [
        ("30", _("In the last 30 days")),
        ("90", _("In the last 90 days")),
        ("over90", _("More than 90 days ago")),
        ("never", _("Never")),
    ]

    q = filters.CharFilter(label=_("Search"), method="search")
    stage = filters.MultipleChoiceFilter(choices=Stage.choices, widget=forms.CheckboxSelectMultiple)
    kind = filters.ChoiceFilter(choices=OrganizationKind.choices, empty_label=_("Any kind"))
    relationship_lead = filters.ModelChoiceFilter(
        queryset=staff_users, label=_("Lead"), empty_label=_("Anyone"), widget=LongSelect
    )
    tags = IdsChoiceFilter(queryset=Tag.objects.all(), label=_("Tags"), widget=forms.CheckboxSelectMultiple)
    last_contact = filters.ChoiceFilter(
        choices=LAST_CONTACT_WINDOWS, label=_("Last contact"), method="filter_last_contact", empty_label=_("Any time")
    )
    is_overdue = filters.BooleanFilter(
        label=_("Past keep-in-touch"),
        widget=forms.Select(choices=[("", _("Either")), ("true", _("Overdue only")), ("false", _("Not overdue"))]),
    )
    needs_attention = filters.BooleanFilter(
        label=_("Needs attention"),
        widget=forms.Select(choices=[("", _("Either")), ("true", _("Needs attention")), ("false", _("All well"))]),
    )
    lived_experience_led = filters.BooleanFilter(
        label=_("Who leads them"),
        widget=forms.Select(
            choices=[
                ("", _("Anyone")),
                ("true", _("Led by people with lived experience")),
                ("false", _("Not led by people with lived experience")),
            ]
        ),
    )

    class Meta:
        model = Organization
        fields = [
            "q",
            "stage",
            "kind",
            "lived_experience_led",
            "relationship_lead",
            "tags",
            "last_contact",
            "is_overdue",
            "needs_attention",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(service_area__icontains=value) | Q(description__icontains=value)
        )

    def filter_last_contact(self, queryset, name, value):
        # Relies on the queryset carrying with_contact_figures().
        if value == "never":
            return queryset.filter(last_contact__isnull=True)
        if value == "over90":
            return queryset.filter(days_since_contact__gt=90)
        return queryset.filter(days_since_contact__lte=int(value))


class ContactFilter(filters.FilterSet):
    # Email and phone are encrypted: no filter can look inside them.
    q = filters.CharFilter(label=_("Search names and roles"), method="search")
    organization__kind = filters.ChoiceFilter(
        choices=OrganizationKind.choices, label=_("Partner kind"), empty_label=_("Any kind")
    )
    language = filters.ChoiceFilter(choices=Language.choices, empty_label=_("Any language"))
    consent_to_surveys = filters.BooleanFilter(
        label=_("Agreed to surveys"),
        widget=forms.Select(choices=[("", _("Either")), ("true", _("Agreed")), ("false", _("Not agreed"))]),
    )
    opted_out = filters.BooleanFilter(
        label=_("Opted out"),
        widget=forms.Select(choices=[("", _("Either")), ("true", _("Opted out")), ("false", _("Not opted out"))]),
    )

    class Meta:
        model = Contact
        fields = ["q", "organization__kind", "language", "consent_to_surveys", "opted_out"]

    def search(self, queryset, name, value):
        """Every word, in any order, in the name or the role: the search
        page's "more" link lands here with the same words."""
        for word in value.split():
            queryset = queryset.filter(Q(name_or_alias__icontains=word) | Q(role__icontains=word))
        return queryset


class InteractionFilter(filters.FilterSet):
    FOLLOW_UP = [
        ("due", _("Due or overdue")),
        ("upcoming", _("Upcoming")),
        ("done", _("Done")),
        ("none", _("No follow-up")),
    ]

    q = filters.CharFilter(field_name="summary", lookup_expr="icontains", label=_("Search summaries"))
    # A meeting of several partners is listed under each of them.
    organization = filters.ModelChoiceFilter(
        queryset=organizations,
        label=_("Partner"),
        empty_label=_("Any partner"),
        widget=LongSelect(label_field="name"),
        method="filter_partner",
    )
    kind = filters.ChoiceFilter(choices=InteractionKind.choices, empty_label=_("Any kind"))
    happened_on = filters.DateFromToRangeFilter(label=_("Date between"), widget=DATE_RANGE_WIDGET)
    logged_by = filters.ModelChoiceFilter(queryset=staff_users, label=_("Logged by"), empty_label=_("Anyone"))
    follow_up = filters.ChoiceFilter(
        choices=FOLLOW_UP, method="filter_follow_up", label=_("Follow-up"), empty_label=_("Any")
    )

    class Meta:
        model = Interaction
        fields = ["q", "organization", "kind", "happened_on", "logged_by", "follow_up"]

    def filter_partner(self, queryset, name, value):
        return queryset.involving(Q(organization=value)) if value else queryset

    def filter_follow_up(self, queryset, name, value):
        from django.utils import timezone

        today = timezone.localdate()
        if value == "due":
            return queryset.follow_ups_due(today)
        if value == "upcoming":
            return queryset.filter(follow_up_done=False, follow_up_on__gt=today)
        if value == "done":
            return queryset.filter(follow_up_on__isnull=False, follow_up_done=True)
        return queryset.filter(follow_up_on__isnull=True)


class SupportRequestFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="description", lookup_expr="icontains", label=_("Search"))
    organization = filters.ModelChoiceFilter(
        queryset=organizations, label=_("Partner"), empty_label=_("Any partner"), widget=LongSelect(label_field="name")
    )
    category = filters.ChoiceFilter(choices=SupportCategory.choices, empty_label=_("Any category"))
    status = filters.MultipleChoiceFilter(choices=RequestStatus.choices, widget=forms.CheckboxSelectMultiple)
    urgency = filters.ChoiceFilter(choices=Urgency.choices, empty_label=_("Any urgency"))
    initiated_by = filters.ChoiceFilter(choices=Initiator.choices, empty_label=_("Either"))
    asked_on = filters.DateFromToRangeFilter(label=_("Asked between"), widget=DATE_RANGE_WIDGET)

    class Meta:
        model = SupportRequest
        fields = ["q", "organization", "category", "status", "urgency", "initiated_by", "asked_on"]


class SupportDeliveryFilter(filters.FilterSet):
    REQUESTED = [("requested", _("Answers a request")), ("unrequested", _("Unrequested"))]

    organization = filters.ModelChoiceFilter(
        queryset=organizations, label=_("Partner"), empty_label=_("Any partner"), widget=LongSelect(label_field="name")
    )
    category = filters.ChoiceFilter(choices=SupportCategory.choices, empty_label=_("Any category"))
    delivered_on = filters.DateFromToRangeFilter(label=_("Delivered between"), widget=DATE_RANGE_WIDGET)
    requested = filters.ChoiceFilter(
        choices=REQUESTED, method="filter_requested", label=_("Requested?"), empty_label=_("Either")
    )

    class Meta:
        model = SupportDelivery
        fields = ["organization", "category", "delivered_on", "requested"]

    def filter_requested(self, queryset, name, value):
        return queryset.filter(request__isnull=(value == "unrequested"))
