"""Hypothesis against every form of the app: each field of each form found
on the app's pages (partners, the survey builder, schedules, rounds,
recipients and their CSV import, the respondent's page with its question
kinds, sign-in and password change), sent random text, huge numbers,
impossible dates, unicode, markup, SQL-ish and formula strings, very long
values, repeated keys and hostile files. Targets are found by reading the
app's pages (tests/security/fuzz_targets.py).

Properties, for every input: never a server error; a value outside a
field's options is refused with a 4xx; a refusal changes no row (except a
failed sign-in, which is audited on purpose); markup sent is never found
raw in the page.

Figures go to test-results/fuzz.json (with tests/security/test_fuzz_query_params.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from surveys.choices import QuestionKind, SendState
from surveys.models import Invitation, Question, Recipient
from tests.security.fuzz_strategies import csv_bytes, csv_text
from tests.security.fuzz_targets import (
    FUZZ_MARKS,
    FUZZ_SETTINGS,
    Tally,
    Target,
    crawl,
    fuzz,
    pages_to_crawl,
    problems_in,
    send,
)
from tests.security.test_authorization_matrix import expected_for
from tests.security.test_csrf import POST_ROUTES, actor

pytestmark = FUZZ_MARKS

# Forms every version of the app has; the crawl must find at least these.
KNOWN_FORMS = {
    "login",
    "password_change",
    "partners:organization_create",
    "partners:interaction_edit",
    "partners:delivery_create",
    "surveys:survey_create",
    "surveys:question_create",
    "surveys:schedule_edit",
    "surveys:round_unknown",
    "surveys:recipient_import",
    "surveys:respond",
    "surveys:respond_shared",
}
# Forms shown only in a state the crawl does not reach, and why. They are
# listed in fuzz.json as not reached; any other missing form fails the test.
STATE_DEPENDENT_FORMS = {
    "two_factor:disable": "shown only to a user who has set up a second factor",
    "two_factor:recovery_codes": "shown only to a user who has set up a second factor",
    # Its bad input is tested in tests/surveys/test_field_surveys.py.
    "surveys:respond_card": "shown only while the round has printed cards",
    # Their bad input is tested in tests/partners/test_merge.py and test_import.py.
    "partners:organization_merge": "shown only once the other partner is chosen",
    "partners:contact_merge": "shown only once the other contact is chosen",
    "partner_imports:confirm": "shown only on the preview of an uploaded file",
    "partner_imports:undo": "shown only after an import",
    # Its refusal (a tag still on partners) is tested in tests/partners/test_tags.py.
    "partners:tag_delete": "shown only for a tag no partner carries",
}


@pytest.fixture(scope="module")
def targets(dataset):
    """Three additions to the shared dataset, for this module only (its
    transaction is rolled back at its end): the survey asks one question of
    every kind, so each kind of answer field meets hostile input; and the
    sample invitation's sending is unknown, so the round's page shows the
    form that deals with it; and a question uses a word the language review
    flags, so the survey page shows the form that keeps it."""
    from tests import factories as f

    options = [{"en": "Weekly", "es": "Semanal"}, {"en": "<b>Monthly</b>", "es": ""}]
    for kind in QuestionKind.values:
        f.QuestionFactory(survey=dataset.survey, kind=kind, required=False, choices=options)
    Invitation.objects.filter(pk=dataset.invitation.pk).update(state=SendState.UNKNOWN)
    # A word the language review flags, so the survey page shows its "keep the word" form.
    f.QuestionFactory(survey=dataset.survey, kind=QuestionKind.SHORT_TEXT, text="Since the rescue, what helped?")
    return crawl(dataset)


@pytest.fixture(scope="module")
def tally(figures):
    found = Tally(not_reached_as="forms_not_reached")
    yield found
    found.into(figures)


def button_only(route) -> bool:
    """A URL that only takes a POST from a button on another page (405 to a GET)."""
    _, cells = expected_for(route)
    return cells[(actor(route), "GET")] == "405"


def test_every_url_that_takes_a_post_has_its_form_fuzzed(dataset, targets, tally):
    """Forms shown only in a state the crawl does not reach (half-way
    through a second sign-in step, say) are listed in fuzz.json."""
    crawled = {key for key, _, _ in pages_to_crawl(dataset)}
    app_posts = [route for route in POST_ROUTES if not route.is_admin]
    reachable = {route.key for route in app_posts if route.key in crawled or button_only(route)}
    reachable -= set(STATE_DEPENDENT_FORMS)
    tally.not_reached = sorted({route.key for route in app_posts} - reachable - set(targets.post))

    assert set(targets.post) >= KNOWN_FORMS
    missing = reachable - set(targets.post)
    assert not missing, f"URLs that take a POST but whose form was not found: {missing}"


def test_every_question_kind_is_on_the_respondents_page_fuzzed(dataset, targets):
    kinds = dict(Question.objects.filter(survey=dataset.survey).values_list("pk", "kind"))
    for key in ("surveys:respond", "surveys:respond_shared"):
        fuzzed = {kinds[int(name[1:])] for name in targets.post[key].fields if name[1:].isdigit()}
        assert fuzzed == set(QuestionKind.values), key


def test_no_form_input_breaks_a_page_or_reflects_markup(dataset, baseline, targets, tally):
    failures = []
    for key, target in sorted(targets.post.items()):
        try:
            fuzz(dataset, target, baseline, tally)
        except Exception as error:  # noqa: BLE001 - one target's failure must not hide the next one's
            failures.append(f"{key}: {error}")
    assert not failures, "\n".join(failures)


def test_csv_import_survives_any_file_and_saves_nothing_before_confirming(dataset, baseline, targets, tally):
    """Step one (the upload) only shows what would happen: whatever the file,
    no row is written. Step two (confirm) imports, or refuses with 400."""
    target: Target = targets.post["surveys:recipient_import"]
    url = reverse("surveys:recipient_import")
    audiences = target.fields["audience"].options

    @FUZZ_SETTINGS
    @given(audience=st.sampled_from(audiences), content=csv_bytes)
    def upload(audience, content):
        payload = {"audience": audience, "file": SimpleUploadedFile("people.csv", content, "text/csv")}
        response, changed = send(dataset, target, url, payload, baseline)
        problems = problems_in(target, response, payload, changed)
        tally.count(target, response, payload, problems)
        assert not problems, problems
        assert response.status_code in (200, 400), response.status_code
        assert not changed, "an upload wrote rows before it was confirmed"

    @FUZZ_SETTINGS
    @given(audience=st.sampled_from(audiences), text=csv_text)
    def confirm(audience, text):
        payload = {"audience": audience, "csv_text": text, "confirm": "True"}
        before = Recipient.objects.count()
        response, changed = send(dataset, target, url, payload, baseline)
        problems = problems_in(target, response, payload, changed)
        tally.count(target, response, payload, problems)
        assert not problems, problems
        assert response.status_code in (302, 400), response.status_code
        assert Recipient.objects.count() == before  # rolled back either way: the savepoint held

    upload()
    confirm()
