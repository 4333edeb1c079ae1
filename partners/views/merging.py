"""Merge two partners, or two contacts of one partner, entered twice: from
the record to keep, choose the other (similar names first), read what
moves and which fields are filled, confirm. Plain forms, no JavaScript.
The record whose page it starts from is the one kept."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from audit.models import AuditAction
from audit.trail import record

from ..merging import MergePlan, MergeRefused, contact_merge_plan, merge_contacts, merge_partners, partner_merge_plan
from ..models import Contact, Organization
from ..similar_names import are_similar

GET_POST = ["GET", "HEAD", "POST"]
may_fix_mistakes = permission_required("partners.fix_mistakes", raise_exception=True)


class ChooseForm(forms.Form):
    other = forms.ModelChoiceField(
        label=gettext_lazy("Merge with"),
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("Choose another record from the list.")},
    )

    def __init__(self, *args: Any, choices: models.QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = choices  # type: ignore[attr-defined]


class MergeForm(ChooseForm):
    confirm = forms.BooleanField(
        error_messages={"required": gettext_lazy("Use the button on the confirmation page to merge.")}
    )


def _merge_page(
    request: HttpRequest,
    kept: Any,
    choices: models.QuerySet,
    plan_of: Callable[[Any, Any], MergePlan],
    merge: Callable[[Any, Any], Any],
    action: str,
    kind: str,
) -> HttpResponse:
    """GET without `other`: the choice. GET with it: what the merge will do.
    POST with it and `confirm`: the merge. Anything else is a 400."""
    if request.method == "POST":
        form: ChooseForm = MergeForm(request.POST, choices=choices)
    else:
        form = ChooseForm(request.GET if "other" in request.GET else None, choices=choices)
    context: dict[str, Any] = {"kept": kept, "form": form, "kind": kind}
    if not form.is_valid():
        names = list(choices.only("pk", "name_or_alias" if kind == "contact" else "name"))
        context["suggestions"] = [other for other in names if are_similar(str(kept), str(other))]
        return render(request, "partners/merge_choose.html", context, status=400 if form.is_bound else 200)
    removed = form.cleaned_data["other"]
    if request.method == "POST":
        removed_pk, removed_name = removed.pk, str(removed)  # gone after the merge
        try:
            merge(kept, removed)
        except MergeRefused as why:
            context["refusal"] = str(why)
        else:
            record(action, request, target=f"{kind} #{removed_pk} into #{kept.pk}")
            messages.success(
                request, _("%(removed)s is merged into %(kept)s.") % {"removed": removed_name, "kept": kept}
            )
            return redirect(kept.get_absolute_url())
    context.update(removed=removed, plan=plan_of(kept, removed))
    return render(request, "partners/merge_confirm.html", context, status=409 if "refusal" in context else 200)


@may_fix_mistakes
@require_http_methods(GET_POST)
def organization_merge(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_object_or_404(Organization, pk=pk)
    choices = Organization.objects.exclude(pk=kept.pk)
    return _merge_page(
        request, kept, choices, partner_merge_plan, merge_partners, AuditAction.PARTNERS_MERGED, "partner"
    )


@may_fix_mistakes
@require_http_methods(GET_POST)
def contact_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Two contacts of the same partner only: across partners, merge the partners."""
    kept = get_object_or_404(Contact.objects.select_related("organization"), pk=pk)
    choices = Contact.objects.filter(organization=kept.organization_id).exclude(pk=kept.pk).defer("email", "phone")
    return _merge_page(
        request, kept, choices, contact_merge_plan, merge_contacts, AuditAction.CONTACTS_MERGED, "contact"
    )
