"""Adding a partner whose name is like one we have is refused, with the
names, until the person ticks that it is a different partner: case,
accents, spacing, punctuation and a typo do not make a new partner."""

import pytest
from django.urls import reverse

from partners.models import Organization
from partners.similar_names import are_similar, folded
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["night owl naloxone crew", "Night  Owl Naloxone Crew.", "NIGHT-OWL NALOXONE CREW", "Night Owl Naloxon Crew"],
)
def test_names_that_are_the_same_partner(typed):
    assert are_similar(typed, "Night Owl Naloxone Crew")


@pytest.mark.parametrize("typed", ["Night Shift Collective", "Owl", "Velvet Hour Outreach Crew"])
def test_names_that_are_not(typed):
    assert not are_similar(typed, "Night Owl Naloxone Crew")


def test_folding_drops_accents_case_and_punctuation():
    assert folded("  Compañeras   del Puente! ") == "companeras del puente"


def form(name: str, **extra) -> dict:
    return {"name": name, "kind": "sex_worker_led", "stage": "identified", "keep_in_touch_days": 30, **extra}


def test_adding_a_similar_partner_is_refused_with_its_name(manager_client):
    OrganizationFactory(name="Night Owl Naloxone Crew")

    answer = manager_client.post(reverse("partners:organization_create"), form("night owl naloxone crew"))

    assert answer.status_code == 400
    html = answer.content.decode()
    assert "We already have a partner called “Night Owl Naloxone Crew”" in html
    assert 'type="checkbox" name="different_partner"' in html
    assert Organization.objects.count() == 1


def test_ticking_different_partner_adds_it(manager_client):
    OrganizationFactory(name="Night Owl Naloxone Crew")

    answer = manager_client.post(
        reverse("partners:organization_create"), form("Night Owl Naloxone Crew South", different_partner="on")
    )

    assert answer.status_code == 302
    assert Organization.objects.count() == 2


def test_the_tick_is_not_offered_before_a_similar_name_or_when_editing(manager_client):
    partner = OrganizationFactory(name="Night Owl Naloxone Crew")

    new = manager_client.get(reverse("partners:organization_create")).content.decode()
    edit = manager_client.get(reverse("partners:organization_edit", args=[partner.pk])).content.decode()

    assert 'type="checkbox" name="different_partner"' not in new
    assert "different_partner" not in edit
    # Saving a partner under its own name is no duplicate.
    saved = manager_client.post(reverse("partners:organization_edit", args=[partner.pk]), form(partner.name))
    assert saved.status_code == 302
