"""The survey builder: the list, a survey's page, editing, status, preview
and questions (adding, editing, moving, deleting)."""

import datetime

import pytest
from django.urls import reverse

from surveys.models import Question, Response, Schedule, Survey
from tests.factories import QuestionFactory, RoundFactory, ScheduleFactory, SurveyFactory

pytestmark = pytest.mark.django_db

ALL_KINDS = ["agreement", "likelihood", "yes_no", "single_choice", "multiple_choice", "short_text", "long_text"]


@pytest.fixture
def draft():
    survey = SurveyFactory(title="Draft check-in", status="draft")
    for position, text in enumerate(["First question", "Second question", "Third question"], start=1):
        QuestionFactory(survey=survey, position=position, text=text, text_es=f"{text} (es)")
    return survey


@pytest.fixture
def active():
    survey = SurveyFactory(title="Live check-in", status="active")
    QuestionFactory(survey=survey, text="Live question")
    return survey


def url(name: str, *args) -> str:
    return reverse(f"surveys:{name}", args=args)


def texts(survey: Survey) -> list[str]:
    return list(survey.questions.order_by("position", "id").values_list("text", flat=True))


def survey_data(**overrides) -> dict:
    data = {
        "title": "Check-in",
        "title_es": "Chequeo",
        "audience": "participants",
        "intro": "Your answers are anonymous.",
        "intro_es": "Tus respuestas son anónimas.",
        "anonymous": "on",
        "estimated_minutes": "5",
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


def question_data(**overrides) -> dict:
    data = {
        "kind": "agreement",
        "text": "Staff listen to me.",
        "text_es": "El personal me escucha.",
        "domain": "mastery",
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


# Who may do what


def page_urls(draft) -> dict[str, str]:
    question = draft.questions.first()
    return {
        "survey_list": url("survey_list"),
        "survey_detail": url("survey_detail", draft.pk),
        "survey_preview": url("survey_preview", draft.pk),
        "survey_create": url("survey_create"),
        "survey_edit": url("survey_edit", draft.pk),
        "question_create": url("question_create", draft.pk),
        "question_edit": url("question_edit", question.pk),
        "schedule_edit": url("schedule_edit", draft.pk),
    }


READS = {"survey_list", "survey_detail", "survey_preview"}


@pytest.mark.parametrize("who", ["manager_client", "admin_client_"])
def test_program_managers_and_administrators_open_every_page(request, draft, who):
    client = request.getfixturevalue(who)
    for name, page in page_urls(draft).items():
        assert client.get(page).status_code == 200, name


def test_leadership_reads_but_does_not_build(leader_client, draft):
    for name, page in page_urls(draft).items():
        assert leader_client.get(page).status_code == (200 if name in READS else 403), name


def test_outsider_sees_nothing(outsider_client, draft):
    for name, page in page_urls(draft).items():
        assert outsider_client.get(page).status_code == 403, name


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    for name, page in page_urls(draft).items():
        response = client.get(page)
        assert response.status_code == 302, name
        assert response.url.startswith("/accounts/login/"), name


def test_unknown_ids_are_404(manager_client, db):
    for name in ["survey_detail", "survey_edit", "survey_preview", "question_create", "schedule_edit"]:
        assert manager_client.get(url(name, 999999)).status_code == 404, name
    assert manager_client.get(url("question_edit", 999999)).status_code == 404
    for name in ["survey_status", "question_move", "question_delete"]:
        assert manager_client.post(url(name, 999999), {"action": "archive", "direction": "up"}).status_code == 404


@pytest.mark.parametrize("who", ["leader_client", "outsider_client", "csrf_manager_client"])
def test_refused_writes_change_nothing(request, draft, who):
    client = request.getfixturevalue(who)
    question = draft.questions.first()
    before = texts(draft)

    responses = [
        client.post(url("survey_create"), survey_data(title="Sneaky")),
        client.post(url("survey_edit", draft.pk), survey_data(title="Changed")),
        client.post(url("survey_status", draft.pk), {"action": "activate"}),
        client.post(url("question_create", draft.pk), question_data(text="Extra")),
        client.post(url("question_edit", question.pk), question_data(text="Changed")),
        client.post(url("question_move", question.pk), {"direction": "down"}),
        client.post(url("question_delete", question.pk)),
        client.post(url("schedule_edit", draft.pk), {"recurrence": "monthly"}),
    ]

    assert {r.status_code for r in responses} == {403}
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Draft check-in", "draft")
    assert texts(draft) == before
    assert not Survey.objects.filter(title="Sneaky").exists()
    assert not Schedule.objects.filter(survey=draft).exists()


# The list


def test_list_shows_surveys_with_their_figures(manager_client, draft):
    ScheduleFactory(survey=draft, next_run_at=draft.created_at.replace(year=2099, month=3, day=4))
    RoundFactory(survey=draft)

    response = manager_client.get(url("survey_list"))

    html = response.content.decode()
    row = next(r for r in response.context["table"].rows if r.record == draft)
    assert row.record.question_count == 3
    assert row.record.last_round_at is not None
    assert draft.get_absolute_url() in html
    assert "Paused" in html  # scheduled, but the survey is a draft
    assert "Wellbeing check-in" in html  # the starter surveys


def test_list_filters_by_audience_and_status(manager_client, draft, active):
    SurveyFactory(title="Staff pulse", audience="staff", status="draft")

    response = manager_client.get(url("survey_list"), {"audience": "participants", "status": "draft"})

    titles = [row.record.title for row in response.context["table"].rows]
    assert titles == ["Draft check-in"]


def test_a_bad_filter_is_a_400(manager_client, draft):
    assert manager_client.get(url("survey_list"), {"audience": "everyone"}).status_code == 400
    assert manager_client.get(url("survey_list"), {"per_page": "-1"}).status_code == 400


def test_list_costs_the_same_queries_for_3_and_30_surveys(manager_client, assert_constant_queries):
    def add_rows(n):
        for _ in range(n):
            survey = SurveyFactory()
            QuestionFactory.create_batch(2, survey=survey)
            ScheduleFactory(survey=survey)
            RoundFactory(survey=survey)

    assert_constant_queries(manager_client, url("survey_list"), "survey list", add_rows, few=3, many=30)


# Creating and editing a survey


def test_manager_creates_a_draft_survey(manager_client, db):
    response = manager_client.post(url("survey_create"), survey_data(status="active"))

    survey = Survey.objects.get(title="Check-in")
    assert response.status_code == 302 and response.url == survey.get_absolute_url()
    assert (survey.status, survey.anonymous, survey.title_es) == ("draft", True, "Chequeo")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"title": ""}, "title"), ({"audience": "donors"}, "audience"), ({"estimated_minutes": "0"}, "estimated_minutes")],
)
def test_bad_survey_input_is_refused(manager_client, assert_bad_input, overrides, field):
    before = Survey.objects.count()

    response = manager_client.post(url("survey_create"), survey_data(intro="Typed intro", **overrides))

    assert_bad_input(response, field)
    assert "Typed intro" in response.content.decode()
    assert Survey.objects.count() == before


def test_anonymous_cannot_change_once_people_answered(manager_client, active):
    Response.objects.create(round=RoundFactory(survey=active), submitted_on=datetime.date.today())

    response = manager_client.post(url("survey_edit", active.pk), survey_data(title="Renamed", anonymous=None))

    assert response.status_code == 302
    active.refresh_from_db()
    assert (active.title, active.anonymous) == ("Renamed", True)


def test_anonymous_and_audience_can_change_before_the_survey_is_used(manager_client, draft):
    manager_client.post(url("survey_edit", draft.pk), survey_data(anonymous=None, audience="staff"))

    draft.refresh_from_db()
    assert (draft.anonymous, draft.audience) == (False, "staff")


def test_audience_cannot_change_once_sent(manager_client, active):
    RoundFactory(survey=active)

    response = manager_client.post(url("survey_edit", active.pk), survey_data(audience="staff"))

    assert response.status_code == 302
    active.refresh_from_db()
    assert active.title == "Check-in"  # the rest of the form was saved
    assert active.audience == "participants"


# Status


def test_activate_archive_and_back_to_draft(manager_client, draft):
    schedule = ScheduleFactory(survey=draft, active=True)

    assert manager_client.post(url("survey_status", draft.pk), {"action": "activate"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active"

    manager_client.post(url("survey_status", draft.pk), {"action": "archive"})
    draft.refresh_from_db()
    schedule.refresh_from_db()
    assert (draft.status, schedule.active) == ("archived", False)

    manager_client.post(url("survey_status", draft.pk), {"action": "draft"})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_survey_without_questions_cannot_be_activated(manager_client):
    empty = SurveyFactory(status="draft")

    response = manager_client.post(url("survey_status", empty.pk), {"action": "activate"})

    assert response.status_code == 409
    assert "Add at least one question" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == "draft"


def test_a_sent_survey_cannot_go_back_to_draft(manager_client, active):
    RoundFactory(survey=active)

    response = manager_client.post(url("survey_status", active.pk), {"action": "draft"})

    assert response.status_code == 409
    active.refresh_from_db()
    assert active.status == "active"


def test_an_unknown_status_action_is_a_400(manager_client, draft):
    assert manager_client.post(url("survey_status", draft.pk), {"action": "delete"}).status_code == 400
    assert manager_client.get(url("survey_status", draft.pk)).status_code == 405
    draft.refresh_from_db()
    assert draft.status == "draft"


# The survey page and the preview


def test_detail_shows_questions_schedule_rounds_and_actions(manager_client, active):
    ScheduleFactory(survey=active)
    survey_round = RoundFactory(survey=active)

    html = manager_client.get(url("survey_detail", active.pk)).content.decode()

    assert "Live question" in html
    assert url("round_open", active.pk) in html and "Open a round now" in html
    assert url("survey_results", active.pk) in html
    assert survey_round.get_absolute_url() in html
    assert url("schedule_edit", active.pk) in html
    assert url("question_move", active.questions.first().pk) not in html  # locked: not a draft


def test_detail_of_a_draft_offers_reordering_and_editing(manager_client, leader_client, draft):
    question = draft.questions.first()

    manager_html = manager_client.get(url("survey_detail", draft.pk)).content.decode()
    leader_page = leader_client.get(url("survey_detail", draft.pk))
    assert leader_page.status_code == 200
    leader_html = leader_page.content.decode()
    assert "First question" in leader_html  # leadership sees the questions, without the buttons

    for page in [
        url("question_move", question.pk),
        url("question_edit", question.pk),
        url("question_delete", question.pk),
    ]:
        assert page in manager_html
        assert page not in leader_html


@pytest.fixture
def every_kind():
    survey = SurveyFactory(status="draft", anonymous=True)
    for kind in ALL_KINDS:
        choices = [{"en": f"{kind} A", "es": f"{kind} A es"}, {"en": f"{kind} B", "es": ""}]
        QuestionFactory(
            survey=survey,
            kind=kind,
            text=f"English {kind}",
            text_es=f"Español {kind}",
            choices=choices if "choice" in kind else [],
        )
    return survey


def test_preview_renders_every_kind_as_respondents_see_it(manager_client, every_kind):
    response = manager_client.get(url("survey_preview", every_kind.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "surveys/respond/survey.html"
    assert "Preview: this is exactly what people will see" in html
    for kind in ALL_KINDS:
        assert f"English {kind}" in html
    assert "Strongly agree" in html and "10 — extremely likely" in html
    assert "single_choice A" in html and "Prefer not to say" in html
    assert 'type="checkbox"' in html and "<textarea" in html


def test_spanish_preview_uses_the_spanish_text(manager_client, every_kind):
    html = manager_client.get(url("survey_preview", every_kind.pk), {"lang": "es"}).content.decode()

    assert "Español agreement" in html and "English agreement" not in html
    assert "single_choice A es" in html
    assert "single_choice B" in html  # no Spanish written: the English is shown
    assert every_kind.title_es in html


def test_preview_records_nothing(manager_client, every_kind):
    question = every_kind.questions.get(kind="agreement")

    response = manager_client.post(url("survey_preview", every_kind.pk), {f"q{question.pk}": "5", "action": "submit"})

    assert response.status_code == 200
    assert not question.answers.exists()


# Questions


def test_new_questions_go_to_the_end(manager_client, draft):
    response = manager_client.post(url("question_create", draft.pk), question_data(text="Fourth question"))

    assert response.status_code == 302
    assert texts(draft)[-1] == "Fourth question"
    assert Question.objects.get(text="Fourth question").position == 4


def test_choices_are_read_one_a_line(manager_client, draft):
    data = question_data(kind="single_choice", choices="Every week | Cada semana\n\nEvery month|Cada mes\nNever")

    manager_client.post(url("question_create", draft.pk), data)

    assert Question.objects.get(text="Staff listen to me.").choices == [
        {"en": "Every week", "es": "Cada semana"},
        {"en": "Every month", "es": "Cada mes"},
        {"en": "Never", "es": ""},
    ]


def test_editing_a_question_shows_its_choices_as_text(manager_client, draft):
    question = QuestionFactory(
        survey=draft, kind="single_choice", choices=[{"en": "A", "es": "Á"}, {"en": "B", "es": ""}]
    )

    html = manager_client.get(url("question_edit", question.pk)).content.decode()

    assert "A | Á\nB</textarea>" in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": ""}, "text"),
        ({"kind": "ranking"}, "kind"),
        ({"kind": "single_choice", "choices": "Only one"}, "choices"),
        ({"kind": "multiple_choice", "choices": ""}, "choices"),
        ({"kind": "yes_no", "choices": "Yes | Sí\nNo | No"}, "choices"),
        ({"kind": "single_choice", "choices": "| Sin inglés\nB"}, "choices"),
        ({"mirror_key": "not a slug!"}, "mirror_key"),
    ],
)
def test_bad_question_input_is_refused(manager_client, draft, assert_bad_input, overrides, field):
    before = texts(draft)

    response = manager_client.post(url("question_create", draft.pk), question_data(help_text="Typed hint", **overrides))

    assert_bad_input(response, field)
    assert "Typed hint" in response.content.decode()
    assert texts(draft) == before


def test_mirrored_questions_must_be_the_same_kind(manager_client, draft, assert_bad_input):
    QuestionFactory(survey=SurveyFactory(audience="staff"), mirror_key="respect", kind="agreement")

    response = manager_client.post(url("question_create", draft.pk), question_data(kind="yes_no", mirror_key="respect"))

    assert_bad_input(response, "mirror_key")


def test_question_is_edited(manager_client, draft):
    question = draft.questions.first()

    manager_client.post(url("question_edit", question.pk), question_data(text="Better words", required="on"))

    question.refresh_from_db()
    assert (question.text, question.required, question.position) == ("Better words", True, 1)


@pytest.mark.parametrize(
    ("index", "direction", "expected"),
    [
        (0, "down", ["Second question", "First question", "Third question"]),
        (2, "up", ["First question", "Third question", "Second question"]),
        (0, "up", ["First question", "Second question", "Third question"]),  # already first
        (2, "down", ["First question", "Second question", "Third question"]),  # already last
    ],
)
def test_questions_move_up_and_down(manager_client, draft, index, direction, expected):
    question = list(draft.questions.order_by("position"))[index]

    response = manager_client.post(url("question_move", question.pk), {"direction": direction})

    assert response.status_code == 302
    assert response.url == f"{draft.get_absolute_url()}#question-{question.pk}"
    assert texts(draft) == expected


def test_moving_works_when_positions_are_tied(manager_client, draft):
    draft.questions.update(position=0)
    last = draft.questions.order_by("id").last()

    manager_client.post(url("question_move", last.pk), {"direction": "up"})

    assert texts(draft) == ["First question", "Third question", "Second question"]


def test_a_bad_direction_is_a_400(manager_client, draft):
    question = draft.questions.first()

    assert manager_client.post(url("question_move", question.pk), {"direction": "sideways"}).status_code == 400
    assert texts(draft)[0] == "First question"


def test_question_is_deleted_from_a_draft(manager_client, draft):
    question = draft.questions.first()

    response = manager_client.post(url("question_delete", question.pk))

    assert response.status_code == 302
    assert texts(draft) == ["Second question", "Third question"]
    assert manager_client.get(url("question_delete", question.pk)).status_code == 405


@pytest.mark.parametrize("status", ["active", "archived"])
def test_questions_are_locked_unless_draft(manager_client, status):
    survey = SurveyFactory(status=status)
    question = QuestionFactory(survey=survey, text="Locked", position=1)
    QuestionFactory(survey=survey, text="Also locked", position=2)

    responses = [
        manager_client.get(url("question_create", survey.pk)),
        manager_client.post(url("question_create", survey.pk), question_data(text="New")),
        manager_client.post(url("question_move", question.pk), {"direction": "down"}),
        manager_client.post(url("question_delete", question.pk)),
    ]

    assert {r.status_code for r in responses} == {409}
    assert "Questions can only change while the survey is a draft" in responses[-1].content.decode()
    assert texts(survey) == ["Locked", "Also locked"]
    # Only the words can be fixed (test_the_wording_of_a_sent_survey_can_be_fixed_and_nothing_else).
    kind = question.kind
    changed = manager_client.post(url("question_edit", question.pk), question_data(text="Locked", kind="long_text"))
    assert changed.status_code == 302
    question.refresh_from_db()
    assert question.kind == kind != "long_text"


def test_builder_forms_need_the_csrf_token(csrf_manager_client, draft):
    # test_refused_writes_change_nothing posts every form without a token;
    # here the same client, given a token, gets through.
    page = csrf_manager_client.get(url("question_create", draft.pk))
    token = page.cookies["csrftoken"].value

    response = csrf_manager_client.post(
        url("question_create", draft.pk), question_data(text="With token", csrfmiddlewaretoken=token)
    )

    assert response.status_code == 302
    assert texts(draft)[-1] == "With token"


def test_the_wording_of_a_sent_survey_can_be_fixed_and_nothing_else(manager_client, django_capture_on_commit_callbacks):
    """A Spanish typo on an active survey is fixed in place: the kind and
    choices stay; the respondent's page shows the fix at once; history kept."""
    from django.test import Client

    from surveys.models import InvitationToken
    from surveys.services.rounds import open_round
    from surveys.tokens import new_token
    from tests.factories import InvitationFactory, QuestionFactory, SurveyFactory

    survey = SurveyFactory(status="active", anonymous=True)
    question = QuestionFactory(survey=survey, kind="yes_no", text="Was it welcomming?", text_es="¿Fue acojedor?")
    survey_round = open_round(survey)
    invitation = InvitationFactory(round=survey_round)
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    assert "¿Fue acojedor?" in Client().get(reverse("surveys:respond", args=[raw]) + "?lang=es").content.decode()
    edit = reverse("surveys:question_edit", args=[question.pk])
    page = manager_client.get(edit).content.decode()
    assert "only the words can change here" in page and 'name="kind"' not in page
    saved = manager_client.post(
        edit, {"text": "Was it welcoming?", "text_es": "¿Fue acogedor?", "kind": "long_text", "help_text": ""}
    )
    assert saved.status_code == 302
    question.refresh_from_db()
    assert (question.text_es, question.kind) == ("¿Fue acogedor?", "yes_no")
    assert question.history.count() == 2
    assert "¿Fue acogedor?" in Client().get(reverse("surveys:respond", args=[raw]) + "?lang=es").content.decode()
    assert manager_client.post(edit, {"text": "", "text_es": ""}).status_code == 400
