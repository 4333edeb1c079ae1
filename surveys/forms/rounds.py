from datetime import datetime, time
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import dates
from core.form_fields import PersonChoiceField
from partners.forms import program_managers

from ..models import Question, YouSaidWeDid
from ..services.cards import MOST_AT_ONCE


class LoopItemForm(forms.ModelForm):
    """A "you said, we did" item of a round: the owner among program
    managers (shown by name), the question among the survey's own."""

    class Meta:
        model = YouSaidWeDid
        fields = ["you_said", "you_said_es", "we_did", "we_did_es", "status", "owner", "due_on", "question"]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 2}) for name in ["you_said", "you_said_es", "we_did", "we_did_es"]},
            "due_on": forms.DateInput(attrs={"type": "date", **dates.INPUT_ATTRIBUTES}, format="%Y-%m-%d"),
        }
        field_classes = {"owner": PersonChoiceField}

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = program_managers(keep_id=self.instance.owner_id)
        question = cast(forms.ModelChoiceField, self.fields["question"])
        question.queryset = survey.questions.order_by("position") if survey is not None else Question.objects.none()
        self.fields["due_on"].validators += dates.VALIDATORS


class ExtendRoundForm(forms.Form):
    """A new closing day; the round then closes at the end of that day
    (local time)."""

    closes_on = forms.DateField(
        label=_("New closing day"),
        widget=forms.DateInput(attrs={"type": "date", **dates.INPUT_ATTRIBUTES}),
        validators=dates.VALIDATORS,
        help_text=_("The round closes at the end of that day."),
    )

    def closes_at(self) -> datetime:
        day = self.cleaned_data["closes_on"]
        return timezone.make_aware(datetime.combine(day, time.max.replace(microsecond=0)))


class CardCountForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many cards?"),
        min_value=1,
        max_value=MOST_AT_ONCE,
        help_text=_("Up to %(most)s at a time; ten to a printed page.") % {"most": MOST_AT_ONCE},
    )
