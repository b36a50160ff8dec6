"""The region page's money: approved, transferred and spent on the region's
projects by financing mechanism, each summed on its own so that several
approvals, tranches and expenditures of a project never multiply each other."""

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

import regions
from funding.models import Mechanism
from regions.models import Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ExpenditureFactory,
    FundingApprovalFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\xa0"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _mechanism(code: str) -> Mechanism:
    return Mechanism.objects.get(code=code)


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def gao_money():
    """In Gao: two QIPs, the first with two approvals, three tranches and two
    expenditures; a Trust Fund project approved in XOF, nothing sent yet; a
    PBF project with a tranche but no approval. In Mopti: a QIP."""
    first = ProjectFactory(code="QIP-2024-GAO-001")
    FundingApprovalFactory(project=first, amount=D("10000.00"))
    FundingApprovalFactory(project=first, amount=D("5000.00"))
    for amount in ("6000.00", "4000.00", "2000.00"):
        TrancheFactory(project=first, amount=D(amount))
    ExpenditureFactory(project=first, amount=D("3000.00"))
    ExpenditureFactory(project=first, amount=D("1500.50"))
    second = ProjectFactory(code="QIP-2024-GAO-002")
    FundingApprovalFactory(project=second, amount=D("20000.00"))
    TrancheFactory(project=second, amount=D("16000.00"))
    ProjectFactory(code="QIP-2024-GAO-003")  # no money

    trust_fund = ProjectFactory(code="TF-2024-GAO-001", mechanism=_mechanism("tf"))
    FundingApprovalFactory(
        project=trust_fund, amount=D("6000000.00"), currency="XOF", amount_usd=D("10000.00")
    )
    peacebuilding = ProjectFactory(code="PBF-2024-GAO-001", mechanism=_mechanism("pbf"))
    TrancheFactory(project=peacebuilding, amount=D("1000.00"))

    elsewhere = ProjectFactory(code="QIP-2024-MOP-001", region=_region("ML-5"))
    FundingApprovalFactory(project=elsewhere, amount=D("99999.00"))
    TrancheFactory(project=elsewhere, amount=D("88888.00"))
    ExpenditureFactory(project=elsewhere, amount=D("77777.00"))


def _money(response) -> dict:
    return {
        row["code"]: (row["approved"], row["transferred"], row["spent"], row["delivery_rate"])
        for row in response.context["money"]
    }


def test_region_page_sums_each_figure_of_each_mechanism_once(client_for, viewer, gao_money):
    response = client_for(viewer).get("/regions/ML-7/")

    money = _money(response)
    assert list(money) == ["pbf", "qip", "tf"]
    # QIP: 10,000 + 5,000 + 20,000; 6,000 + 4,000 + 2,000 + 16,000; 3,000 + 1,500.50
    approved, transferred, spent, rate = money["qip"]
    assert (approved, transferred, spent) == (D("35000"), D("28000"), D("4500.50"))
    assert rate.quantize(D("0.0001")) == D("16.0732")  # 4,500.50 ÷ 28,000
    assert money["tf"] == (D("10000"), D("0"), D("0"), None)
    assert money["pbf"] == (D("0"), D("1000"), D("0"), D("0"))


def test_region_page_shows_the_money_formatted_with_links_to_the_mechanisms(
    client_for, viewer, gao_money
):
    page = client_for(viewer).get("/regions/ML-7/").text

    assert "Money in the region" in page
    assert '<a href="/funding/qip/">QIP</a>' in page
    assert '<a href="/funding/tf/">' in page
    assert f"35,000.00{NBSP}USD" in page
    assert f"28,000.00{NBSP}USD" in page
    assert f"4,500.50{NBSP}USD" in page
    assert f"16.1{NBSP}%" in page


def test_region_page_shows_the_money_in_french(client_for, viewer, gao_money):
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = client.get("/regions/ML-7/").text

    assert f"35{NBSP}000,00{NBSP}USD" in page
    assert f"16,1{NBSP}%" in page


def test_another_regions_money_is_absent(client_for, viewer, gao_money):
    response = client_for(viewer).get("/regions/ML-7/")

    assert D("99999") not in [row["approved"] for row in response.context["money"]]
    assert "99,999.00" not in response.text and "88,888.00" not in response.text
    mopti = _money(client_for(viewer).get("/regions/ML-5/"))
    assert mopti == {"qip": (D("99999"), D("88888"), D("77777"), mopti["qip"][3])}
    assert mopti["qip"][3].quantize(D("0.0001")) == D("87.5000")  # 77,777 ÷ 88,888


def test_region_without_money_says_so(client_for, viewer, gao_money):
    ProjectFactory(region=_region("ML-8"))  # a project, but no money

    response = client_for(viewer).get("/regions/ML-8/")

    assert response.context["money"] == []
    assert "No funding has been approved, transferred or spent in this region yet." in (
        response.text
    )


def test_the_regions_app_imports_neither_coordination_funding_nor_projects():
    # The regions app sits below them (docs/architecture.md, the import rule).
    for path in Path(regions.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in {"coordination", "funding", "projects"}, path


def _more_money(n: int) -> None:
    """n more projects in Gao across the mechanisms, each with two approvals,
    three tranches and two expenditures."""
    mechanisms = list(Mechanism.objects.all())
    for i in range(n):
        project = ProjectFactory(mechanism=mechanisms[i % len(mechanisms)])
        FundingApprovalFactory.create_batch(2, project=project)
        TrancheFactory.create_batch(3, project=project, paid_on=datetime.date(2024, 3, 1))
        ExpenditureFactory.create_batch(2, project=project)


@pytest.mark.parametrize("extra", [0, 12])
def test_region_money_costs_three_queries_whatever_the_rows(
    client_for, reader, django_assert_num_queries, gao_money, extra
):
    client = client_for(reader)
    _more_money(extra)
    # The region, its offices (with heads), its cercles, the plan in force
    # (none), the cercles with their projects counted (none has any), the
    # count and the first of the projects without a cercle, the region's
    # project totals, the coordination bodies (none, so no meetings are read);
    # the money by mechanism: approved, transferred, spent (one grouped query
    # each); the region's projects and plans that owe reports (none) (2); the
    # map of the projects' locations (3).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 9 + 3 + 2 + 3):
        response = client.get("/regions/ML-7/")
    assert len(response.context["money"]) == 3


# --- The region's printable report --------------------------------------------------


def test_the_region_report_shows_the_pages_money_and_an_a4_map(client_for, viewer, gao_money):
    client = client_for(viewer)

    page = client.get("/regions/ML-7/")
    report = client.get("/regions/ML-7/report/")

    assert report.status_code == 200
    # The same figures as the region's page, from the same definition.
    assert _money(report) == _money(page)
    assert 'href="/regions/ML-7/report/"' in page.text
    assert '<section class="report__map">' in report.text
    assert 'class="map__svg"' in report.text
    assert "<h1>Gao</h1>" in report.text


@pytest.mark.parametrize("extra", [0, 12])
def test_the_region_report_costs_the_same_queries_whatever_the_rows(
    client_for, reader, django_assert_num_queries, gao_money, extra
):
    client = client_for(reader)
    _more_money(extra)
    client.get("/regions/ML-7/report/")  # content types and the like, read once
    # The region, its offices (with heads), its cercles, the plan in force
    # (none); the money by mechanism: approved, transferred, spent (3); the
    # map of the projects' locations: the locations, the cercles of projects
    # without one, the regions (3).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4 + 3 + 3):
        response = client.get("/regions/ML-7/report/")
    assert len(response.context["money"]) == 3
