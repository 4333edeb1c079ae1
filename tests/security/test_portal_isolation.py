"""A partner signed in to the portal reaches nothing of another
organization: every portal page that takes an object answers 404, with the
very page a missing object gets, for GET and POST alike, and changes
nothing; no portal page shows another organization's name, contacts or
notes. The routes come from the URLconf, so a new portal page with an
object in its address is covered without being listed here.

The partner here is of "Elsewhere Collective"; the objects are the matrix
organization's (conftest.build_dataset), whose own partner opens them
(test_authorization_matrix.py)."""

import pytest
from django.urls import reverse

from tests.security.conftest import ALL_ROUTES, CANARY_NOTE, kwargs_for
from tests.security.test_authorization_matrix import expected_for, run_cell

pytestmark = pytest.mark.django_db

PARTNER_ROUTES = [route for route in ALL_ROUTES if route.route.startswith("portal/")]
WITH_OBJECTS = [route for route in PARTNER_ROUTES if "<int:pk>" in route.route]
WITHOUT_OBJECTS = [route for route in PARTNER_ROUTES if "<" not in route.route]


def test_the_portal_has_pages_with_objects_to_check():
    assert {route.key for route in WITH_OBJECTS} >= {
        "portal:contact_edit",
        "portal:contact_remove",
        "portal:surveys_stop",
        "portal:request_detail",
        "portal:delivery_confirm",
    }


@pytest.mark.parametrize("route", WITH_OBJECTS, ids=lambda route: route.key)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_organization_s_objects_are_not_there(dataset, baseline, route, method):
    spec, cells = expected_for(route)
    own = cells[("partner", method)].rstrip("*")
    assert own != "404", "the organization's own partner may use this page"
    theirs = reverse(route.key, kwargs=kwargs_for(dataset, spec, "partner"))
    missing = reverse(route.key, kwargs=kwargs_for(dataset, spec, "partner", missing=True))

    answer, changed = run_cell(dataset, "elsewhere_partner", method, theirs, baseline)
    nothing, _ = run_cell(dataset, "elsewhere_partner", method, missing, baseline)

    # 405 where the page does not take the method: that says nothing of the object.
    assert answer.status_code == (405 if own == "405" else 404)
    assert not changed
    assert answer.content == nothing.content  # nothing tells "exists" from "does not"


@pytest.mark.parametrize("route", WITHOUT_OBJECTS, ids=lambda route: route.key)
def test_no_portal_page_shows_another_organization(dataset, route):
    answer, _ = run_cell(dataset, "elsewhere_partner", "GET", reverse(route.key))
    body = answer.content.decode(errors="replace")

    for theirs in (dataset.organization.name, dataset.contact.name_or_alias, CANARY_NOTE, dataset.request.description):
        assert theirs not in body, f"{route.key} shows {theirs!r}"


def test_the_check_above_can_see_a_name(dataset):
    """Without this, the test above could pass on pages that show nothing."""
    answer, _ = run_cell(dataset, "partner", "GET", reverse("portal:home"))

    assert dataset.organization.name in answer.content.decode()
    assert dataset.request.description in answer.content.decode()
