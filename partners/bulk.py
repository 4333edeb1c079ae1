"""Work on several partners at once, chosen with the tick boxes of the
partner list: set their stage or their lead, add or remove a tag, or export
just them. Every change is saved with its history (simple-history, the
person taken from the request), as an edit of each partner would be, so
the dashboard's stages month by month and each partner's History section
see it."""

from typing import cast

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.form_fields import PersonChoiceField

from .choices import Stage
from .filters import IdsChoiceField
from .forms import program_managers
from .models import Organization, Tag
from .widgets import LongSelect

# As many as a page of the list shows at most.
MOST_AT_ONCE = 100

CHANGES = {
    "stage": _("Set the stage"),
    "lead": _("Set the lead"),
    "add_tag": _("Add a tag"),
    "remove_tag": _("Remove a tag"),
}
EXPORTS = {"export_csv": _("Export them as CSV"), "export_xlsx": _("Export them as XLSX")}
# The value each change needs, and what to say when it is missing.
NEEDS = {
    "stage": ("stage", _("Choose the stage to set.")),
    "lead": ("lead", _("Choose the lead to set.")),
    "add_tag": ("tag", _("Choose the tag to add.")),
    "remove_tag": ("tag", _("Choose the tag to remove.")),
}


class BulkPartnerForm(forms.Form):
    # The list's filter form has fields of the same names on the same page.
    prefix = "bulk"
    partners = IdsChoiceField(
        Organization.objects.all(),
        error_messages={"required": _("Tick at least one partner in the list first.")},
    )
    action = forms.ChoiceField(label=_("With the ticked partners"))
    stage = forms.ChoiceField(label=_("Stage to set"), choices=[("", "—"), *Stage.choices], required=False)
    # LongSelect: the same <select> as Django's, without a template per option.
    lead = PersonChoiceField(
        queryset=program_managers(), label=_("Lead to set"), required=False, empty_label="—", widget=LongSelect
    )
    tag = forms.ModelChoiceField(
        Tag.objects.all(), label=_("Tag to add or remove"), required=False, empty_label="—", widget=LongSelect
    )

    def __init__(self, *args, may_change: bool, **kwargs):
        super().__init__(*args, **kwargs)
        offered = {**CHANGES, **EXPORTS} if may_change else EXPORTS
        cast(forms.ChoiceField, self.fields["action"]).choices = list(offered.items())
        if not may_change:
            for name in ("stage", "lead", "tag"):
                del self.fields[name]

    def clean_partners(self):
        partners = self.cleaned_data["partners"]
        if len(partners) > MOST_AT_ONCE:
            raise forms.ValidationError(
                _("Choose at most %(n)s partners at a time."), code="too_many", params={"n": MOST_AT_ONCE}
            )
        return partners

    def clean(self):
        cleaned = super().clean() or {}
        if (needed := NEEDS.get(cleaned.get("action", ""))) and not cleaned.get(needed[0]):
            self.add_error(*needed)
        return cleaned

    @property
    def is_export(self) -> bool:
        return self.cleaned_data["action"] in EXPORTS


def apply(form: BulkPartnerForm) -> str:
    """Makes the change the form asks for and says what was done."""
    action, partners = form.cleaned_data["action"], list(form.cleaned_data["partners"])
    n = len(partners)
    if action in ("stage", "lead"):
        value = form.cleaned_data[action]
        field = "stage" if action == "stage" else "relationship_lead"
        changed = [partner for partner in partners if getattr(partner, field) != value]
        # Saved one by one: simple-history's bulk update would leave the
        # tags out of the new history rows, as if they had been removed.
        with transaction.atomic():
            for partner in changed:
                setattr(partner, field, value)
                partner.save(update_fields=[field, "updated_at"])
        label = Stage(value).label if action == "stage" else value.get_full_name() or value.get_username()
        return ngettext(
            "%(what)s set to “%(value)s” for %(n)s partner (%(changed)s changed).",
            "%(what)s set to “%(value)s” for %(n)s partners (%(changed)s changed).",
            n,
        ) % {"what": _("Stage") if action == "stage" else _("Lead"), "value": label, "n": n, "changed": len(changed)}
    tag = form.cleaned_data["tag"]
    return _tagged(partners, tag, add=action == "add_tag")


def _tagged(partners: list[Organization], tag: Tag, add: bool) -> str:
    """Adds or removes `tag`, partner by partner, so that each partner's
    history records it (simple-history follows the tags as they change)."""
    carrying = set(tag.organizations.through.objects.filter(tag=tag).values_list("organization_id", flat=True))
    to_change = [p for p in partners if (p.pk in carrying) != add]
    with transaction.atomic():
        for partner in to_change:
            (partner.tags.add if add else partner.tags.remove)(tag)
    message = (
        ngettext(
            "Tag “%(tag)s” added to %(n)s partner (%(changed)s did not have it).",
            "Tag “%(tag)s” added to %(n)s partners (%(changed)s did not have it).",
            len(partners),
        )
        if add
        else ngettext(
            "Tag “%(tag)s” removed from %(n)s partner (%(changed)s had it).",
            "Tag “%(tag)s” removed from %(n)s partners (%(changed)s had it).",
            len(partners),
        )
    )
    return message % {"tag": tag.name, "n": len(partners), "changed": len(to_change)}


def selected(queryset: models.QuerySet, form: BulkPartnerForm) -> models.QuerySet:
    return queryset.filter(pk__in=[partner.pk for partner in form.cleaned_data["partners"]])
