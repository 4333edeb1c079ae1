"""Partner list, detail, create and edit pages."""

import pytest
from django.urls import reverse

from partners.choices import OrganizationKind, Stage
from partners.models import Organization
from partners.tables import OrganizationTable
from tests.factories import OrganizationFactory, UserFactory, busy_partner

pytestmark = pytest.mark.django_db

LIST = reverse("partners:organization_list")
CREATE = reverse("partners:organization_create")
READ_PAGES = ["organization_list", "organization_detail"]
WRITE_PAGES = ["organization_create", "organization_edit"]


def organization_data(**overrides) -> dict:
    data = {
        "name": "Night Shift Collective",
        "kind": OrganizationKind.SEX_WORKER_LED,
        "stage": Stage.FIRST_CONTACT,
        "service_area": "Downtown",
        "keep_in_touch_days": "21",
    }
    return data | overrides


def edit_url(organization: Organization) -> str:
    return reverse("partners:organization_edit", args=[organization.pk])


def detail_url(organization: Organization) -> str:
    return reverse("partners:organization_detail", args=[organization.pk])


# Who may use the pages


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_program_manager_gets_every_partner_page(manager_client, partner_urls, page):
    assert manager_client.get(partner_urls[page]).status_code == 200


@pytest.mark.parametrize("page", READ_PAGES)
def test_leadership_reads_partner_pages(leader_client, partner_urls, page):
    assert leader_client.get(partner_urls[page]).status_code == 200


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_leadership_cannot_open_partner_forms(leader_client, partner_urls, page):
    assert leader_client.get(partner_urls[page]).status_code == 403


def test_leadership_cannot_create_a_partner(leader_client, sample_rows):
    before = Organization.objects.count()

    response = leader_client.post(CREATE, organization_data())

    assert response.status_code == 403
    assert Organization.objects.count() == before


def test_leadership_cannot_edit_a_partner(leader_client, sample_rows):
    organization = sample_rows.organization

    response = leader_client.post(edit_url(organization), organization_data(name="Renamed by leadership"))

    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.name == "Sample partner"


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_user_without_a_role_is_refused_partner_pages(outsider_client, partner_urls, page):
    assert outsider_client.get(partner_urls[page]).status_code == 403


def test_user_without_a_role_cannot_create_a_partner(outsider_client, db):
    response = outsider_client.post(CREATE, organization_data())

    assert response.status_code == 403
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("manager_client", "organization_detail"),
        ("manager_client", "organization_edit"),
        ("leader_client", "organization_detail"),
    ],
)
def test_unknown_partner_is_404(request, who, name):
    client = request.getfixturevalue(who)

    assert client.get(reverse(f"partners:{name}", args=[999999])).status_code == 404


# Create and edit


def test_program_manager_adds_a_partner(manager_client, program_manager):
    response = manager_client.post(CREATE, organization_data(relationship_lead=program_manager.pk), follow=True)

    organization = Organization.objects.get(name="Night Shift Collective")
    assert response.redirect_chain[-1][0] == detail_url(organization)
    assert organization.relationship_lead == program_manager
    assert organization.keep_in_touch_days == 21
    assert "Partner Night Shift Collective added." in response.content.decode()


def test_program_manager_edits_a_partner(manager_client, sample_rows):
    organization = sample_rows.organization

    response = manager_client.post(edit_url(organization), organization_data(name="Renamed", stage=Stage.PAUSED))

    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.name, organization.stage) == ("Renamed", Stage.PAUSED)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": ""}, "kind"),
        ({"kind": "rescue_mission"}, "kind"),
        ({"keep_in_touch_days": "0"}, "keep_in_touch_days"),
        ({"keep_in_touch_days": "-5"}, "keep_in_touch_days"),
        ({"keep_in_touch_days": "monthly"}, "keep_in_touch_days"),
        ({"keep_in_touch_days": "731"}, "keep_in_touch_days"),
        ({"name": "Sample partner"}, "name"),  # already taken
        # Found by tests/security/test_fuzz_forms.py: an id too large for the
        # database made SQLite raise OverflowError, a 500.
        ({"tags": [str(2**63)]}, "tags"),
        ({"tags": ["\u00b2"]}, "tags"),
    ],
)
def test_bad_partner_input_is_refused(manager_client, sample_rows, assert_bad_input, overrides, field):
    before = Organization.objects.count()

    response = manager_client.post(CREATE, organization_data(service_area="Eastside", **overrides))

    assert_bad_input(response, field)
    assert Organization.objects.count() == before
    assert response.context["form"]["service_area"].value() == "Eastside"
    assert 'value="Eastside"' in response.content.decode()


def test_bad_edit_keeps_the_saved_partner(manager_client, sample_rows, assert_bad_input):
    organization = sample_rows.organization

    response = manager_client.post(
        edit_url(organization), organization_data(name="Typed new name", keep_in_touch_days="0")
    )

    assert_bad_input(response, "keep_in_touch_days")
    assert 'value="Typed new name"' in response.content.decode()
    organization.refresh_from_db()
    assert (organization.name, organization.keep_in_touch_days) == ("Sample partner", 30)


def test_relationship_lead_must_be_a_program_manager(manager_client, leader, assert_bad_input):
    response = manager_client.post(CREATE, organization_data(relationship_lead=leader.pk))

    assert_bad_input(response, "relationship_lead")
    assert not Organization.objects.exists()


def test_editing_keeps_a_lead_who_has_left_the_role(manager_client, program_manager, sample_rows):
    former = UserFactory(username="former-manager", groups=[])
    organization = sample_rows.organization
    organization.relationship_lead = former
    organization.save()

    form_page = manager_client.get(edit_url(organization))
    response = manager_client.post(
        edit_url(organization), organization_data(name="Sample partner", relationship_lead=former.pk)
    )

    assert f'<option value="{former.pk}" selected>' in form_page.content.decode()
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.relationship_lead == former


def test_partner_forms_need_the_csrf_token(csrf_manager_client, sample_rows):
    organization = sample_rows.organization

    created = csrf_manager_client.post(CREATE, organization_data())
    edited = csrf_manager_client.post(edit_url(organization), organization_data(name="Changed"))

    assert (created.status_code, edited.status_code) == (403, 403)
    assert not Organization.objects.filter(name="Night Shift Collective").exists()
    organization.refresh_from_db()
    assert organization.name == "Sample partner"


# Detail page


def test_partner_page_shows_contacts_requests_deliveries_and_timeline(manager_client, program_manager):
    organization = busy_partner(logged_by=program_manager)
    contact = organization.contacts.first()

    html = manager_client.get(detail_url(organization)).content.decode()

    assert contact.name_or_alias in html
    assert "Support nobody asked for" in html
    assert "Talked about meeting space" in html
    assert "40.00" in html  # money delivered
    assert "peer-led" in html


def test_program_manager_sees_confidential_notes_in_the_timeline(manager_client, sample_rows):
    html = manager_client.get(detail_url(sample_rows.organization)).content.decode()

    assert "Sample secret note." in html


def test_leadership_never_sees_confidential_notes_on_the_partner_page(leader_client, sample_rows):
    html = leader_client.get(detail_url(sample_rows.organization)).content.decode()

    assert sample_rows.interaction.summary in html
    assert "Sample secret note." not in html
    assert "Confidential" not in html


def test_leadership_sees_no_edit_buttons(leader_client, manager_client, sample_rows):
    manager_html = manager_client.get(detail_url(sample_rows.organization)).content.decode()
    assert edit_url(sample_rows.organization) in manager_html  # the control: the buttons exist
    assert reverse("partners:interaction_create", args=[sample_rows.organization.pk]) in manager_html

    response = leader_client.get(detail_url(sample_rows.organization))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sample partner" in html and sample_rows.interaction.summary in html
    assert edit_url(sample_rows.organization) not in html
    assert reverse("partners:interaction_create", args=[sample_rows.organization.pk]) not in html


# List page


def test_add_button_only_for_program_managers(manager_client, leader_client, sample_rows):
    assert f'href="{CREATE}"' in manager_client.get(LIST).content.decode()
    leader_page = leader_client.get(LIST)
    assert leader_page.status_code == 200
    assert "Sample partner" in leader_page.content.decode()  # the list itself is shown
    assert f'href="{CREATE}"' not in leader_page.content.decode()


def test_list_filters_by_stage_and_kind(manager_client):
    wanted = OrganizationFactory(stage=Stage.COLLABORATING, kind=OrganizationKind.HEALTH)
    OrganizationFactory(stage=Stage.COLLABORATING, kind=OrganizationKind.LEGAL)
    OrganizationFactory(stage=Stage.PAUSED, kind=OrganizationKind.HEALTH)

    response = manager_client.get(LIST, {"stage": Stage.COLLABORATING, "kind": OrganizationKind.HEALTH})

    assert [row.record for row in response.context["table"].page.object_list] == [wanted]


@pytest.mark.parametrize(
    "query",
    [
        {"stage": "rescued"},
        {"kind": "nope"},
        {"relationship_lead": "999999"},
        {"tags": "abc"},
        {"tags": "99999999999999999999999"},  # was an OverflowError on SQLite
        {"last_contact": "forever"},
    ],
)
def test_bad_filter_value_is_a_400_with_the_error_shown(manager_client, sample_rows, query):
    response = manager_client.get(LIST, query)

    assert response.status_code == 400
    assert response.context["filter"].form.errors
    assert "Some filters are not valid." in response.content.decode()
    assert list(response.context["table"].rows) == []


@pytest.mark.parametrize("per_page", ["0", "-1", "100000"])
def test_out_of_range_page_size_is_a_400(manager_client, sample_rows, per_page):
    assert manager_client.get(LIST, {"per_page": per_page}).status_code == 400


@pytest.mark.parametrize("page", ["abc", "-1", "99999999999999999999999"])
def test_page_number_out_of_range_shows_a_page(manager_client, sample_rows, page):
    response = manager_client.get(LIST, {"page": page})

    assert response.status_code == 200
    assert "Sample partner" in response.content.decode()


@pytest.mark.parametrize("column", [c.name for c in OrganizationTable([]).columns if c.orderable])
@pytest.mark.parametrize("direction", ["", "-"])
def test_partner_list_sorts_by_each_column(manager_client, program_manager, column, direction):
    busy_partner(lead=program_manager)
    busy_partner()

    response = manager_client.get(LIST, {"sort": direction + column})

    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 2


def test_partner_list_costs_the_same_queries_for_5_or_50_rows(manager_client, program_manager, assert_constant_queries):
    def add_rows(count):
        for _ in range(count):
            busy_partner(lead=program_manager, logged_by=program_manager)

    assert_constant_queries(manager_client, LIST + "?per_page=100", "partner list", add_rows)


@pytest.mark.parametrize("who", ["manager_client", "leader_client"])
def test_partner_page_costs_the_same_queries_for_5_or_50_rows(request, program_manager, assert_constant_queries, who):
    organization = busy_partner(lead=program_manager, logged_by=program_manager, interactions=0, requests=0)

    def add_rows(count):
        for _ in range(count):
            twin = busy_partner(logged_by=program_manager)
            # Move the twin's rows onto the partner under test.
            twin.interactions.update(organization=organization)
            twin.requests.update(organization=organization)
            twin.deliveries.update(organization=organization)
            twin.contacts.update(organization=organization)

    client = request.getfixturevalue(who)
    page = f"partner detail ({who.split('_')[0]})"
    assert_constant_queries(client, detail_url(organization), page, add_rows)


def test_the_timeline_shows_the_latest_interactions_and_links_to_all_of_them(manager_client, sample_rows):
    from partners.views.organizations import OrganizationDetail
    from tests.factories import InteractionFactory

    organization = sample_rows.organization
    limit = OrganizationDetail.timeline_limit
    InteractionFactory.create_batch(limit + 1, organization=organization, summary="Older visit")
    latest = InteractionFactory(organization=organization, summary="The latest visit")

    html = manager_client.get(organization.get_absolute_url()).content.decode()

    timeline = html[html.index('id="timeline"') :]
    assert timeline.count('class="timeline-item"') == limit
    assert "The latest visit" in timeline and latest.get_absolute_url() in timeline
    total = organization.interactions.count()  # with the sample's own interaction
    assert f"The latest {limit} of {total} interactions." in timeline
    assert f"?organization={organization.pk}" in timeline


def test_a_short_timeline_has_no_link_to_more(manager_client, sample_rows):
    response = manager_client.get(sample_rows.organization.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert timeline.count('class="timeline-item"') == 1  # the sample's one interaction is shown
    assert "See them all in the interaction list" not in html
    assert f"?organization={sample_rows.organization.pk}" not in timeline


@pytest.mark.parametrize(
    ("stage", "said"),
    [
        (Stage.IDENTIFIED, "No keep-in-touch clock"),
        (Stage.PAUSED, "No keep-in-touch clock"),
        (Stage.ENDED, "No keep-in-touch clock"),
        (Stage.BUILDING_TRUST, "On track"),
    ],
)
def test_the_partner_page_says_what_the_list_says_about_the_clock(manager_client, stage, said):
    """One rule (Organization.has_keep_in_touch_clock, NO_CLOCK_STAGES): an
    "Identified" partner once read "On track" here while the list said it
    had no clock."""
    organization = OrganizationFactory(stage=stage, keep_in_touch_days=30)
    html = manager_client.get(organization.get_absolute_url()).content.decode()
    assert said in html
    listed = Organization.objects.with_contact_figures().get(pk=organization.pk)
    assert listed.is_overdue is False and organization.has_keep_in_touch_clock is (said == "On track")
