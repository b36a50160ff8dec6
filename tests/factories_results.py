"""Factories of the results that roll up: outcome indicators of plan
priorities, targets per period, and project indicators contributing to them."""

import datetime
from decimal import Decimal

import factory

from projects.models import IndicatorTarget
from regions.models import OutcomeIndicator, OutcomeTarget
from tests.factories import PriorityFactory


class OutcomeIndicatorFactory(factory.django.DjangoModelFactory):
    """An outcome indicator of a priority of a Gao plan (2024–2025)."""

    class Meta:
        model = OutcomeIndicator

    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Personnes ayant accès à l'eau potable {n}")
    unit = "personnes"
    baseline = Decimal("0")
    target = Decimal("5000")


class OutcomeTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeTarget

    indicator = factory.SubFactory(OutcomeIndicatorFactory)
    period_start = datetime.date(2024, 1, 1)
    period_end = datetime.date(2024, 12, 31)
    value = Decimal("2000")


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory("tests.factories.IndicatorFactory")
    period_start = datetime.date(2024, 2, 1)
    period_end = datetime.date(2024, 3, 31)
    value = Decimal("500")
