"""The attacker's tools: a clock that only moves forward and runs the beat on
the way, surveys whose answers say whether they may be shown, and people who
answer through the public pages, each from a fresh browser.

Everything the new design decides (how long after closing a round is
released, how responses are recorded, how invitations are marked answered)
is reached only through views, URLs, periodic tasks and the database, so the
same attacks run against today's code and the redesign. The assumptions about
the new design's timing are the constants below, in one place."""

import datetime
import itertools
import re

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation, InvitationToken, Round, Survey
from surveys.services.rounds import open_round
from surveys.tokens import new_token, shared_token
from tests.factories import ContactFactory, InvitationFactory, QuestionFactory, SurveyFactory

from .forms import forms_in, submission

# --- assumptions about the new design (adjust here) ----------------------------

# When the beat is given a chance after a round closes: "a few minutes after
# closing, then up to 3 days of review for units with free text".
AFTER_CLOSING = (datetime.timedelta(minutes=1), datetime.timedelta(minutes=10), datetime.timedelta(days=10))
# The clock starts here (a Monday noon, UTC: no date ever straddles midnight).
START = datetime.datetime(2025, 1, 6, 12, 0, tzinfo=datetime.UTC)
# Rounds of one scenario open this far apart (each closes after 21 days).
ROUND_GAP = datetime.timedelta(days=35)


def k() -> int:
    return settings.SURVEY_MIN_RESPONSES


def k_shared() -> int:
    return getattr(settings, "SURVEY_MIN_SHARED_RESPONSES", 10)


def released_by(survey_round: Round) -> datetime.datetime:
    """A moment by which a closed round that may be released has been."""
    return survey_round.closes_at + AFTER_CLOSING[-1] + datetime.timedelta(hours=1)


# --- the beat --------------------------------------------------------------------


def run_every_periodic_task() -> None:
    """Every task of the beat schedule, once, in this process (tasks are eager in tests)."""
    from crm.celery import app

    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        result = app.tasks[entry["task"]].apply()
        if result.failed():
            raise AssertionError(f"periodic task {name} failed: {result.result!r}")


class Beat:
    """Moves the clock forward to `moment`, running every periodic task just
    after each round's closing time, 10 minutes after and 10 days after
    (AFTER_CLOSING) on the way, and at `moment` itself."""

    def __init__(self, traveller):
        self.traveller = traveller

    def until(self, moment: datetime.datetime) -> None:
        now = timezone.now()
        assert moment >= now, f"the clock only moves forward ({now} -> {moment})"
        closing = Round.objects.filter(closes_at__lte=moment).values_list("closes_at", flat=True)
        stops = {closes + after for closes in closing for after in AFTER_CLOSING}
        for stop in sorted({stop for stop in stops if now < stop < moment} | {moment}):
            self.traveller.move_to(stop)
            run_every_periodic_task()


# --- surveys whose answers say whether they may be shown ----------------------------

TOP = {"agreement": "5", "likelihood": "10", "yes_no": "1"}
BOTTOM = {"agreement": "1", "likelihood": "0", "yes_no": "0"}
TEXT_KINDS = ("short_text", "long_text")
CANARY_TEXT = re.compile(r"CANARY-[A-Za-z0-9-]+")


def canary_survey(audience: str = "participants", *, anonymous: bool = True, title: str = "") -> Survey:
    """An active survey with one question of each kind a figure is drawn from:
    agreement (a wellbeing domain, mirrored), 0-10 (mirrored), yes/no and text."""
    title = title or f"Check-in for {audience}"
    survey = SurveyFactory(audience=audience, anonymous=anonymous, status="active", title=title)
    QuestionFactory(
        survey=survey, kind="agreement", domain="safety", mirror_key="respect", text=f"{title}: treated with respect"
    )
    QuestionFactory(survey=survey, kind="likelihood", mirror_key="recommend", text=f"{title}: would recommend us")
    QuestionFactory(survey=survey, kind="yes_no", text=f"{title}: felt safe coming in")
    QuestionFactory(survey=survey, kind="short_text", text=f"{title}: anything else")
    return survey


def answer_fields(survey, text: str, *, allowed: bool) -> dict[str, str]:
    """The form fields of one response: every scale at its top value and yes
    (allowed to appear), or at its bottom and no (must never appear)."""
    values = TOP if allowed else BOTTOM
    fields = {}
    for question in survey.questions.all():
        if question.kind in values:
            fields[f"q{question.pk}"] = values[question.kind]
        elif question.kind in TEXT_KINDS:
            fields[f"q{question.pk}"] = text
    return fields


def submit(url: str, fields: dict[str, str], language: str = "en", *, must_record: bool = True) -> bool:
    """Opens `url` in a fresh browser (cookies, CSRF checked) and sends the
    answers with the form's own hidden fields. A recorded answer redirects;
    returns whether it did (for attacks the site may refuse)."""
    cache.clear()  # rate-limit counters: a fresh browser, and as far as the limit knows, a fresh address
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url)
    if page.status_code != 200 and not must_record:
        return False
    assert page.status_code == 200, (url, page.status_code)
    posting = [form for form in forms_in(page.content.decode()) if form.method == "post"]
    answering = [form for form in posting if any(form.has_field(name) for name in fields)]
    form = (answering or posting)[0]
    data = submission(form, submit={"action": "submit"} if form.has_button("action") else None)
    data.update({name: [value] for name, value in {**fields, "language": language}.items()})
    posted = browser.post(url, data)
    recorded = posted.status_code in (302, 303)
    assert recorded or not must_record, (url, posted.status_code, posted.content[:800])
    return recorded


class Crowd:
    """The people behind the answers. Remembers which invitations it used
    (the new design may mark them answered only later) and numbers every
    text answer, so that each one can be told apart."""

    def __init__(self):
        self.used: set[int] = set()
        self.serial = itertools.count(1)

    def open_round(self, survey, invite: int = 8) -> Round:
        """A round of `survey` opened now (by the service a manager's button
        calls), topped up to at least `invite` invitations."""
        survey_round = open_round(survey)
        for _person in range(invite - Invitation.objects.filter(round=survey_round).count()):
            if survey.audience == "partners":
                InvitationFactory(round=survey_round, recipient=None, contact=ContactFactory())
            else:
                InvitationFactory(round=survey_round)
        return survey_round

    def text(self, canary: str | None, tag: str = "") -> str:
        number = next(self.serial)
        if canary:
            return f"CANARY-{canary}-{number}"
        return f"released-ok-{tag}-{number}" if tag else f"released-ok-{number}"

    def private_link(self, invitation: Invitation) -> str:
        raw, token_hash = new_token()
        InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
        return reverse("surveys:respond", args=[raw])

    def next_invitation(self, survey_round: Round) -> Invitation:
        invitations = Invitation.objects.filter(round=survey_round).exclude(pk__in=self.used).order_by("pk")
        invitation = invitations.first()
        assert invitation is not None, f"round {survey_round.pk} has nobody left to answer"
        self.used.add(invitation.pk)
        return invitation

    def answer_invited(self, survey_round: Round, *, canary: str | None = None, tag: str = "", language="en") -> str:
        """One invited person answers by their private link. Returns the text they wrote."""
        text = self.text(canary, tag)
        link = self.private_link(self.next_invitation(survey_round))
        submit(link, answer_fields(survey_round.survey, text, allowed=canary is None), language)
        return text

    def answer_shared(self, link: str, survey, *, canary: str | None = None, tag: str = "") -> bool:
        """Someone answers through the shared link (poster), from a fresh
        browser. Returns whether the answer was taken (the site may refuse)."""
        text = self.text(canary, tag)
        return submit(link, answer_fields(survey, text, allowed=canary is None), must_record=False)


def shared_link_from_poster(manager: Client, survey_round: Round) -> str:
    """The shared link as an insider reads it off the round's poster (the
    derived token if the poster shows none)."""
    poster = manager.get(reverse("surveys:round_poster", args=[survey_round.pk]))
    found = re.search(r"https?://[^\s\"'<>]*?(/s/shared/[^\s\"'<>/]+/)", poster.content.decode())
    return found.group(1) if found else reverse("surveys:respond_shared", args=[shared_token(survey_round.pk)])


def rounds_in_turn(crowd: Crowd, run_the_beat_until, surveys: list, plan: list[tuple[int, bool]]) -> list[list[Round]]:
    """For each (responses, allowed) of `plan`, in turn, a round of every
    survey: opened ROUND_GAP after the last, answered the next day by that
    many invited people (CANARY answers when not allowed), closed 21 days
    after opening. Ends once every round has had its chance to be released.
    Returns the rounds, plan step by plan step."""
    rounds = []
    for step, (responses, allowed) in enumerate(plan):
        run_the_beat_until(START + step * ROUND_GAP)
        opened = [crowd.open_round(survey, invite=max(8, responses + 2)) for survey in surveys]
        run_the_beat_until(timezone.now() + datetime.timedelta(days=1))
        for survey_round in opened:
            for _person in range(responses):
                crowd.answer_invited(survey_round, canary=None if allowed else f"held{step}")
        rounds.append(opened)
    run_the_beat_until(max(released_by(r) for step in rounds for r in step))
    return rounds


def looking_as(user) -> Client:
    """A browser logged in now: sessions last 8 hours and the clock moves by
    weeks, so every look at the surfaces logs in afresh."""
    browser = Client()
    browser.force_login(user)
    return browser
