from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import dates

from ..models import YouSaidWeDid


class LoopItemForm(forms.ModelForm):
    class Meta:
        model = YouSaidWeDid
        fields = ["you_said", "you_said_es", "we_did", "we_did_es"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}


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
