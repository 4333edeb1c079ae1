from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.form_fields import PersonChoiceField
from core.roles import PROGRAM_MANAGERS

from .choices import RequestStatus
from .filters import IdsChoiceField
from .models import Contact, Interaction, Organization, SupportDelivery, SupportRequest
from .similar_names import similar_names
from .widgets import LongSelectMultiple

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KEEP_IN_TOUCH_RANGE = _("Choose between 1 and 730 days.")
SIMILAR_PARTNER = _(
    "We already have a partner called %(names)s. Open it instead, or tick below if this is a different partner."
)


def program_managers(keep_id: int | None = None):
    """Active program managers, plus the user already chosen (`keep_id`): a lead
    who has since left the role stays selectable, instead of being cleared
    without a word the next time someone saves the row."""
    wanted = Q(is_active=True, groups__name=PROGRAM_MANAGERS)
    if keep_id:
        wanted |= Q(pk=keep_id)
    return get_user_model().objects.filter(wanted).distinct().order_by("first_name", "username")


class OrganizationForm(forms.ModelForm):
    # Offered (as a tick box) only once a similar name was found.
    different_partner = forms.BooleanField(
        label=_("Yes, this is a different partner"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "stage",
            "service_area",
            "description",
            "lived_experience_led",
            "relationship_lead",
            "keep_in_touch_days",
            "contact_preferences",
            "do_not_name_publicly",
            "tags",
        ]
        # An id too large for the database is refused, not a server error.
        field_classes = {"tags": IdsChoiceField, "relationship_lead": PersonChoiceField}
        widgets = {
            "tags": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "contact_preferences": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lead = cast(forms.ModelChoiceField, self.fields["relationship_lead"])
        lead.queryset = program_managers(keep_id=self.instance.relationship_lead_id)
        if self.instance.pk is not None:
            del self.fields["different_partner"]
        else:
            self.order_fields(["name", "different_partner"])
        # One message for 0 and for -5 alike (the model's own validators say
        # "≥ 1" for one and "≥ 0" for the other).
        days = cast(forms.IntegerField, self.fields["keep_in_touch_days"])
        days.validators = [
            MinValueValidator(1, message=KEEP_IN_TOUCH_RANGE),
            MaxValueValidator(730, message=KEEP_IN_TOUCH_RANGE),
        ]
        days.min_value, days.max_value = 1, 730

    def clean(self):
        """On "Add a partner", a name like one we have is refused until the
        person says it is a different partner (partners/similar_names.py)."""
        super().clean()
        cleaned = self.cleaned_data
        name = cleaned.get("name") or ""
        asking = self.instance.pk is None and name and not cleaned.get("different_partner")
        if asking and (alike := similar_names(name, list(Organization.objects.values_list("name", flat=True)))):
            names = ", ".join(f"“{other}”" for other in alike[:3])
            self.add_error("name", SIMILAR_PARTNER % {"names": names})
            self.fields["different_partner"].widget = forms.CheckboxInput()  # now offered, under the name
        return cleaned


class ContactForm(forms.ModelForm):
    # The model stores both encrypted (as text); the form keeps the usual
    # one-line inputs and the email check.
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    class Meta:
        model = Contact
        fields = [
            "name_or_alias",
            "role",
            "email",
            "phone",
            "preferred_channel",
            "language",
            "consent_to_surveys",
            "opted_out",
        ]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization

    def validate_unique(self):
        # organization is set by the view, not a form field, so ModelForm skips
        # the (organization, name_or_alias) constraint, and a duplicate would
        # reach the database as an IntegrityError. Check it here, beside the name.
        super().validate_unique()
        name = self.cleaned_data.get("name_or_alias")
        same_name = Contact.objects.filter(organization=self.instance.organization_id, name_or_alias=name)
        if name and same_name.exclude(pk=self.instance.pk).exists():
            self.add_error(
                "name_or_alias",
                _("This partner already has a contact called %(name)s. Add something to tell them apart.")
                % {"name": name},
            )


class FollowUpChoiceField(forms.ModelMultipleChoiceField):
    """An open follow-up told apart from the partner's others."""

    def label_from_instance(self, obj) -> str:
        due = date_format(obj.follow_up_on, "j M Y")
        what = obj.follow_up_note or Truncator(obj.summary).chars(60)
        return _("Due %(due)s (%(kind)s of %(day)s): %(what)s") % {
            "due": due,
            "kind": obj.get_kind_display(),
            "day": date_format(obj.happened_on, "j M"),
            "what": what,
        }


class InteractionForm(forms.ModelForm):
    close_follow_ups = FollowUpChoiceField(
        label=_("This also takes care of these open follow-ups"),
        queryset=Interaction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ticked ones are marked done when you save."),
    )

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "happened_on",
            "contacts",
            "also_with",
            "summary",
            "confidential_notes",
            "follow_up_on",
            "follow_up_note",
            "follow_up_assignee",
            "follow_up_done",
        ]
        field_classes = {
            "contacts": IdsChoiceField,
            "also_with": IdsChoiceField,
            "follow_up_assignee": PersonChoiceField,
        }
        widgets = {
            "happened_on": DATE,
            "follow_up_on": DATE,
            "contacts": forms.CheckboxSelectMultiple,
            "also_with": LongSelectMultiple(label_field="name"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "confidential_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organization: Organization, can_see_notes: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        cast(IdsChoiceField, self.fields["contacts"]).queryset = organization.contacts.without_details()
        others = Organization.objects.exclude(pk=organization.pk).order_by("name")
        cast(IdsChoiceField, self.fields["also_with"]).queryset = others
        self.fields["happened_on"].initial = timezone.localdate
        assignee = cast(forms.ModelChoiceField, self.fields["follow_up_assignee"])
        assignee.queryset = program_managers(keep_id=self.instance.follow_up_assignee_id)
        assignee.empty_label = _("The partner's lead")
        if not can_see_notes:
            del self.fields["confidential_notes"]
        # Logging an interaction offers to close what it took care of.
        still_open = organization.interactions.open_follow_ups().defer("confidential_notes")
        if self.instance.pk is None and still_open.exists():
            cast(FollowUpChoiceField, self.fields["close_follow_ups"]).queryset = still_open.order_by("follow_up_on")
        else:
            del self.fields["close_follow_ups"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("follow_up_note") and not cleaned.get("follow_up_on"):
            self.add_error("follow_up_on", _("Give the follow-up a day."))
        return cleaned

    def save(self, commit: bool = True):
        interaction = super().save(commit)
        closing = self.cleaned_data.get("close_follow_ups")
        if commit and closing:
            for done in closing:  # one by one, so that each keeps its history
                done.follow_up_done = True
                done.save(update_fields=["follow_up_done"])
        return interaction


class SupportRequestForm(forms.ModelForm):
    class Meta:
        model = SupportRequest
        fields = [
            "category",
            "description",
            "amount_asked",
            "asked_on",
            "needed_by",
            "urgency",
            "initiated_by",
            "status",
        ]
        widgets = {"asked_on": DATE, "needed_by": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["asked_on"].initial = timezone.localdate


class RequestChoiceField(forms.ModelChoiceField):
    """A request told apart from the partner's others of the same category:
    when it was asked and what for."""

    def label_from_instance(self, obj) -> str:
        asked = date_format(obj.asked_on, "j M Y")
        return f"{obj.get_category_display()}, {asked}: {Truncator(obj.description).chars(60)}"


class SupportDeliveryForm(forms.ModelForm):
    LEAVE = ""
    request_status = forms.ChoiceField(
        label=_("After this delivery, the request is"),
        required=False,
        choices=[
            (LEAVE, _("Unchanged")),
            (RequestStatus.IN_PROGRESS, RequestStatus.IN_PROGRESS.label),
            (RequestStatus.PARTLY_FULFILLED, RequestStatus.PARTLY_FULFILLED.label),
            (RequestStatus.FULFILLED, RequestStatus.FULFILLED.label),
        ],
    )

    more_than_asked = forms.BooleanField(
        label=_("More money than was asked, on purpose"),
        required=False,
        help_text=_("Needed only when this delivery brings the money delivered above the amount asked."),
    )

    class Meta:
        model = SupportDelivery
        fields = ["request", "category", "delivered_on", "description", "money", "hours", "delivered_by"]
        widgets = {"delivered_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"request": RequestChoiceField, "delivered_by": PersonChoiceField}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        request = cast(forms.ModelChoiceField, self.fields["request"])
        request.queryset = organization.requests.all()
        request.empty_label = _("None: nobody asked for this (unrequested)")
        self.fields["category"].required = False
        self.fields["category"].help_text = _("Leave empty to use the request's category.")
        self.fields["delivered_on"].initial = timezone.localdate
        delivered_by = cast(forms.ModelChoiceField, self.fields["delivered_by"])
        delivered_by.queryset = program_managers(keep_id=self.instance.delivered_by_id)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        request = cleaned.get("request")
        if not cleaned.get("category"):
            if request:
                cleaned["category"] = self.instance.category = request.category
            else:
                self.add_error("category", _("Choose a category for support nobody asked for."))
        if cleaned.get("request_status") and not request:
            self.add_error("request_status", _("There is no request to update."))
        self._check_more_than_asked(request, cleaned.get("money"))
        return cleaned

    def _check_more_than_asked(self, request, money) -> None:
        """Giving more money than was asked is allowed, but only on purpose."""
        if request is None or not request.amount_asked or not money or self.cleaned_data.get("more_than_asked"):
            return
        before = request.deliveries.exclude(pk=self.instance.pk).aggregate(total=Sum("money"))["total"] or 0
        if before + money > request.amount_asked:
            self.add_error(
                "money",
                _(
                    "This brings the money delivered to %(total)s, more than the %(asked)s asked. "
                    "Tick “More money than was asked, on purpose” to record it anyway."
                )
                % {"total": before + money, "asked": request.amount_asked},
            )
