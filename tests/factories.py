"""factory_boy factories for the whole suite."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core import roles
from partners import choices
from partners.models import Contact, Interaction, Organization, SupportDelivery, SupportRequest, Tag


def ensure_roles() -> None:
    """The roles come from data migrations. A transactional test (browser,
    real worker) empties every table when it ends, groups included, so put
    them back the way the migrations made them."""
    import importlib

    from django.apps import apps

    if Group.objects.filter(name__in=["Program managers", "Leadership"]).count() == 2:
        return
    for app_label in ("partners", "surveys"):
        migration = importlib.import_module(f"{app_label}.migrations.0002_roles")
        roles.grant(apps, app_label, migration.ROLES)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if extracted:
            ensure_roles()
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Partner organization {n}")
    kind = choices.OrganizationKind.SEX_WORKER_LED
    stage = choices.Stage.BUILDING_TRUST
    keep_in_touch_days = 30


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    name_or_alias = factory.Sequence(lambda n: f"Alias {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    consent_to_surveys = True


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    organization = factory.SubFactory(OrganizationFactory)
    kind = choices.InteractionKind.MEETING
    happened_on = factory.LazyFunction(datetime.date.today)
    summary = "Talked about meeting space for the monthly gathering."


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    organization = factory.SubFactory(OrganizationFactory)
    category = choices.SupportCategory.MEETING_SPACE
    description = "A room for our monthly peer meeting."
    asked_on = factory.LazyFunction(datetime.date.today)


class SupportDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportDelivery

    organization = factory.LazyAttribute(lambda d: d.request.organization if d.request else OrganizationFactory())
    request = factory.SubFactory(SupportRequestFactory)
    category = factory.LazyAttribute(lambda d: d.request.category if d.request else choices.SupportCategory.OTHER)
    delivered_on = factory.LazyFunction(datetime.date.today)
    description = "Booked the community room."


def busy_partner(lead=None, logged_by=None, interactions: int = 1, requests: int = 1) -> Organization:
    """A partner with some of everything a page can show: tags, contacts,
    interactions with people present and a due follow-up, requests with
    deliveries, and one unrequested delivery. Pages that forget a
    select_related or prefetch pay one query per row of this."""
    today = datetime.date.today()
    organization = OrganizationFactory(relationship_lead=lead, stage=choices.Stage.COLLABORATING, keep_in_touch_days=1)
    organization.tags.add(TagFactory(name="peer-led"), TagFactory())
    contacts = ContactFactory.create_batch(2, organization=organization)
    for _ in range(interactions):
        interaction = InteractionFactory(
            organization=organization,
            happened_on=today - datetime.timedelta(days=10),
            logged_by=logged_by,
            confidential_notes="Private detail.",
            follow_up_on=today - datetime.timedelta(days=1),
        )
        interaction.contacts.set(contacts)
    for _ in range(requests):
        support_request = SupportRequestFactory(organization=organization, amount_asked=100)
        SupportDeliveryFactory(request=support_request, money=40, hours=2, delivered_by=logged_by)
    SupportDeliveryFactory(request=None, organization=organization, delivered_by=logged_by)
    return organization


# --- surveys -----------------------------------------------------------------
# Models named by string and choices written as values, so that the partners
# tests above do not import the surveys app.


def _in_days(days: int):
    return factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days))


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Recipient"

    audience = "participants"
    email = factory.Sequence(lambda n: f"person{n}@example.net")
    language = "en"
    consent = True


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Survey"

    title = factory.Sequence(lambda n: f"How are we doing {n}")
    title_es = factory.Sequence(lambda n: f"¿Cómo lo estamos haciendo? {n}")
    audience = "participants"
    intro = "Tell us what works and what does not."
    intro_es = "Cuéntenos qué funciona y qué no."
    anonymous = True
    status = "active"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Question"

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    kind = "agreement"
    text = factory.Sequence(lambda n: f"Staff treat me with respect ({n})")
    text_es = factory.Sequence(lambda n: f"El personal me trata con respeto ({n})")


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Schedule"

    survey = factory.SubFactory(SurveyFactory)
    recurrence = "monthly"
    next_run_at = _in_days(0)
    reminder_after_days = 7
    max_reminders = 1
    close_after_days = 21


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Round"

    survey = factory.SubFactory(SurveyFactory)
    opened_at = _in_days(0)
    closes_at = _in_days(21)
    status = "open"


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation of a participant or staff recipient; for a partners
    survey pass `contact=...` and `recipient=None`."""

    class Meta:
        model = "surveys.Invitation"

    round = factory.SubFactory(RoundFactory)
    recipient = factory.SubFactory(RecipientFactory, audience=factory.SelfAttribute("..round.survey.audience"))
    language = factory.LazyAttribute(lambda i: i.recipient.language if i.recipient else "en")
    state = "pending"
