"""Staff pages for building surveys: the list, a survey's page, its questions,
its schedule and a preview of exactly what respondents see.

Questions change only while a survey is a draft (Survey.is_editable), so that
every round's results match the questions that were asked. A refused change
shows the survey page again with the reason and a 409; nothing is saved."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Count, F, Max, ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..choices import SurveyStatus
from ..filters import SurveyFilter
from ..forms.builder import (
    DismissFlagForm,
    QuestionForm,
    QuestionWordingForm,
    ScheduleForm,
    SurveyForm,
    SurveyStatusForm,
)
from ..models import DismissedFlag, Question, Round, Schedule, Survey
from ..models.surveys import status_refusal
from ..services import language_review
from ..services.versions import family, starters
from ..tables import SurveyTable, configure
from .public import pick_language
from .respond import _survey_page

GET_POST = ["GET", "HEAD", "POST"]


def _perm(*names: str):
    """Logged-in users without the permission get 403 (anonymous users never
    get here: LoginRequiredMiddleware sends them to the login page)."""
    return permission_required([f"surveys.{name}" for name in names], raise_exception=True)


def _question_url(question: Question) -> str:
    return f"{question.survey.get_absolute_url()}#question-{question.pk}"


def _status_actions(survey: Survey, *, sent: bool, has_questions: bool, earlier_open: bool) -> list[dict]:
    """The status buttons: each status the survey is not in, with why it may
    not be given (the button is then disabled and the reason shown); going
    back to draft is not offered at all once sent."""
    actions = []
    for action, status in SurveyStatusForm.ACTIONS.items():
        refusal = status_refusal(
            survey.status, status, sent=sent, has_questions=has_questions, earlier_version_open=earlier_open
        )
        if status == survey.status or (status == SurveyStatus.DRAFT and refusal):
            continue
        actions.append({"action": action, "label": SurveyStatusForm.BUTTONS[action], "refusal": refusal})
    return actions


def _render_detail(request: HttpRequest, survey: Survey, status: int = 200) -> HttpResponse:
    rounds = list(Round.objects.with_counts().filter(survey=survey))
    questions = list(survey.questions.all())
    all_versions = family(survey)
    earlier_open = survey.status == SurveyStatus.DRAFT and survey.earlier_version_is_open()
    context = {
        "survey": survey,
        "title": survey.title,
        "questions": questions,
        # Through the survey, so that schedule.survey is this one (no query).
        "schedule": survey.schedule_or_none(),
        "rounds": rounds,
        "anonymity_locked": bool(rounds),
        "status_actions": _status_actions(
            survey, sent=bool(rounds), has_questions=bool(questions), earlier_open=earlier_open
        ),
        "versions": all_versions if len(all_versions) > 1 else [],
        "may_change_as_version": bool(rounds) and all_versions[-1] == survey,
        "can_change_questions": survey.is_editable and request.user.has_perm("surveys.change_question"),
    }
    context["flags"], context["no_spanish"] = language_review.review(survey, questions)
    return render(request, "surveys/survey_detail.html", context, status=status)


@_perm("change_survey")
@require_POST
def flag_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Keeps a flagged word where it is, with the reason (a quotation, a
    partner's own wording): the flag is no longer shown there."""
    survey = get_object_or_404(Survey, pk=pk)
    form = DismissFlagForm(request.POST)
    places = {flag.place for flag in language_review.review(survey, list(survey.questions.all()))[0]}
    if not form.is_valid() or form.cleaned_data["place"] not in places:
        return _refuse(request, survey, _("Give the reason the word stays, in a few words."), status=400)
    DismissedFlag.objects.get_or_create(
        survey=survey,
        term=form.cleaned_data["term"],
        place=form.cleaned_data["place"],
        defaults={"reason": form.cleaned_data["reason"], "dismissed_by": request.user},
    )
    messages.success(request, _("The word stays; the flag is kept with your reason."))
    return redirect(survey.get_absolute_url() + "#language")


def _refuse(request: HttpRequest, survey: Survey, message: str, status: int = 409) -> HttpResponse:
    messages.error(request, message)
    return _render_detail(request, survey, status=status)


def _locked(request: HttpRequest, survey: Survey) -> HttpResponse:
    return _refuse(
        request,
        survey,
        _(
            "Questions can only change while the survey is a draft, so that results always match the questions "
            "people were asked."
        ),
    )


def _form_page(request, template: str, context: dict, form) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)


# Surveys


@_perm("view_survey")
@require_safe
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.annotate(
        question_count=Count("questions", distinct=True),
        last_round_at=Max("rounds__opened_at"),
        next_run_at=F("schedule__next_run_at"),
        schedule_active=F("schedule__active"),
    )
    survey_filter = SurveyFilter(request.GET or None, queryset=surveys)
    valid = not survey_filter.is_bound or survey_filter.is_valid()
    table = configure(request, SurveyTable(survey_filter.qs if valid else surveys.none()))
    context = {"title": _("Surveys"), "filter": survey_filter, "table": table}
    return render(request, "surveys/survey_list.html", context, status=200 if valid else 400)


@_perm("add_survey")
@require_http_methods(GET_POST)
def survey_create(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if form.is_valid():
        survey = form.save()
        messages.success(request, _("Survey created as a draft. Now add its questions."))
        return redirect(survey)
    context = {"title": _("New survey"), "starters": starters()}
    return _form_page(request, "surveys/survey_form.html", context, form)


@_perm("view_survey")
@require_safe
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_object_or_404(Survey, pk=pk))


@_perm("change_survey")
@require_http_methods(GET_POST)
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    form = SurveyForm(request.POST or None, instance=survey)
    if form.is_valid():
        form.save()
        messages.success(request, _("Changes to the survey saved."))
        return redirect(survey)
    context = {"title": _("Edit %(survey)s") % {"survey": survey.title}, "survey": survey}
    return _form_page(request, "surveys/survey_form.html", context, form)


@_perm("change_survey")
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    form = SurveyStatusForm(request.POST, survey=survey)
    if not form.is_valid():
        reason = " ".join(str(error) for error in form.non_field_errors()) or _("Choose activate, archive or draft.")
        return _refuse(request, survey, reason, status=409 if form.conflict else 400)
    form.save()
    messages.success(request, _("The survey is now %(status)s.") % {"status": survey.get_status_display().lower()})
    return redirect(survey)


@_perm("view_survey")
@never_cache
@require_http_methods(GET_POST)
def survey_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The respondent's page itself, from an unsaved round: nothing is sent or
    recorded, and the language button works as it does for respondents."""
    survey = get_object_or_404(Survey, pk=pk)
    preview_round = Round(survey=survey, closes_at=timezone.now() + timedelta(days=21))
    return _survey_page(request, preview_round, pick_language(request, "en"), preview=True)


# Questions


@_perm("add_question")
@require_http_methods(GET_POST)
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    if not survey.is_editable:
        return _locked(request, survey)
    form = QuestionForm(request.POST or None, survey=survey)
    if form.is_valid():
        question = form.save()
        messages.success(request, _("Question added at the end."))
        return redirect(_question_url(question))
    context = {"title": _("Add a question"), "survey": survey}
    return _form_page(request, "surveys/question_form.html", context, form)


@_perm("change_question")
@require_http_methods(GET_POST)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("survey"), pk=pk)
    survey = question.survey
    if not survey.is_editable:
        return _wording_fix(request, question)
    form = QuestionForm(request.POST or None, instance=question, survey=survey)
    if form.is_valid():
        form.save()
        messages.success(request, _("Question saved."))
        return redirect(_question_url(question))
    context = {"title": _("Edit question"), "survey": survey, "question": question}
    return _form_page(request, "surveys/question_form.html", context, form)


def _wording_fix(request: HttpRequest, question: Question) -> HttpResponse:
    """On a survey that has been sent, only the words of a question can be
    fixed (a typo, the Spanish): its kind and choices stay, so its answers
    keep meaning what they meant. The change is in the question's history,
    and the respondents' page shows it at once."""
    survey = question.survey
    form = QuestionWordingForm(request.POST or None, instance=question)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            # A new updated_at: the kept respondent page (kept_page.py) is keyed on it.
            Survey.objects.filter(pk=survey.pk).update(updated_at=timezone.now())
        messages.success(request, _("Wording saved."))
        return redirect(_question_url(question))
    context = {"title": _("Fix the wording"), "survey": survey, "question": question, "wording_only": True}
    return _form_page(request, "surveys/question_form.html", context, form)


@_perm("change_question")
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Moves a question one place up or down. Renumbers the whole survey, so
    that questions that share a position still move."""
    question = get_object_or_404(Question.objects.select_related("survey"), pk=pk)
    survey = question.survey
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        return _refuse(request, survey, _("Choose to move the question up or down."), status=400)
    if not survey.is_editable:
        return _locked(request, survey)
    with transaction.atomic():
        ordered = list(survey.questions.select_for_update().order_by("position", "id"))
        index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
        target = index + step
        if 0 <= target < len(ordered):
            ordered[index], ordered[target] = ordered[target], ordered[index]
        changed = []
        for position, item in enumerate(ordered, start=1):
            if item.position != position:
                item.position = position
                changed.append(item)
        Question.objects.bulk_update(changed, ["position"])
    return redirect(_question_url(question))


@_perm("delete_question")
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("survey"), pk=pk)
    survey = question.survey
    if not survey.is_editable:
        return _locked(request, survey)
    try:
        question.delete()
    except ProtectedError:
        return _refuse(request, survey, _("This question has answers, so it cannot be deleted."))
    messages.success(request, _("Question deleted."))
    return redirect(survey)


# Schedule


@_perm("add_schedule", "change_schedule")
@require_http_methods(GET_POST)
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    schedule = Schedule.objects.filter(survey=survey).first()
    form = ScheduleForm(request.POST or None, instance=schedule, survey=survey)
    if form.is_valid():
        form.save()
        messages.success(request, _("Schedule saved."))
        return redirect(f"{survey.get_absolute_url()}#schedule")
    title = _("Edit the schedule") if schedule else _("Schedule this survey")
    return _form_page(request, "surveys/schedule_form.html", {"title": title, "survey": survey}, form)
