"""A survey that has had a round cannot switch between anonymous and named.

People were invited on the promise the survey made when its round opened:
switching a named survey to anonymous would mix named answers into
"anonymous" results, and switching an anonymous survey to named would
attach names to the next round of a survey people trust as anonymous. Tried
as a program manager would, through the survey builder's edit form, and as
an administrator would, through the Django admin's change form, each
posting everything the page's form holds with only the anonymity changed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Survey

from .attacks import canary_survey, looking_as
from .forms import forms_in, submission

pytestmark = pytest.mark.django_db

THROUGH = {
    "builder": ("program_manager", "surveys:survey_edit", {}),
    "admin": ("administrator", "admin:surveys_survey_change", {"_save": "Save"}),
}


@pytest.mark.parametrize("answered", [False, True], ids=["no-answer-yet", "answered"])
@pytest.mark.parametrize("was_anonymous", [True, False], ids=["anonymous-to-named", "named-to-anonymous"])
@pytest.mark.parametrize("through", sorted(THROUGH))
def test_a_survey_that_had_a_round_keeps_its_anonymity(
    request, through, was_anonymous, answered, crowd, run_the_beat_until
):
    run_the_beat_until(timezone.now())
    survey = canary_survey("participants", anonymous=was_anonymous)
    survey_round = crowd.open_round(survey, invite=3)
    if answered:
        crowd.answer_invited(survey_round)
    role, url_name, button = THROUGH[through]
    browser = looking_as(request.getfixturevalue(role))
    url = reverse(url_name, args=[survey.pk])

    page = browser.get(url)
    assert page.status_code == 200
    (form,) = [form for form in forms_in(page.content.decode()) if form.method == "post" and form.has_field("title")]
    data = submission(form, submit=button)
    data["title"] = [f"{survey.title} (renamed)"]
    if was_anonymous:
        data.pop("anonymous", None)  # an unticked box is not sent
    else:
        data["anonymous"] = ["on"]
    posted = browser.post(url, data)

    saved = Survey.objects.get(pk=survey.pk)
    assert saved.anonymous is was_anonymous, (
        f"the {through} switched a survey that had a round (answered {posted.status_code})"
    )
    # The control: the submission was a valid one, kept from switching only by the anonymity rule:
    # saved with the anonymity left as it was, or refused for the anonymity alone.
    refused_for_anonymity = "whether answers are anonymous cannot change" in posted.content.decode()
    assert (posted.status_code == 302 and saved.title.endswith("(renamed)")) or refused_for_anonymity, (
        f"the {through} refused the form for another reason (answered {posted.status_code})"
    )
