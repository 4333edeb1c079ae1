"""A round's controls for program managers: open a round now, close it now,
give it more time, send reminders now. Each GET is a confirmation page
that states how many people will get an email; each POST does it, is
audited, and goes back to the round page."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from audit.models import AuditAction
from audit.trail import record
from core import queueing

from ..forms.rounds import ExtendRoundForm
from ..models import Round, Survey
from ..services import round_controls
from ..services.round_controls import RoundChangeRefused
from ..services.rounds import RoundRefused, eligible_recipients, open_round_by_hand
from ..tasks import dispatch_round, queue_in_groups, send_reminders


def _confirm(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "surveys/round_confirm.html", context, status=status)


def _confirm_change(request: HttpRequest, survey_round: Round, status: int = 200, **context) -> HttpResponse:
    """The confirmation page of a change to an open round (it says so when
    the round has closed meanwhile)."""
    context |= {"round": survey_round, "survey": survey_round.survey, "open_only": True}
    return _confirm(request, context, status)


def _round(pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("survey"), pk=pk)


@permission_required("surveys.add_round", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opens a round by hand, when the survey's rules allow it
    (services.rounds.open_round_by_hand), after saying who gets an email."""
    survey = get_object_or_404(Survey, pk=pk)
    if request.method == "POST":
        try:
            new_round = open_round_by_hand(survey.pk)
        except RoundRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(survey.get_absolute_url())
        queueing.after_commit(partial(dispatch_round.delay, new_round.pk))
        record(AuditAction.ROUND_OPENED, request, target=_target(new_round))
        messages.success(request, _("Round opened. Invitations are going out now."))
        return redirect(new_round.get_absolute_url())
    people = eligible_recipients(survey).count()
    return _confirm(
        request,
        {
            "survey": survey,
            "title": _("Open a round of “%(survey)s” now?") % {"survey": survey},
            "emails": people,
            "says": [
                ngettext(
                    "%(count)s person will get an invitation email now.",
                    "%(count)s people will get an invitation email now.",
                    people,
                )
                % {"count": people}
            ],
            "button": _("Open the round and send"),
            "back": survey.get_absolute_url(),
        },
    )


@permission_required("surveys.change_round", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = _round(pk)
    if request.method == "POST":
        change = partial(round_controls.close_now, pk)
        return _carry_out(request, survey_round, AuditAction.ROUND_CLOSED, change, lambda _round: _("Round closed."))
    invited = survey_round.invitations.count()
    return _confirm_change(
        request,
        survey_round,
        title=_("Close this round now?"),
        emails=0,
        says=[
            _("Nobody gets an email."),
            ngettext(
                "The link of the %(count)s person invited stops working, and no more reminders go out.",
                "The links of the %(count)s people invited stop working, and no more reminders go out.",
                invited,
            )
            % {"count": invited},
            _("Its answers are then weighed for release, as when a round closes on its day."),
        ],
        button=_("Close the round"),
    )


@permission_required("surveys.change_round", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def round_extend(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = _round(pk)
    form = ExtendRoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            round_controls.extend(pk, form.closes_at())
        except RoundChangeRefused as refusal:
            form.add_error("closes_on", str(refusal))
        else:
            record(AuditAction.ROUND_EXTENDED, request, target=_target(survey_round))
            messages.success(request, _("The round stays open longer."))
            return redirect(survey_round.get_absolute_url())
    latest = round_controls.latest_close(survey_round)
    return _confirm_change(
        request,
        survey_round,
        status=400 if form.is_bound else 200,
        title=_("Give this round more time"),
        emails=0,
        says=[
            _("Nobody gets an email. The links keep working until the new closing day."),
            _("A round can stay open until %(date)s at the latest.") % {"date": f"{latest:%d %b %Y}"},
        ],
        form=form,
        button=_("Keep it open longer"),
    )


@permission_required("surveys.change_round", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = _round(pk)
    if request.method == "POST":

        def remind():
            due = round_controls.remind_now(pk)
            queueing.after_commit(partial(queue_in_groups, send_reminders, due))
            return due

        def done(due: list[int]) -> str:
            return ngettext(
                "%(count)s reminder is going out now.", "%(count)s reminders are going out now.", len(due)
            ) % {"count": len(due)}

        return _carry_out(request, survey_round, AuditAction.REMINDERS_SENT, remind, done)
    emails = round_controls.reminders_if_asked_now(survey_round)
    return _confirm_change(
        request,
        survey_round,
        title=_("Send reminders now?"),
        emails=emails,
        says=[
            ngettext(
                "%(count)s person will get a reminder email now.",
                "%(count)s people will get a reminder email now.",
                emails,
            )
            % {"count": emails},
            _(
                "Left out: people we know answered, people who had all the round's reminders, "
                "and anyone we emailed in the last day."
            ),
        ],
        button=_("Send the reminders"),
    )


def _target(survey_round: Round) -> str:
    return f"survey {survey_round.survey_id}, round {survey_round.pk}"


def _carry_out(request, survey_round: Round, action: str, change, done) -> HttpResponse:
    """Does `change()`, audits it and says `done(outcome)`; a round closed
    in the meantime is said so instead, with nothing changed."""
    try:
        outcome = change()
    except RoundChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(survey_round.get_absolute_url())
    record(action, request, target=_target(survey_round))
    messages.success(request, done(outcome))
    return redirect(survey_round.get_absolute_url())
