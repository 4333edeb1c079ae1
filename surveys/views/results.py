"""Results for program managers and leadership: released units only (see
docs/privacy.md and services/releases.py), with participation counts
beside them."""

import csv

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from audit.trail import record_export, record_results_view
from core.exports import neutralise
from core.query_values import parse_id

from ..choices import Audience, Domain
from ..forms.releases import PoolForm
from ..models import Survey
from ..services import outcomes, releases, results
from ..services.tallies import Tally
from ..services.versions import family


def _chosen_units(request: HttpRequest, tally: Tally) -> tuple[results.Column | None, tuple[int, ...] | None]:
    """What ?round= asks for: (None, None) for every released unit; the
    column of a released round and its units; or (None, ()) for a round
    that is not released (or no round at all), which shows nothing rather
    than something else under its name."""
    chosen = request.GET.get("round", "")
    if not chosen:
        return None, None
    round_id = parse_id(chosen)
    column = results.column_of_round(tally, round_id) if round_id is not None else None
    if column is not None:
        return column, column.units
    return None, ()


@permission_required("surveys.view_results", raise_exception=True)
@require_safe
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    versions = family(survey)
    tally = results.survey_tally(survey, versions)  # every figure below adds up these counts
    columns = results.columns(tally)
    chosen, units = _chosen_units(request, tally)
    trend = results.trend_by_column(tally)
    domains: dict[str, dict[int, float]] = {}
    for row in results.domain_scores(tally):
        domains.setdefault(row["domain"], {})[row["column"].key] = row["mean"]
    held = releases.held_rounds(survey) if request.user.has_perm("surveys.add_release") else []
    questions = list(survey.questions.order_by("position", "id"))
    context = {
        "survey": survey,
        "versions": versions if len(versions) > 1 else [],
        "rounds": outcomes.round_outcomes(versions),
        "columns": columns,
        "chosen": chosen,
        "not_released": units == (),
        "released_responses": sum(info.responses for info in tally.units.values()),
        "question_results": results.question_results(survey, tally, units, questions),
        "trend_rows": [
            {"question": question, "means": [trend[question.pk].get(c.key) for c in columns]}
            for question in questions
            if question.pk in trend
        ]
        + [
            # Asked in another version only: under its own words.
            {"question": tally.questions[pk], "other_version": True, "means": [by_column.get(c.key) for c in columns]}
            for pk, by_column in trend.items()
            if pk not in {question.pk for question in questions}
        ],
        "domain_rows": [
            {"domain": Domain(domain).label, "means": [by_column.get(c.key) for c in columns]}
            for domain, by_column in domains.items()
        ],
        "pool_form": PoolForm(held) if len(held) > 1 else None,
    }
    record_results_view(request, f"survey #{survey.pk}" + (f", round #{chosen.key}" if chosen else ""))
    return render(request, "surveys/results.html", context)


@permission_required("surveys.view_results", raise_exception=True)
@require_safe
def survey_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The released figures only, as shown on the page."""
    survey = get_object_or_404(Survey, pk=pk)
    tally = results.survey_tally(survey, family(survey))
    _, units = _chosen_units(request, tally)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"survey-{survey.pk}-results.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["question", "domain", "respondents", "answer", "count", "share", "mean", "nps", "share yes"])
    for result in results.question_results(survey, tally, units):
        question = result.question
        base = [neutralise(question.text), question.get_domain_display()]
        if not result.shown:
            writer.writerow([*base, "not released", "", "", "", "", "", ""])
            continue
        headline = [
            "" if result.mean is None else f"{result.mean:.2f}",
            "" if result.nps is None else result.nps,
            "" if result.share_yes is None else f"{result.share_yes:.3f}",
        ]
        for text in result.texts:
            writer.writerow([*base, result.respondents, neutralise(text), "", "", "", "", ""])
        for cell in result.cells:
            writer.writerow(
                [*base, result.respondents, neutralise(cell.label), cell.count, f"{cell.share:.3f}", *headline]
            )
    record_export(request, filename)
    return response


@permission_required("surveys.view_results", raise_exception=True)
@require_safe
def mirrored_questions(request: HttpRequest) -> HttpResponse:
    """The same question asked of participants, partners and staff, side by
    side, over every released unit."""
    rows = [
        {**entry, "cells": [entry["means"].get(audience) for audience in Audience.values]}
        for entry in results.mirrored(results.all_released_tally())
    ]
    context = {"rows": rows, "audiences": Audience.choices}
    record_results_view(request, "mirrored questions (all surveys)")
    return render(request, "surveys/mirrored.html", context)
