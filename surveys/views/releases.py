"""The release rule's decisions, for program managers: pool held rounds,
review a unit's free text (withhold what names someone), release early.
Leadership reads released results only, so none of these pages is theirs."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditAction
from audit.trail import record_results_decision

from ..forms.releases import PoolForm, WithholdForm
from ..models import Release, Survey
from ..services import releases


@permission_required("surveys.add_release", raise_exception=True)
@require_POST
def pool_rounds(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    held = releases.held_rounds(survey)
    form = PoolForm(held, request.POST)
    if form.is_valid():
        try:
            made = releases.pool_rounds(survey, form.cleaned_data["rounds"], request.user)
        except releases.PoolRefused as refused:
            form.add_error("rounds", str(refused))
        else:
            pooled = len(form.cleaned_data["rounds"])
            for unit in made:
                target = f"unit #{unit.pk} of survey #{survey.pk}: {pooled} rounds"
                record_results_decision(request, AuditAction.RESULTS_POOLED, target)
            messages.success(request, _("Pooled. The rounds are now one unit and are shown together."))
            return redirect(reverse("surveys:survey_results", args=[survey.pk]) + "#held")
    context = {"survey": survey, "form": form}
    return render(request, "surveys/pool_rounds.html", context, status=400)


def _review_page(request: HttpRequest, unit: Release, form: WithholdForm, status: int = 200) -> HttpResponse:
    context = {"unit": unit, "survey": unit.survey, "form": form, "rounds": unit.rounds.order_by("opened_at")}
    return render(request, "surveys/unit_review.html", context, status=status)


@permission_required("surveys.change_release", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def unit_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's free-text answers, alphabetical, with a box to withhold each."""
    unit = get_object_or_404(Release.objects.select_related("survey"), pk=pk)
    answers = releases.unit_text_answers(unit)
    if request.method != "POST":
        return _review_page(request, unit, WithholdForm(answers))
    form = WithholdForm(answers, request.POST)
    if not form.is_valid():
        return _review_page(request, unit, form, status=400)
    withheld, put_back = releases.set_withheld(unit, set(form.cleaned_data["withheld"]))
    if withheld or put_back:
        target = f"unit #{unit.pk}: {withheld} withheld, {put_back} put back"
        record_results_decision(request, AuditAction.ANSWERS_WITHHELD, target)
    messages.success(request, _("Saved: %(n)s answers withheld.") % {"n": len(form.cleaned_data["withheld"])})
    return redirect(reverse("surveys:unit_review", args=[unit.pk]))


@permission_required("surveys.change_release", raise_exception=True)
@require_POST
def unit_release(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Release, pk=pk)
    if releases.release_now(unit):
        record_results_decision(request, AuditAction.RESULTS_RELEASED, f"unit #{unit.pk} of survey #{unit.survey_id}")
        messages.success(request, _("Released. Everyone who reads results now sees this unit."))
    else:
        messages.info(request, _("This unit was already released."))
    return redirect(reverse("surveys:unit_review", args=[unit.pk]))
