"""The import's forms: the upload, and the confirmation that posts the
checked text back with a choice for each duplicate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportKind
from .reading import MAX_TEXT_BYTES
from .resources import CHOICES, CREATE, SKIP, UPDATE

CHOICE_LABELS = [(SKIP, _("Skip it")), (UPDATE, _("Update the existing one")), (CREATE, _("Create a new one anyway"))]
CHOICE_PREFIX = "choice_"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("The first row names the columns. At most 25,000 rows; 2 MB as CSV, 5 MB as XLSX."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ConfirmForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, widget=forms.HiddenInput)
    csv_text = forms.CharField(strip=False, max_length=MAX_TEXT_BYTES, widget=forms.HiddenInput)
    default_choice = forms.ChoiceField(
        label=_("Every other duplicate"), choices=CHOICE_LABELS, initial=SKIP, required=False
    )

    def choices(self) -> dict[int, str]:
        """choice_<row> fields, one per listed duplicate. A value that is not
        a choice is bad input: the form is refused, not guessed."""
        found = {}
        for key, value in self.data.items():
            if not key.startswith(CHOICE_PREFIX):
                continue
            index = key.removeprefix(CHOICE_PREFIX)
            if not index.isdigit() or value not in CHOICES:
                raise forms.ValidationError(_("A choice for a duplicate is not one of those offered."))
            found[int(index)] = value
        return found

    def clean(self):
        cleaned = super().clean() or {}
        cleaned["choices"] = self.choices()
        cleaned["default_choice"] = cleaned.get("default_choice") or SKIP
        return cleaned
