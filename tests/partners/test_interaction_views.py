"""Logging, reading and listing interactions, and the quick "log an interaction" flow."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.choices import InteractionKind
from partners.models import Interaction
from partners.tables import InteractionTable
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, UserFactory, busy_partner

pytestmark = pytest.mark.django_db

LIST = reverse("partners:interaction_list")
START = reverse("partners:interaction_start")
READ_PAGES = ["interaction_list", "interaction_detail"]
WRITE_PAGES = ["interaction_start", "interaction_create", "interaction_edit"]
SECRET = "Sample secret note."


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def interaction_data(**overrides) -> dict:
    data = {
        "kind": InteractionKind.VISIT,
        "happened_on": days_ago(2),
        "summary": "Visited their drop-in night.",
        "confidential_notes": "Asked us not to mention the new address.",
        "follow_up_on": days_ago(-5),
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


def create_url(organization) -> str:
    return reverse("partners:interaction_create", args=[organization.pk])


def edit_url(interaction) -> str:
    return reverse("partners:interaction_edit", args=[interaction.pk])


def detail_url(interaction) -> str:
    return reverse("partners:interaction_detail", args=[interaction.pk])


# Who may use the pages


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_program_manager_gets_every_interaction_page(manager_client, partner_urls, page):
    assert manager_client.get(partner_urls[page]).status_code == 200


@pytest.mark.parametrize("page", READ_PAGES)
def test_leadership_reads_interactions(leader_client, partner_urls, page):
    assert leader_client.get(partner_urls[page]).status_code == 200


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_leadership_cannot_open_interaction_forms(leader_client, partner_urls, page):
    assert leader_client.get(partner_urls[page]).status_code == 403


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_user_without_a_role_is_refused_interaction_pages(outsider_client, partner_urls, page):
    assert outsider_client.get(partner_urls[page]).status_code == 403


@pytest.mark.parametrize("who", ["leader_client", "outsider_client"])
def test_refused_interaction_writes_change_nothing(request, sample_rows, who):
    client = request.getfixturevalue(who)
    interaction = sample_rows.interaction

    created = client.post(create_url(sample_rows.organization), interaction_data())
    edited = client.post(edit_url(interaction), interaction_data(summary="Changed"))

    assert (created.status_code, edited.status_code) == (403, 403)
    assert Interaction.objects.count() == 1
    interaction.refresh_from_db()
    assert interaction.summary == InteractionFactory.summary
    assert interaction.confidential_notes == SECRET


@pytest.mark.parametrize("name", ["interaction_detail", "interaction_edit", "interaction_create"])
def test_unknown_interaction_or_partner_is_404(manager_client, name):
    assert manager_client.get(reverse(f"partners:{name}", args=[999999])).status_code == 404


def test_interaction_forms_need_the_csrf_token(csrf_manager_client, sample_rows):
    interaction = sample_rows.interaction

    created = csrf_manager_client.post(create_url(sample_rows.organization), interaction_data())
    edited = csrf_manager_client.post(edit_url(interaction), interaction_data(summary="Changed"))

    assert (created.status_code, edited.status_code) == (403, 403)
    assert Interaction.objects.count() == 1
    interaction.refresh_from_db()
    assert interaction.summary == InteractionFactory.summary


# Confidential notes


def test_program_manager_reads_confidential_notes(manager_client, sample_rows):
    html = manager_client.get(detail_url(sample_rows.interaction)).content.decode()

    assert SECRET in html


def test_leadership_never_sees_confidential_notes_on_the_interaction(leader_client, sample_rows):
    html = leader_client.get(detail_url(sample_rows.interaction)).content.decode()

    assert sample_rows.interaction.summary in html
    assert SECRET not in html
    assert "Confidential notes" not in html


def test_leadership_never_sees_confidential_notes_in_the_list(leader_client, sample_rows):
    response = leader_client.get(LIST, {"sort": "summary"})

    assert response.status_code == 200
    assert sample_rows.organization.name in response.content.decode()
    assert SECRET not in response.content.decode()


def test_program_manager_edit_form_shows_notes_but_leadership_gets_no_form(manager_client, leader_client, sample_rows):
    assert SECRET in manager_client.get(edit_url(sample_rows.interaction)).content.decode()
    refused = leader_client.get(edit_url(sample_rows.interaction))
    assert refused.status_code == 403
    assert SECRET not in refused.content.decode()


def test_pages_for_leadership_never_even_decrypt_notes(leader_client, manager_client, sample_rows, monkeypatch):
    decrypted = []
    monkeypatch.setattr("core.encrypted_fields.decrypt", lambda stored: decrypted.append(stored) or "plain")
    pages = [LIST, detail_url(sample_rows.interaction), sample_rows.organization.get_absolute_url(), reverse("home")]

    for page in pages:
        assert leader_client.get(page, follow=True).status_code == 200  # home: on to the dashboard
    assert decrypted == []

    manager_client.get(detail_url(sample_rows.interaction))
    # The page's note, and each history record's, to tell whether it changed
    # (partners/history.py shows only "changed", never a value).
    assert len(decrypted) == 1 + sample_rows.interaction.history.count()


# Logging and editing


def test_logging_an_interaction_records_who_logged_it(manager_client, program_manager, sample_rows):
    organization = sample_rows.organization
    someone_else = UserFactory()

    response = manager_client.post(
        create_url(organization),
        interaction_data(contacts=[sample_rows.contact.pk], logged_by=someone_else.pk),
    )

    assert response.status_code == 302
    assert response.url == organization.get_absolute_url()
    interaction = Interaction.objects.get(summary="Visited their drop-in night.")
    assert interaction.logged_by == program_manager
    assert interaction.organization == organization
    assert list(interaction.contacts.all()) == [sample_rows.contact]
    assert interaction.confidential_notes == "Asked us not to mention the new address."


def test_editing_an_interaction_keeps_its_partner_and_logger(manager_client, sample_rows):
    interaction = sample_rows.interaction
    other = OrganizationFactory()

    response = manager_client.post(
        edit_url(interaction), interaction_data(summary="Corrected summary", organization=other.pk, follow_up_done="on")
    )

    assert response.status_code == 302
    interaction.refresh_from_db()
    assert (interaction.summary, interaction.follow_up_done) == ("Corrected summary", True)
    assert interaction.organization == sample_rows.organization


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"happened_on": ""}, "happened_on"),
        ({"happened_on": "last tuesday"}, "happened_on"),
        ({"happened_on": days_ago(-1)}, "happened_on"),  # in the future
        ({"happened_on": days_ago(3), "follow_up_on": days_ago(4)}, "follow_up_on"),
        ({"kind": "raid"}, "kind"),
        # Found by tests/security/test_fuzz_forms.py: an id too large for the
        # database made SQLite raise OverflowError, a 500.
        ({"contacts": [str(2**63)]}, "contacts"),
        ({"contacts": ["\u00b2"]}, "contacts"),
    ],
)
def test_bad_interaction_input_is_refused(manager_client, sample_rows, assert_bad_input, overrides, field):
    response = manager_client.post(
        create_url(sample_rows.organization), interaction_data(**({"summary": "Typed summary"} | overrides))
    )

    assert_bad_input(response, field)
    assert Interaction.objects.count() == 1
    if field != "summary":
        assert "Typed summary" in response.content.decode()


def test_contacts_from_another_partner_are_refused(manager_client, sample_rows, assert_bad_input):
    stranger = ContactFactory(organization=OrganizationFactory())

    response = manager_client.post(
        create_url(sample_rows.organization), interaction_data(contacts=[sample_rows.contact.pk, stranger.pk])
    )

    assert_bad_input(response, "contacts")
    assert Interaction.objects.count() == 1


def test_bad_edit_keeps_the_saved_interaction(manager_client, sample_rows, assert_bad_input):
    interaction = sample_rows.interaction

    response = manager_client.post(edit_url(interaction), interaction_data(summary="", happened_on=days_ago(-3)))

    assert_bad_input(response, "happened_on")
    interaction.refresh_from_db()
    assert interaction.summary == InteractionFactory.summary
    assert interaction.confidential_notes == SECRET


# The quick "log an interaction" flow


def test_quick_log_shows_a_partner_picker(manager_client, sample_rows):
    response = manager_client.get(START)

    assert response.status_code == 200
    assert f'<option value="{sample_rows.organization.pk}">Sample partner</option>' in response.content.decode()


def test_quick_log_is_reachable_from_every_page(manager_client, sample_rows):
    html = manager_client.get(reverse("home")).content.decode()

    assert f'href="{START}"' in html


def test_choosing_a_partner_leads_to_the_form(manager_client, sample_rows):
    response = manager_client.get(START, {"organization": sample_rows.organization.pk})

    assert response.status_code == 302
    assert response.url == create_url(sample_rows.organization)


@pytest.mark.parametrize("choice", ["999999", "abc", "²", "1 OR 1=1", "99999999999999999999999"])
def test_unknown_partner_choice_is_a_400(manager_client, sample_rows, choice):
    response = manager_client.get(START, {"organization": choice})

    assert response.status_code == 400
    assert "Choose a partner from the list." in response.content.decode()


def test_quick_log_end_to_end(manager_client, program_manager, sample_rows):
    chosen = manager_client.get(START, {"organization": sample_rows.organization.pk})
    form_page = manager_client.get(chosen.url)
    saved = manager_client.post(chosen.url, interaction_data(), follow=True)

    assert form_page.status_code == 200
    assert "Interaction logged." in saved.content.decode()
    assert Interaction.objects.filter(logged_by=program_manager, summary="Visited their drop-in night.").exists()


# The list


def test_list_filters_by_kind(manager_client, sample_rows):
    call = InteractionFactory(kind=InteractionKind.CALL)

    response = manager_client.get(LIST, {"kind": InteractionKind.CALL})

    assert [row.record for row in response.context["table"].page.object_list] == [call]


def test_list_filters_follow_ups_due(manager_client, sample_rows):
    due = InteractionFactory(follow_up_on=timezone.localdate())
    InteractionFactory(follow_up_on=timezone.localdate(), follow_up_done=True)

    response = manager_client.get(LIST, {"follow_up": "due"})

    assert [row.record for row in response.context["table"].page.object_list] == [due]


@pytest.mark.parametrize(
    "query",
    [{"kind": "raid"}, {"happened_on_after": "yesterday-ish"}, {"organization": "999999"}, {"follow_up": "later"}],
)
def test_bad_interaction_filter_is_a_400(manager_client, sample_rows, query):
    response = manager_client.get(LIST, query)

    assert response.status_code == 400
    assert response.context["filter"].form.errors


@pytest.mark.parametrize("column", [c.name for c in InteractionTable([]).columns if c.orderable])
@pytest.mark.parametrize("direction", ["", "-"])
def test_interaction_list_sorts_by_each_column(manager_client, program_manager, column, direction):
    busy_partner(logged_by=program_manager)
    InteractionFactory(logged_by=None)

    response = manager_client.get(LIST, {"sort": direction + column})

    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 2


def test_interaction_list_costs_the_same_queries_for_5_or_50_rows(
    manager_client, program_manager, assert_constant_queries
):
    def add_rows(count):
        for _ in range(count):
            busy_partner(logged_by=program_manager)

    assert_constant_queries(manager_client, LIST + "?per_page=100", "interaction list", add_rows)
