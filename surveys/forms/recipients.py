"""Forms for the people who receive surveys (participants, staff and
volunteers), one at a time or from a CSV file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import Audience
from ..models import Recipient, RecipientGroup
from ..models.recipients import RECIPIENT_AUDIENCES, email_digest, not_of_audience
from ..services.importing import AUTO, ENCODINGS, MAX_BYTES


class RecipientForm(forms.ModelForm):
    email = forms.EmailField(label=_("Email"), max_length=254)

    class Meta:
        model = Recipient
        fields = ["email", "audience", "language", "consent", "opted_out", "groups"]
        widgets = {"groups": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = _(
            "Tick only if the person said yes to receiving surveys. Without it, nobody is ever invited."
        )
        self.fields["opted_out"].help_text = _(
            "Ticked when the person used the opt-out link. Only clear it if they asked to get surveys again."
        )

    def clean(self):
        # The address is encrypted, so the database cannot compare it: the
        # (audience, email_digest) constraint is checked here, beside the field.
        super().clean()
        cleaned = self.cleaned_data
        email, audience = cleaned.get("email"), cleaned.get("audience")
        other = not_of_audience(cleaned.get("groups"), audience)
        if other:
            self.add_error("groups", _("Not a group of this audience: %(names)s.") % {"names": ", ".join(other)})
        if email and audience:
            same = Recipient.objects.filter(audience=audience, email_digest=email_digest(email))
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "email",
                    _("This address is already on the list of %(audience)s.")
                    % {"audience": Audience(audience).label.lower()},
                )
        return cleaned


class RecipientImportForm(forms.Form):
    """Step one sends `file`; step two sends the same content back in
    `csv_text`, so that nothing is stored between the steps."""

    audience = forms.ChoiceField(label=_("Add them to"), choices=RECIPIENT_AUDIENCES)
    group = forms.ModelChoiceField(
        label=_("And to this group"),
        queryset=RecipientGroup.objects.all(),
        required=False,
        empty_label=_("No group"),
        help_text=_("Optional: the people added, and those already on the list, join the group."),
    )
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "Columns: email, language (en or es; en if empty) and consent (yes or no). "
            "Other columns are ignored and never stored. At most 2 MB and 20,000 rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label=_("How the file is written"),
        choices=[(AUTO, _("Find out (UTF-8, or else Excel's usual “CSV”)")), *ENCODINGS.items()],
        initial=AUTO,
        required=False,
        help_text=_("If accented names look wrong on the next page, choose another and check again."),
    )
    csv_text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"hidden": True}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    rows_to_fix = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
        return upload

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        group = cleaned.get("group")
        if group is not None and not_of_audience([group], cleaned.get("audience")):
            self.add_error("group", _("Choose a group of the audience the people are added to."))
        if not cleaned.get("file") and not cleaned.get("csv_text") and "file" not in self.errors:
            self.add_error("file", _("Choose a CSV file."))
        return cleaned


class FindRecipientForm(forms.Form):
    email = forms.EmailField(label=_("Find a person by their email address"), max_length=254)


class RecipientGroupForm(forms.ModelForm):
    class Meta:
        model = RecipientGroup
        fields = ["name", "audience"]

    def clean(self):
        super().clean()
        name, audience = self.cleaned_data.get("name"), self.cleaned_data.get("audience")
        if name and audience and RecipientGroup.objects.filter(name__iexact=name, audience=audience).exists():
            self.add_error("name", _("There is a group of that name already."))
        return self.cleaned_data
