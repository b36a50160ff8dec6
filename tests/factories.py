import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from coordination.models import CoordinationBody, Decision, Meeting, Membership, Organisation
from funding.models import (
    Contribution,
    Deposit,
    ExchangeRate,
    Expenditure,
    FundingApproval,
    Mechanism,
    Tranche,
)
from projects.models import (
    Indicator,
    IndicatorReport,
    Location,
    ProgressReport,
    Project,
)
from projects.services import budget_in_usd
from regions.models import (
    Cercle,
    Office,
    Pillar,
    PlanPriority,
    PlanUpdate,
    PriorityProgress,
    Region,
    RegionalPlan,
)


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


class PlanFactory(factory.django.DjangoModelFactory):
    """A regional plan of Gao (by default) for 2024–2025, in draft."""

    class Meta:
        model = RegionalPlan

    region = factory.LazyFunction(lambda: Region.objects.get(code="ML-7"))
    title = factory.Sequence(lambda n: f"Plan régional de stabilisation {n}")
    period_start = datetime.date(2024, 1, 1)
    period_end = datetime.date(2025, 12, 31)
    context_analysis = "Analyse du contexte sécuritaire et humanitaire."
    created_by = factory.SubFactory(UserFactory)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanPriority

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"AXE-{n}")
    title = factory.Sequence(lambda n: f"Axe prioritaire {n}")
    pillar = Pillar.BASIC_SERVICES
    estimated_cost_usd = Decimal("250000.00")


class PlanUpdateFactory(factory.django.DjangoModelFactory):
    """A draft update of a validated plan (pass `plan=` for another one)."""

    class Meta:
        model = PlanUpdate

    plan = factory.SubFactory(PlanFactory, status=RegionalPlan.Status.VALIDATED)
    period_start = datetime.date(2024, 1, 1)
    period_end = datetime.date(2024, 3, 31)
    narrative = "Progrès réguliers malgré la saison des pluies."
    created_by = factory.SubFactory(UserFactory)


class PriorityProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityProgress

    update = factory.SubFactory(PlanUpdateFactory)
    priority = factory.LazyAttribute(lambda row: PriorityFactory(plan=row.update.plan))
    status = PriorityProgress.Status.ON_TRACK
    narrative = "Travaux engagés."


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation partenaire {n}")
    acronym = factory.Sequence(lambda n: f"OP{n}")
    kind = Organisation.Kind.BILATERAL
    country = "FR"


class BodyFactory(factory.django.DjangoModelFactory):
    """A coordination body of the Gao region (pass region=None for a national one)."""

    class Meta:
        model = CoordinationBody

    name = factory.Sequence(lambda n: f"Comité régional de coordination {n}")
    kind = CoordinationBody.Kind.REGIONAL_COMMITTEE
    region = factory.LazyFunction(lambda: Region.objects.get(code="ML-7"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    place = "Salle de conférence du gouvernorat"
    agenda = "1. Point sécuritaire\n2. Avancement des projets"
    created_by = factory.SubFactory(UserFactory)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Transmettre la liste des sites prioritaires {n}")
    due_date = factory.LazyAttribute(
        lambda d: timezone.localtime(d.meeting.starts_at).date() + datetime.timedelta(days=30)
    )


class ProjectFactory(factory.django.DjangoModelFactory):
    """A QIP in Gao, in the pipeline, USD 40,000 over five months."""

    class Meta:
        model = Project

    # Codes of their own, apart from the ones tests write by hand (QIP-2024-GAO-001).
    code = factory.Sequence(lambda n: f"QIP-2024-GAO-T{n:04d}")
    title = factory.Sequence(lambda n: f"Réhabilitation du point d'eau {n}")
    summary = "Réhabilitation d'un forage et formation d'un comité de gestion."
    region = factory.LazyFunction(lambda: Region.objects.get(code="ML-7"))
    mechanism = factory.LazyFunction(lambda: Mechanism.objects.get(code="qip"))
    implementing_partner = factory.SubFactory(OrganisationFactory, kind="ngo", country="ML")
    budget_amount = Decimal("40000.00")
    budget_currency = "USD"
    planned_start = datetime.date(2024, 2, 1)
    planned_end = datetime.date(2024, 6, 30)
    # As the portal's services convert it (empty while the month's rate is missing).
    budget_usd = factory.LazyAttribute(
        lambda project: budget_in_usd(
            project.budget_amount, project.budget_currency, project.planned_start
        )
    )
    women = 120
    men = 100
    girls = 80
    boys = 75
    created_by = factory.SubFactory(UserFactory)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    project = factory.SubFactory(ProjectFactory)
    place = factory.Sequence(lambda n: f"Quartier {n}")
    latitude = Decimal("16.27170")
    longitude = Decimal("-0.04470")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    title = "Personnes ayant accès à l'eau potable"
    unit = "personnes"
    baseline = Decimal("0")
    target = Decimal("2000")


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    project = factory.SubFactory(ProjectFactory)
    period_start = datetime.date(2024, 2, 1)
    period_end = datetime.date(2024, 3, 31)
    narrative = "Forage réalisé ; la pompe est en cours d'installation."
    percent_complete = 40
    created_by = factory.SubFactory(UserFactory)


class IndicatorReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorReport

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = datetime.date(2024, 2, 1)
    period_end = datetime.date(2024, 3, 31)
    value = Decimal("800")
    created_by = factory.SubFactory(UserFactory)


# --- Money ----------------------------------------------------------------------
# Rows made directly, as fixtures for reading pages and ledgers; writes under
# test go through funding.services. Amounts are in US dollars unless a test
# gives a currency and its equivalent.


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate
        django_get_or_create = ("currency", "month")

    currency = "XOF"
    month = datetime.date(2024, 1, 1)
    units_per_usd = Decimal("600")


class MoneyFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    amount = Decimal("1000.00")
    currency = "USD"
    amount_usd = factory.SelfAttribute("amount")
    # The rate the amount was converted at, as the services store it.
    units_per_usd = factory.LazyAttribute(
        lambda row: (
            Decimal("1")
            if row.currency == "USD" or not row.amount_usd
            else (row.amount / row.amount_usd).quantize(Decimal("0.000001"))
        )
    )
    recorded_by = factory.SubFactory(UserFactory, role=Role.FUND_MANAGER)


class ContributionFactory(MoneyFactory):
    """A pledge of USD 1,000,000 by a donor government to the Trust Fund."""

    class Meta:
        model = Contribution

    donor = factory.SubFactory(OrganisationFactory, kind="bilateral")
    mechanism = factory.LazyFunction(lambda: Mechanism.objects.get(code="tf"))
    amount = Decimal("1000000.00")
    pledged_on = datetime.date(2024, 1, 15)


class DepositFactory(MoneyFactory):
    class Meta:
        model = Deposit

    contribution = factory.SubFactory(ContributionFactory)
    currency = factory.SelfAttribute("contribution.currency")
    received_on = datetime.date(2024, 2, 1)
    reference = factory.Sequence(lambda n: f"DEP-{n:04d}")


class FundingApprovalFactory(MoneyFactory):
    class Meta:
        model = FundingApproval

    project = factory.SubFactory(ProjectFactory)
    mechanism = factory.SelfAttribute("project.mechanism")
    approved_on = datetime.date(2024, 2, 15)
    approving_body = factory.SelfAttribute("mechanism.approving_body")
    decision_reference = factory.Sequence(lambda n: f"PRC-2024-{n:03d}")


class TrancheFactory(MoneyFactory):
    class Meta:
        model = Tranche

    project = factory.SubFactory(ProjectFactory)
    paid_on = datetime.date(2024, 3, 1)
    reference = factory.Sequence(lambda n: f"TRF-{n:04d}")


class ExpenditureFactory(MoneyFactory):
    class Meta:
        model = Expenditure

    project = factory.SubFactory(ProjectFactory)
    spent_on = datetime.date(2024, 4, 1)
    category = Expenditure.Category.SUPPLIES
