"""django-filter FilterSets for the staff survey pages. A value that does not
parse makes the form invalid; the view answers 400 with the error beside the
field. Recipients are found by address through its keyed hash, from a POST
form (views/recipients.recipient_find), never from a filter in the URL."""

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Audience, SurveyStatus
from .models import Recipient, RecipientGroup, Survey

EITHER = [("", _("Either")), ("true", _("Yes")), ("false", _("No"))]


class SurveyFilter(filters.FilterSet):
    audience = filters.ChoiceFilter(choices=Audience.choices, empty_label=_("Any audience"))
    status = filters.MultipleChoiceFilter(choices=SurveyStatus.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Survey
        fields = ["audience", "status"]


class RecipientFilter(filters.FilterSet):
    audience = filters.ChoiceFilter(
        choices=[(Audience.PARTICIPANTS, Audience.PARTICIPANTS.label), (Audience.STAFF, Audience.STAFF.label)],
        empty_label=_("Everyone"),
    )
    consent = filters.BooleanFilter(label=_("Agreed to receive surveys"), widget=forms.Select(choices=EITHER))
    opted_out = filters.BooleanFilter(label=_("Opted out"), widget=forms.Select(choices=EITHER))
    groups = filters.ModelChoiceFilter(
        label=_("Group"), queryset=RecipientGroup.objects.all(), empty_label=_("Any group")
    )

    class Meta:
        model = Recipient
        fields = ["audience", "consent", "opted_out", "groups"]
