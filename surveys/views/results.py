"""Results for program managers and leadership: aggregates only, with small
groups hidden (see services/suppression.py)."""

import csv

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from crm.audit import record_export, record_results_view
from crm.exports import neutralise

from ..choices import Audience, Domain, RoundStatus
from ..models import Question, Survey
from ..services import results
from ..services.suppression import min_responses, shown


def _selected_rounds(request: HttpRequest, survey: Survey):
    """All rounds, or the one chosen with ?round=; an unknown value is ignored."""
    chosen = request.GET.get("round", "")
    rounds = survey.rounds.exclude(status=RoundStatus.MISSED)
    # isascii(): "²".isdigit() is true but is no id (a 500 before this check).
    if chosen.isascii() and chosen.isdigit() and len(chosen) < 19 and rounds.filter(pk=chosen).exists():
        return [rounds.get(pk=chosen)], int(chosen)
    return None, None


@permission_required("surveys.view_results", raise_exception=True)
@require_safe
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    rounds, chosen = _selected_rounds(request, survey)
    round_rows = results.round_response_counts(survey)
    questions = {q.pk: q for q in survey.questions.all()}
    trend: dict[int, dict[int, float | None]] = {}
    tally = results.survey_tally(survey)  # every figure below adds up these counts
    for row in results.trend_by_round(survey, tally):
        trend.setdefault(row["question_id"], {})[row["round_id"]] = row["mean"]
    domains: dict[str, dict[int, float | None]] = {}
    for row in results.domain_scores([survey], tally):
        domains.setdefault(row["domain"], {})[row["round_id"]] = row["mean"]
    total = sum(r.invited_responses + r.shared_responses for r in round_rows)
    context = {
        "survey": survey,
        "rounds": round_rows,
        "chosen_round": chosen,
        "total_responses": shown(total, total),
        "question_results": results.question_results(survey, rounds, tally),
        "trend_rows": [
            {"question": questions[qid], "means": [by_round.get(r.pk) for r in round_rows]}
            for qid, by_round in trend.items()
            if qid in questions
        ],
        "domain_rows": [
            {"domain": Domain(domain).label, "means": [by_round.get(r.pk) for r in round_rows]}
            for domain, by_round in domains.items()
        ],
        "min_responses": min_responses(),
    }
    record_results_view(request, f"survey #{survey.pk}" + (f", round #{chosen}" if chosen else ""))
    return render(request, "surveys/results.html", context)


@permission_required("surveys.view_results", raise_exception=True)
@require_safe
def survey_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The aggregates only, as shown on the page: hidden cells stay hidden."""
    survey = get_object_or_404(Survey, pk=pk)
    rounds, _ = _selected_rounds(request, survey)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"survey-{survey.pk}-results.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["question", "domain", "respondents", "answer", "count", "share", "mean", "nps"])
    for result in results.question_results(survey, rounds):
        question = result.question
        base = [neutralise(question.text), question.get_domain_display()]
        if result.hidden:
            writer.writerow([*base, f"fewer than {min_responses()}", "", "", "", "", ""])
            continue
        for cell in result.cells:
            writer.writerow(
                [
                    *base,
                    result.respondents,
                    neutralise(cell.label),
                    "hidden" if cell.count is None else cell.count,
                    "" if cell.share is None else f"{cell.share:.3f}",
                    "" if result.mean is None else f"{result.mean:.2f}",
                    "" if result.nps is None else result.nps,
                ]
            )
    record_export(request, filename)
    return response


@permission_required("surveys.view_results", raise_exception=True)
@require_safe
def mirrored_questions(request: HttpRequest) -> HttpResponse:
    """The same question asked of participants, partners and staff, side by side."""
    table = results.mirrored()
    labels = dict(
        Question.objects.exclude(mirror_key="")
        .order_by("mirror_key", "survey__audience")
        .values_list("mirror_key", "text")
    )
    rows = [
        {
            "key": key,
            "text": labels.get(key, key),
            "cells": [by_audience.get(audience) for audience in Audience.values],
        }
        for key, by_audience in sorted(table.items())
    ]
    context = {"rows": rows, "audiences": Audience.choices, "min_responses": min_responses()}
    record_results_view(request, "mirrored questions (all surveys)")
    return render(request, "surveys/mirrored.html", context)
