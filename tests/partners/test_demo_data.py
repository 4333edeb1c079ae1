"""The demo data command: complete, re-runnable, and written in respectful words."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

from partners.choices import InteractionKind, OrganizationKind, RequestStatus, Stage, SupportCategory
from partners.models import (
    Contact,
    DeliveryConfirmation,
    Interaction,
    Organization,
    PortalAccess,
    SupportDelivery,
    SupportRequest,
    Tag,
)

FORBIDDEN = re.compile(r"prostituted|victim|rescue|exploitation", re.IGNORECASE)
DEMO_MODELS = [Tag, Organization, Contact, Interaction, SupportRequest, SupportDelivery]


def load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    counted = {model.__name__: model.objects.count() for model in DEMO_MODELS}
    counted["users"] = get_user_model().objects.count()
    counted["interaction_contacts"] = Interaction.contacts.through.objects.count()
    counted["organization_tags"] = Organization.tags.through.objects.count()
    return counted


@pytest.mark.django_db
def test_loads_a_complete_dataset():
    output = load()

    assert "Demo data:" in output
    assert Organization.objects.count() >= 15
    assert set(Organization.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Organization.objects.values_list("kind", flat=True)) == set(OrganizationKind.values)
    assert Organization.objects.filter(kind=OrganizationKind.SEX_WORKER_LED).count() >= 3
    assert Organization.objects.filter(do_not_name_publicly=True).exists()
    assert set(Interaction.objects.values_list("kind", flat=True)) == set(InteractionKind.values)
    assert set(SupportRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert set(SupportRequest.objects.values_list("category", flat=True)) == set(SupportCategory.values)
    assert SupportDelivery.objects.unrequested().exists()
    assert Interaction.objects.follow_ups_due().exists()
    assert Interaction.objects.filter(follow_up_done=True).exists()
    assert Organization.objects.overdue().exists()
    assert Organization.objects.with_contact_figures().filter(is_overdue=False, last_contact__isnull=False).exists()
    assert Contact.objects.filter(opted_out=True).exists()
    emails = Contact.objects.exclude(email="").values_list("email", flat=True)
    assert emails and all(email.endswith(("@example.org", "@example.net")) for email in emails)


@pytest.mark.django_db
def test_partial_and_multiple_deliveries():
    load()
    requests = SupportRequest.objects.with_delivery_figures()

    partly = requests.filter(status=RequestStatus.PARTLY_FULFILLED, delivery_count__gte=1, amount_asked__isnull=False)
    assert any(r.money_delivered < r.amount_asked for r in partly)
    assert requests.filter(status=RequestStatus.FULFILLED, delivery_count=2).exists()
    answered = SupportDelivery.objects.exclude(request=None).select_related("request")
    assert answered.exists()
    for delivery in answered:
        assert delivery.organization_id == delivery.request.organization_id
        assert delivery.delivered_on >= delivery.request.asked_on


@pytest.mark.django_db
def test_running_twice_creates_no_duplicates():
    load()
    first = counts()

    output = load()

    assert counts() == first
    assert "0 new organizations" in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "password", "group"),
    [
        ("manager", "demo-manager-pass", "Program managers"),
        ("manager2", "demo-manager-pass", "Program managers"),
        ("leader", "demo-leader-pass", "Leadership"),
        ("admin", "demo-admin-pass", None),
    ],
)
def test_demo_users_have_roles_and_passwords(username, password, group):
    load()
    user = get_user_model().objects.get(username=username)
    user.set_password("changed-by-someone")
    user.save()

    load()  # a second run puts the demo password back

    user.refresh_from_db()
    assert user.check_password(password)
    assert user.first_name and user.last_name
    if group:
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert not user.is_staff and not user.is_superuser
    else:
        assert user.is_staff and user.is_superuser


@pytest.mark.django_db
def test_no_forbidden_words_anywhere_in_the_data():
    load()
    checked = 0
    for model in DEMO_MODELS:
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.CharField | models.TextField)]
        for row in model.objects.values_list(*fields):
            for value in row:
                assert not FORBIDDEN.search(value or ""), f"{model.__name__}: {value!r}"
                checked += 1
    for user in get_user_model().objects.all():
        assert not FORBIDDEN.search(f"{user.first_name} {user.last_name}")
    assert checked > 100


def test_the_demo_has_a_partner_contact_with_portal_access(db):
    call_command("load_demo_data", verbosity=0)
    access = PortalAccess.objects.select_related("contact").get()
    assert access.contact.email == "ruby@example.org" and access.is_active
    assert DeliveryConfirmation.objects.filter(contact=access.contact).exists()


def test_the_demo_holds_a_coalition_meeting_that_moves_no_clock(db):
    call_command("load_demo_data", stdout=StringIO())

    (meeting,) = Interaction.objects.filter(also_with__isnull=False).distinct()
    others = list(meeting.also_with.all())
    assert len(others) == 2 and meeting.organization not in others
    for partner in Organization.objects.with_contact_figures().filter(pk__in=[o.pk for o in others]):
        assert partner.last_contact > meeting.happened_on
