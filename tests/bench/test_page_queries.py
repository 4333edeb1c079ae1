"""Every staff page the benchmark times costs the same number of queries with
few and with many rows of its main table (bench/pages.py runs the same check
with 5 and 500 rows on PostgreSQL), and the comparison itself can tell a
page that grows its queries from one that does not."""

import pytest
from django.http import HttpResponse

from bench import page_rows, pages
from partners.models import Organization
from tests.factories import ensure_roles

pytestmark = pytest.mark.django_db

COMPARED = [page for page in pages.PAGES if page.grow is not None]


@pytest.fixture
def base():
    ensure_roles()
    return page_rows.make_base()


def targets_of(base) -> dict:
    return {
        "organization": base.organization.pk,
        "interaction": base.interaction.pk,
        "request": base.request.pk,
        "survey": base.surveys["participants"].pk,
        "round": base.rounds["participants"].pk,
    }


@pytest.mark.parametrize("page", COMPARED, ids=[p.name for p in COMPARED])
def test_the_page_costs_the_same_queries_for_few_and_many_rows(base, page, record_query_counts):
    client = pages.staff_client(base.manager)
    counts = pages.compare_one(client, page, targets_of(base), base, few=3, many=30)
    record_query_counts(f"bench: {page.name}", counts["few"], counts["many"])
    assert counts["equal"], counts


class QueriesPerPartner:
    """A stand-in client whose "page" forgets select_related: one query for
    the partners, then one more per partner for its lead."""

    def get(self, url):
        leads = [o.relationship_lead for o in Organization.objects.all()]
        return HttpResponse(str(len(leads)))


class OneQuery:
    def get(self, url):
        return HttpResponse(str(Organization.objects.count()))


def test_the_comparison_flags_a_page_whose_queries_grow_with_its_rows(base):
    page = pages.Page("N+1", "home", grow=page_rows.organizations)
    counts = pages.compare_one(QueriesPerPartner(), page, {}, base, few=2, many=6)
    assert counts["many"] - counts["few"] == 4
    assert not counts["equal"]


def test_the_comparison_passes_a_page_with_fixed_queries_and_rolls_its_rows_back(base):
    before = Organization.objects.count()
    page = pages.Page("fixed", "home", grow=page_rows.organizations)
    assert pages.compare_one(OneQuery(), page, {}, base, few=2, many=6) == {"few": 1, "many": 1, "equal": True}
    assert Organization.objects.count() == before


def test_percentile_is_a_measured_value():
    values = [float(v) for v in range(1, 21)]
    assert pages.percentile(values, 95) == 19.0
    assert pages.percentile(values, 50) == 10.0
    assert pages.percentile([7.0], 95) == 7.0
