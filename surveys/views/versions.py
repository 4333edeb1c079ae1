"""Changing a survey that has been sent (a new version), copying a survey,
and starting a new one from a starter survey (services/versions.py). Each
GET says what will happen; each POST does it and opens the new draft."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms.builder import CopySurveyForm
from ..models import Survey
from ..services import versions

GET_POST = ["GET", "HEAD", "POST"]


def _perm(*names: str):
    return permission_required([f"surveys.{name}" for name in names], raise_exception=True)


@_perm("add_survey", "add_question")
@require_http_methods(GET_POST)
def survey_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft with the survey's questions, under a title of the
    manager's choosing; a starter survey is copied the same way."""
    survey = get_object_or_404(Survey, pk=pk)
    initial = {"title": survey.title if survey.starter else versions.copy_title(survey)}
    form = CopySurveyForm(request.POST or None, initial=initial)
    if form.is_valid():
        copy = versions.copy_survey(survey, title=form.cleaned_data["title"])
        messages.success(
            request, _("A new draft survey with the same questions. Change what you need, then make it active.")
        )
        return redirect(copy)
    context = {"title": _("Start a new survey from “%(survey)s”") % {"survey": survey}, "survey": survey, "form": form}
    return render(request, "surveys/survey_copy.html", context, status=400 if form.errors else 200)


@_perm("add_survey", "change_survey", "add_question")
@require_http_methods(GET_POST)
def survey_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    if request.method == "POST":
        try:
            draft = versions.draft_version(survey)
        except versions.VersionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(survey)
        messages.success(
            request,
            _("Version %(n)s is a draft: change its questions, then make it active to replace version %(old)s.")
            % {"n": draft.version, "old": survey.version},
        )
        return redirect(draft)
    context = {"title": _("Change “%(survey)s” as a new version?") % {"survey": survey}, "survey": survey}
    return render(request, "surveys/version_confirm.html", context)
