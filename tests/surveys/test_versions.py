"""A sent survey changed as a new version, copies, and starter surveys
(services/versions.py): the draft, its take-over of the schedule and the
short address, and results and trends that run on across versions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.models import Question, RecipientGroup, Schedule, Survey
from surveys.services import results, versions
from surveys.services.short_address import short_code_of
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory
from tests.surveys.releasing import record, release, spread

pytestmark = pytest.mark.django_db

AGO = timezone.now() - datetime.timedelta(days=60)


@pytest.fixture
def sent():
    """A survey sent once: an agreement question, a choice question and a
    question the next version drops; its round closed and released."""
    survey = SurveyFactory(status="active", title="Check-in", audience="participants")
    kept = QuestionFactory(survey=survey, kind="agreement", text="I feel safe here", position=1)
    choice = QuestionFactory(
        survey=survey, kind="single_choice", text="When", position=2, choices=[{"en": "Day"}, {"en": "Night"}]
    )
    dropped = QuestionFactory(survey=survey, kind="agreement", text="The food is good", position=3)
    first = RoundFactory(survey=survey, opened_at=AGO)
    record(first, kept, spread({2: 5, 3: 5}))
    record(first, choice, spread({0: 4, 1: 6}))
    record(first, dropped, spread({4: 10}))
    release(first)
    return survey


def test_a_new_version_is_a_draft_whose_questions_continue_the_old_ones(sent):
    group = RecipientGroup.objects.create(name="Night drop-in", audience="participants")
    sent.groups.add(group)
    draft = versions.draft_version(sent)
    assert (draft.status, draft.version, draft.version_of, draft.title) == ("draft", 2, sent, "Check-in")
    assert (draft.audience, draft.anonymous) == (sent.audience, sent.anonymous)
    assert list(draft.groups.all()) == [group]
    pairs = [(q.text, q.asked_before.text) for q in draft.questions.order_by("position")]
    assert pairs == [("I feel safe here",) * 2, ("When",) * 2, ("The food is good",) * 2]
    assert versions.family(draft) == [sent, draft] == versions.family(sent)


def test_a_new_version_is_refused_before_a_round_and_when_a_later_one_exists(sent):
    with pytest.raises(versions.VersionRefused, match="not been sent"):
        versions.draft_version(SurveyFactory(status="active"))
    versions.draft_version(sent)
    with pytest.raises(versions.VersionRefused, match="Version 2 of this survey already exists"):
        versions.draft_version(sent)


def test_a_version_keeps_its_audience_and_anonymity(sent, manager_client):
    draft = versions.draft_version(sent)
    draft.anonymous = False
    with pytest.raises(ValidationError, match="keeps the audience and the anonymity"):
        draft.save()
    draft.refresh_from_db()
    url = reverse("surveys:survey_edit", args=[draft.pk])
    posted = {"title": "Check-in v2", "title_es": "", "intro": "", "intro_es": "", "estimated_minutes": 5}
    manager_client.post(url, posted | {"audience": "staff", "anonymous": ""})
    draft.refresh_from_db()
    assert (draft.title, draft.audience, draft.anonymous) == ("Check-in v2", "participants", True)


def _activate(survey: Survey) -> None:
    survey.status = "active"
    survey.save()


def test_activating_a_version_waits_for_the_open_round_of_the_one_before(sent, manager_client):
    still_open = RoundFactory(survey=sent)
    draft = versions.draft_version(sent)
    assert "round of the version before" in str(draft.refusal_to_become("active"))
    page = manager_client.post(reverse("surveys:survey_status", args=[draft.pk]), {"action": "activate"})
    assert page.status_code == 409
    assert "round of the version before this one is still open" in page.content.decode()
    release(still_open)
    assert draft.refusal_to_become("active") == ""


def test_the_active_version_takes_the_schedule_and_the_short_address(sent, client):
    schedule = Schedule.objects.create(survey=sent, recurrence="quarterly", next_run_at=timezone.now(), active=True)
    code = short_code_of(sent)
    draft = versions.draft_version(sent)
    _activate(draft)
    sent.refresh_from_db()
    schedule.refresh_from_db()
    assert sent.status == "archived" and sent.short_code is None
    assert schedule.survey == draft and schedule.active
    assert Survey.objects.get(pk=draft.pk).short_code == code
    # The printed poster's address answers the new version's round.
    draft.questions.update(text="Asked in version 2")
    RoundFactory(survey=draft, shared_token_hash="x" * 64)
    page = client.get(reverse("surveys:respond_short", args=[code]))
    assert page.status_code == 200 and "Asked in version 2" in page.content.decode()


def test_results_run_on_across_versions_by_the_question_each_continues(sent, leader_client):
    draft = versions.draft_version(sent)
    kept = draft.questions.get(text="I feel safe here")
    kept.text = "I feel safe at the drop-in"  # reworded: still the same question
    kept.save()
    choice = draft.questions.get(text="When")
    choice.choices = [{"en": "Morning"}, {"en": "Afternoon"}, {"en": "Night"}]  # answers mean something else now
    choice.save()
    draft.questions.get(text="The food is good").delete()
    added = QuestionFactory(survey=draft, kind="agreement", text="I was listened to", position=4)
    _activate(draft)
    second = RoundFactory(survey=draft, opened_at=timezone.now() - datetime.timedelta(days=5))
    record(second, kept, spread({5: 10}))
    record(second, choice, spread({2: 10}))
    record(second, added, spread({4: 10}))
    release(second)

    page = leader_client.get(reverse("surveys:survey_results", args=[draft.pk]))
    assert page.status_code == 200
    by_text = {r.question.text: r for r in page.context["question_results"]}
    assert by_text["I feel safe at the drop-in"].respondents == 20  # 10 in each version
    assert by_text["I feel safe at the drop-in"].mean == pytest.approx((2 * 5 + 3 * 5 + 5 * 10) / 20)
    assert by_text["When"].respondents == 10  # the old "When" is not added to the new one
    trend = {row["question"].text: row["means"] for row in page.context["trend_rows"]}
    assert trend["I feel safe at the drop-in"] == [2.5, 5.0]
    assert trend["The food is good"] == [4.0, None]  # asked in version 1 only
    assert trend["I was listened to"] == [None, 4.0]
    html = page.content.decode()
    assert "asked in another version" in html and "version 1" in html and "version 2" in html


def test_the_old_version_shows_the_same_rounds_under_its_own_questions(sent, leader_client):
    draft = versions.draft_version(sent)
    _activate(draft)
    second = RoundFactory(survey=draft)
    record(second, draft.questions.get(text="I feel safe here"), spread({4: 10}))
    release(second)
    page = leader_client.get(reverse("surveys:survey_results", args=[sent.pk]))
    by_text = {r.question.text: r for r in page.context["question_results"]}
    assert by_text["I feel safe here"].respondents == 20
    assert len(page.context["rounds"]) == 2


def test_free_text_answers_of_both_versions_are_listed_once(leader_client):
    survey = SurveyFactory(status="active")
    ideas = QuestionFactory(survey=survey, kind="short_text", text="Ideas")
    first = RoundFactory(survey=survey, opened_at=AGO)
    record(first, ideas, [f"old idea {n}" for n in range(5)])
    release(first)
    draft = versions.draft_version(survey)
    _activate(draft)
    second = RoundFactory(survey=draft)
    record(second, draft.questions.get(), [f"new idea {n}" for n in range(5)])
    release(second)
    (result,) = results.question_results(draft, results.survey_tally(draft, versions.family(draft)))
    assert sorted(result.texts) == sorted([f"old idea {n}" for n in range(5)] + [f"new idea {n}" for n in range(5)])


def test_the_results_page_costs_the_same_queries_over_more_versions(sent, manager_client, record_query_counts):
    def queries(survey) -> int:
        url = reverse("surveys:survey_results", args=[survey.pk])
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(url).status_code == 200
        return len(captured)

    latest = versions.draft_version(sent)
    _activate(latest)
    two = queries(latest)
    for _ in range(3):
        survey_round = RoundFactory(survey=latest)
        record(survey_round, latest.questions.first(), spread({3: 5}))
        release(survey_round)
        latest = versions.draft_version(latest)
        _activate(latest)
    five = queries(latest)
    record_query_counts("survey results (2 / 5 versions)", two, five)
    assert two == five


def test_copying_a_survey_makes_an_unlinked_draft(sent, manager_client):
    page = manager_client.get(reverse("surveys:survey_copy", args=[sent.pk]))
    assert page.status_code == 200 and page.context["form"].initial["title"] == "Check-in (copy)"
    assert manager_client.post(reverse("surveys:survey_copy", args=[sent.pk]), {"title": ""}).status_code == 400
    page = manager_client.post(reverse("surveys:survey_copy", args=[sent.pk]), {"title": "Night check-in"})
    copy = Survey.objects.get(title="Night check-in")
    assert page.status_code == 302 and page["Location"] == copy.get_absolute_url()
    assert (copy.status, copy.version, copy.version_of, copy.rounds.count()) == ("draft", 1, None, 0)
    assert [q.text for q in copy.questions.order_by("position")] == ["I feel safe here", "When", "The food is good"]
    assert not Question.objects.filter(survey=copy, asked_before__isnull=False).exists()


def test_a_new_survey_can_start_from_each_starter_survey(manager_client):
    page = manager_client.get(reverse("surveys:survey_create"))
    starters = page.context["starters"]
    assert {s.audience for s in starters} == {"participants", "partners", "staff"}
    for starter in starters:
        assert reverse("surveys:survey_copy", args=[starter.pk]) in page.content.decode()
        made = manager_client.post(reverse("surveys:survey_copy", args=[starter.pk]), {"title": starter.title})
        assert made.status_code == 302
    assert Survey.objects.filter(status="draft", starter=False).count() == 3


def test_the_starters_offered_are_their_latest_sent_versions(manager_client):
    starter = Survey.objects.get(starter=True, audience="staff")
    QuestionFactory(survey=starter)
    starter.status = "active"
    starter.save()
    RoundFactory(survey=starter)
    draft = versions.draft_version(starter)
    assert starter in versions.starters()  # the draft is not offered
    draft.status = "active"
    Survey.objects.filter(pk=starter.pk).update(status="archived")
    starter.rounds.update(status="closed", closed_at=timezone.now())
    draft.save()
    assert draft in versions.starters() and starter not in versions.starters()


def test_the_version_pages(sent, manager_client, leader_client):
    page = manager_client.get(sent.get_absolute_url())
    assert reverse("surveys:survey_new_version", args=[sent.pk]) in page.content.decode()
    confirm = manager_client.get(reverse("surveys:survey_new_version", args=[sent.pk]))
    assert confirm.status_code == 200 and b"Draft the new version" in confirm.content
    made = manager_client.post(reverse("surveys:survey_new_version", args=[sent.pk]))
    draft = Survey.objects.get(version_of=sent)
    assert made["Location"] == draft.get_absolute_url()
    again = manager_client.post(reverse("surveys:survey_new_version", args=[sent.pk]), follow=True)
    assert "Version 2 of this survey already exists" in again.content.decode()
    page = manager_client.get(sent.get_absolute_url()).content.decode()
    assert reverse("surveys:survey_new_version", args=[sent.pk]) not in page  # the draft is the one to change
    assert draft.get_absolute_url() in page
    for url in (reverse("surveys:survey_new_version", args=[sent.pk]), reverse("surveys:survey_copy", args=[sent.pk])):
        assert leader_client.get(url).status_code == 403
        assert leader_client.post(url, {"title": "x"}).status_code == 403
    assert Survey.objects.count() == 1 + 3 + 1  # sent, the starters, its draft


def test_the_survey_list_names_each_version(sent, manager_client):
    draft = versions.draft_version(sent)
    html = manager_client.get(reverse("surveys:survey_list")).content.decode()
    assert f'<a href="{draft.get_absolute_url()}">Check-in <span class="hint">version 2</span></a>' in html
