"""factory_boy factories for the whole suite."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partners import choices
from partners.models import Contact, Interaction, Organization, SupportDelivery, SupportRequest, Tag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
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
