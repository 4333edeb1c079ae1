"""Rounds: watch one go out, deal with unknown sends, close the loop."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import queueing
from core.query_values import parse_id

from ..choices import ResponseChannel, SendState
from ..forms.rounds import LoopItemForm
from ..models import Invitation, Response, Round, YouSaidWeDid
from ..services import outcomes, round_controls, sending
from ..tasks import queue_in_groups, send_invitations


def _round_with_counts(pk: int) -> Round:
    return get_object_or_404(Round.objects.with_counts().select_related("survey"), pk=pk)


def _round_page(request: HttpRequest, survey_round: Round, *, loop_form=None, status: int = 200) -> HttpResponse:
    problems = []
    if request.user.has_perm("surveys.change_invitation"):
        problems = list(
            Invitation.objects.filter(round=survey_round, state__in=[SendState.UNKNOWN, SendState.FAILED])
            .only("id", "state", "last_error", "attempts")
            .order_by("state", "id")
        )
    if loop_form is None and request.user.has_perm("surveys.add_yousaidwedid"):
        loop_form = LoopItemForm(survey=survey_round.survey)
    shared_by_day = (
        Response.objects.filter(round=survey_round, channel=ResponseChannel.SHARED)
        .values("submitted_on")
        .annotate(n=Count("pk"))
        .order_by("submitted_on")
    )
    context = {
        "round": outcomes.round_outcome(survey_round),
        "held": sending.held_back(survey_round.pk),
        "reminders": round_controls.reminders(survey_round),
        "cards_printed": survey_round.cards.count(),
        "paper_answers": Response.objects.filter(round=survey_round, channel=ResponseChannel.PAPER).count(),
        "survey": survey_round.survey,
        # A burst of shared-link answers on one day stands out here.
        "shared_by_day": list(shared_by_day) if survey_round.shared_token_hash else [],
        "problems": problems,
        "loop_items": survey_round.you_said_we_did.select_related("owner", "question"),
        "loop_form": loop_form,
    }
    return render(request, "surveys/round_detail.html", context, status=status)


@permission_required("surveys.view_round", raise_exception=True)
@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, _round_with_counts(pk))


@permission_required("surveys.view_round", raise_exception=True)
@require_safe
def round_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled by htmx while the round is going out."""
    context = {"round": _round_with_counts(pk), "held": sending.held_back(pk)}
    return render(request, "surveys/_round_progress.html", context)


@permission_required("surveys.change_invitation", raise_exception=True)
@require_POST
def round_unknown(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager's decision about invitations whose sending is unknown or failed."""
    survey_round = _round_with_counts(pk)
    # Every value must be an invitation of this round: a decision about a
    # list with something wrong in it is refused whole, not half carried out.
    chosen = set(request.POST.getlist("invitation"))
    wanted = {parse_id(i) for i in chosen} - {None}
    ids = list(Invitation.objects.filter(round=survey_round, pk__in=wanted).values_list("pk", flat=True))
    action = request.POST.get("action")
    if not ids or len(ids) != len(chosen) or action not in ("resend", "mark_sent"):
        messages.error(request, _("Choose at least one invitation and what to do with it."))
        return _round_page(request, survey_round, status=400)
    if action == "resend":
        again = sending.resend(ids)
        queueing.after_commit(partial(queue_in_groups, send_invitations, again))
        messages.success(request, _("%(count)s invitations will be sent again.") % {"count": len(again)})
    else:
        count = sending.mark_arrived(ids)
        messages.success(request, _("%(count)s invitations marked as sent.") % {"count": count})
    return redirect(survey_round.get_absolute_url())


@permission_required("surveys.add_yousaidwedid", raise_exception=True)
@require_POST
def loop_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = _round_with_counts(pk)
    form = LoopItemForm(request.POST, survey=survey_round.survey)
    if form.is_valid():
        form.instance.round = survey_round
        form.save()
        messages.success(request, _("Added. Once it is done, people see it in the next invitation and on the survey."))
        return redirect(survey_round.get_absolute_url() + "#loop")
    return _round_page(request, survey_round, loop_form=form, status=400)


@permission_required("surveys.change_yousaidwedid", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def loop_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's status, owner, due day and words. Marked done, it reaches
    respondents: the next invitation, the survey's first page and its
    public "what we changed" page."""
    item = get_object_or_404(YouSaidWeDid.objects.select_related("round__survey"), pk=pk)
    survey_round = item.round
    form = LoopItemForm(request.POST or None, instance=item, survey=survey_round.survey)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(survey_round.get_absolute_url() + "#loop")
    context = {"form": form, "item": item, "round": survey_round, "survey": survey_round.survey}
    return render(request, "surveys/loop_item_form.html", context, status=400 if form.is_bound else 200)
