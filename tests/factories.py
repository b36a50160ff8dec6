import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from regions.models import Cercle, Office, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"XX-{n}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    in_scope = True


class CercleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cercle

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Cercle {n}")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"Bureau {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted: Role | None, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted.value))
