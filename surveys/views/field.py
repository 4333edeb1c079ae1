"""Surveys where the people are, for program managers: the survey's poster
(its short address and a QR code that scans), a sheet of printed one-time
cards for a round, the address for a shared device at a desk, the paper
version to print, and the form to type paper answers into a round."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from audit.models import AuditAction
from audit.trail import record

from ..forms.answers import AnswerForm, answer_fields
from ..forms.rounds import CardCountForm
from ..models import Round, Survey
from ..services.answering import build_answers, record_response
from ..services.cards import make_cards
from ..services.short_address import printed, short_url
from .respond import questions_html
from .respond_shared import device_link


def _qr(url: str) -> str:
    """The address as an SVG QR code that scales to its box (a viewBox, no
    fixed size), with the quiet zone the standard asks for."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=1, border=4, omitsize=True))  # noqa: S308 - segno's SVG


def _anonymous_survey(pk: int) -> Survey:
    return get_object_or_404(Survey, pk=pk, anonymous=True)


@permission_required("surveys.change_round", raise_exception=True)
@require_safe
def survey_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable poster with the survey's short address and its QR code:
    the same for every round, so a poster on the wall keeps working."""
    survey = _anonymous_survey(pk)
    url = short_url(survey)
    open_round = survey.rounds.open_now().order_by("-opened_at").first()
    context = {
        "survey": survey,
        "url": url,
        "printed_url": printed(url),
        "qr_svg": _qr(url),
        "open_round": open_round,
        "device_url": device_link(survey),
    }
    return render(request, "surveys/poster.html", context)


@permission_required("surveys.change_round", raise_exception=True)
@require_safe
def round_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's poster is its survey's (the address no longer changes
    with each round)."""
    survey_round = get_object_or_404(Round, pk=pk, survey__anonymous=True)
    return redirect("surveys:survey_poster", survey_round.survey_id)


@permission_required("surveys.change_round", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def round_cards(request: HttpRequest, pk: int) -> HttpResponse:
    """Makes a sheet of one-time cards for the round and shows it once, to
    print: only a keyed hash of each code is kept."""
    survey_round = get_object_or_404(Round.objects.select_related("survey"), pk=pk, survey__anonymous=True)
    form = CardCountForm(request.POST if request.method == "POST" else None)
    context = {"round": survey_round, "survey": survey_round.survey, "form": form}
    if not survey_round.is_open:
        messages.error(request, _("Cards can be printed only while the round is open."))
        return redirect(survey_round.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        codes = make_cards(survey_round, form.cleaned_data["count"])
        record(AuditAction.CARDS_PRINTED, request, target=f"round {survey_round.pk}, {len(codes)} cards")
        url = short_url(survey_round.survey)
        context |= {"codes": [f"{code[:4]}-{code[4:]}" for code in codes], "printed_url": printed(url)}
        return render(request, "surveys/cards_sheet.html", context)
    return render(request, "surveys/cards_form.html", context, status=400 if form.is_bound else 200)


@permission_required("surveys.view_survey", raise_exception=True)
@require_safe
def survey_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey on paper, in English or Spanish (?lang=es), to print."""
    survey = get_object_or_404(Survey, pk=pk)
    language = "es" if request.GET.get("lang") == "es" else "en"
    questions = list(survey.questions.order_by("position"))
    with translation.override(language):  # the scales' labels ("Agree") in the paper's language
        printed_questions = [
            (question, question.text_in(language), [(value, str(label)) for value, label in question.options(language)])
            for question in questions
        ]
    context = {
        "survey": survey,
        "language": language,
        "title": survey.title_in(language),
        "intro": survey.intro_in(language),
        "questions": printed_questions,
        "printed_url": printed(short_url(survey)) if survey.anonymous else "",
    }
    return render(request, "surveys/paper.html", context)


@permission_required("surveys.change_round", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def round_paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Types the answers of one paper form into the round, as channel
    "paper": a unit of its own, released under the same rule. Nothing
    records who typed which answers, and the page after saving shows none
    of them."""
    survey_round = get_object_or_404(Round.objects.select_related("survey"), pk=pk)
    if not survey_round.is_open:
        messages.error(request, _("Paper answers can be entered only while the round is open."))
        return redirect(survey_round.get_absolute_url())
    language = "es" if request.POST.get("language", request.GET.get("lang")) == "es" else "en"
    questions = list(survey_round.survey.questions.order_by("position"))
    fields = answer_fields(questions, language)
    for field in fields.values():  # built for this request only
        field.required = False  # a question left blank on paper was skipped
    form = AnswerForm(questions, language, fields=fields, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        record_response(survey_round, build_answers(questions, form.cleaned_data), paper=True)
        messages.success(request, _("Saved. The form is empty again for the next paper."))
        return redirect("surveys:round_paper_entry", survey_round.pk)
    context = {
        "round": survey_round,
        "survey": survey_round.survey,
        "language": language,
        "questions_html": questions_html(form),
        "form": form,
    }
    return render(request, "surveys/paper_entry.html", context, status=400 if form.is_bound else 200)
