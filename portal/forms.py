"""The portal's forms: what a partner may change, and how it asks and
answers. Bad input is refused with the reason beside the field."""

import datetime
from typing import cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.choices import Helped, Received
from partners.forms import ContactForm
from partners.models import DeletionRequest, DeliveryConfirmation, Organization, SupportRequest

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


class PortalContactForm(ContactForm):
    """A contact's details as the partner keeps them. Email and phone only
    for the contact who is signed in: each person sees and changes their
    own. "Never email" is the same field staff see (opted_out), so it holds
    everywhere at once: no survey, no sign-in link, a mark on every staff
    page."""

    class Meta(ContactForm.Meta):
        fields = ["name_or_alias", "role", "email", "phone", "preferred_channel", "language", "opted_out"]
        labels = {"opted_out": _("Never email this person")}
        help_texts = {"opted_out": _("No survey and no sign-in link goes to them; staff see it on every page.")}

    def __init__(self, *args, own: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not own:
            del self.fields["email"]
            del self.fields["phone"]


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["contact_preferences", "do_not_name_publicly"]
        labels = {
            "contact_preferences": _("How to reach you safely"),
            "do_not_name_publicly": _("Do not name us in public (reports, events, websites)"),
        }
        widgets = {"contact_preferences": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}

    def clean_contact_preferences(self) -> str:
        text = self.cleaned_data["contact_preferences"]
        if len(text) > 2000:
            raise forms.ValidationError(_("Keep it under 2,000 characters."))
        return text


class AskForm(forms.ModelForm):
    """A support request in the partner's own words."""

    class Meta:
        model = SupportRequest
        fields = ["category", "description", "needed_by", "amount_asked"]
        labels = {
            "category": _("What kind of support"),
            "description": _("What you need"),
            "needed_by": _("By when (optional)"),
            "amount_asked": _("Amount, if it is money (optional)"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4, "maxlength": 4000}), "needed_by": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["needed_by"].validators += [
            MinValueValidator(today, message=_("Choose today or a later day.")),
            MaxValueValidator(today + datetime.timedelta(days=730), message=_("Choose a day within two years.")),
        ]
        self.fields["amount_asked"].validators.append(MaxValueValidator(1_000_000))

    def clean_description(self) -> str:
        text = self.cleaned_data["description"].strip()
        if len(text) > 4000:
            raise forms.ValidationError(_("Keep it under 4,000 characters."))
        return text


class ConfirmForm(forms.ModelForm):
    class Meta:
        model = DeliveryConfirmation
        fields = ["received", "helped", "comment"]
        widgets = {
            "received": forms.RadioSelect,
            "helped": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons: no "---------" choice; nothing ticked until the partner answers.
        cast(forms.ChoiceField, self.fields["received"]).choices = Received.choices
        helped = cast(forms.ChoiceField, self.fields["helped"])
        helped.choices = [("", _("Rather not say")), *Helped.choices]
        self.fields["helped"].required = False


class DeletionForm(forms.ModelForm):
    sure = forms.BooleanField(
        label=_("Yes: we ask you to delete what you keep about our organization"),
        error_messages={"required": _("Tick the box to ask for the deletion.")},
    )

    class Meta:
        model = DeletionRequest
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}


class InviteForm(forms.Form):
    """Staff: inviting a contact to the portal."""

    agreed = forms.BooleanField(
        label=_("They agreed to use the portal"),
        error_messages={"required": _("Invite only a contact who has agreed.")},
    )
