"""Once funding is approved for a project, the basis its money is counted on
(mechanism, window, currency) no longer changes and its budget never falls
below what is approved: through the edit form, the budget page and Django
admin alike, whatever is posted. A project with no approval changes freely."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.forms import CheckboxInput, MultiWidget
from django.utils import timezone, translation
from django.utils.formats import date_format

from funding.models import Mechanism, Window
from projects.models import Project
from regions.models import Region
from tests.factories import (
    ContributionFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    ProjectFactory,
    TrancheFactory,
)

CURRENCY_LOCKED = "Funding is approved for this project: its currency can no longer change."
MECHANISM_LOCKED = "Funding is approved for this project: its mechanism can no longer change."
WINDOW_LOCKED = "Funding is approved for this project: its window can no longer change."
# The amount and its currency are joined by a no-break space.
BELOW_APPROVED = "The budget cannot fall below the 49,998.43\u00a0USD already approved."


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def euro_rate_this_month(db):
    # Budgets of mechanisms with a ceiling are converted at this month's rate.
    ExchangeRateFactory(
        currency="EUR", month=datetime.date.today().replace(day=1), units_per_usd="0.9"
    )


@pytest.fixture
def funded(db):
    """An ongoing QIP in Gao of USD 50,000: 49,998.43 approved, 39,998.74
    transferred, 12,000 spent."""
    project = ProjectFactory(status=Project.Status.ONGOING, budget_amount=Decimal("50000"))
    FundingApprovalFactory(project=project, amount=Decimal("49998.43"))
    TrancheFactory(project=project, amount=Decimal("39998.74"))
    ExpenditureFactory(project=project, amount=Decimal("12000"))
    return project


def mechanism(code: str) -> Mechanism:
    return Mechanism.objects.get(code=code)


def window(code: str) -> Window:
    return Window.objects.get(code=code)


def saved(project: Project) -> tuple:
    """What the money is counted on, as the database holds it."""
    row = Project.objects.get(pk=project.pk)
    return (
        row.mechanism_id,
        row.window_id,
        row.budget_currency,
        row.budget_amount,
        row.budget_usd,
        row.region_id,
        row.version,
    )


def edit_data(project: Project, **overrides) -> dict:
    """The portal's edit form as opened on `project`, every field sent."""
    data = {
        "version": project.version,
        "title": project.title,
        "summary": project.summary,
        "region": project.region_id,
        "cercles": list(project.cercles.values_list("pk", flat=True)),
        "priority": project.priority_id or "",
        "mechanism": project.mechanism_id,
        "window": project.window_id or "",
        "implementing_partner": project.implementing_partner_id or "",
        "focal_point": project.focal_point_id or "",
        "budget_amount": str(project.budget_amount),
        "budget_currency": project.budget_currency,
        "planned_start": project.planned_start.isoformat(),
        "planned_end": project.planned_end.isoformat(),
        "actual_start": "",
        "actual_end": "",
        "women": project.women,
        "men": project.men,
        "girls": project.girls,
        "boys": project.boys,
        "gender_marker": project.gender_marker,
    }
    return data | overrides


def _errors(response) -> dict:
    return response.context["form"].errors


# --- The regional officer's edit form ------------------------------------------------


def test_officer_cannot_change_the_mechanism_and_currency_of_a_project_with_money(
    client_for, gao_officer, funded
):
    before = saved(funded)

    response = client_for(gao_officer).post(
        f"/projects/{funded.pk}/edit/",
        edit_data(funded, mechanism=mechanism("tf").pk, budget_currency="EUR"),
    )

    assert response.status_code == 200
    assert _errors(response)["mechanism"] == [MECHANISM_LOCKED]
    assert _errors(response)["budget_currency"] == [CURRENCY_LOCKED]
    assert MECHANISM_LOCKED in response.text and CURRENCY_LOCKED in response.text
    assert saved(funded) == before


def test_officer_cannot_change_the_window_of_a_funded_pbf_project(client_for, gao_officer):
    project = ProjectFactory(
        mechanism=mechanism("pbf"), window=window("irf"), implementing_partner=None
    )
    FundingApprovalFactory(project=project, amount=Decimal("300000"))
    before = saved(project)

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/edit/", edit_data(project, window=window("prf").pk)
    )

    assert response.status_code == 200
    assert _errors(response)["window"] == [WINDOW_LOCKED]
    assert saved(project) == before


@pytest.mark.parametrize("budget", ["1", "49998.42"])
def test_officer_cannot_set_the_budget_below_what_is_approved(
    client_for, gao_officer, funded, budget
):
    before = saved(funded)

    response = client_for(gao_officer).post(
        f"/projects/{funded.pk}/edit/", edit_data(funded, budget_amount=budget)
    )

    assert response.status_code == 200
    assert _errors(response)["budget_amount"] == [BELOW_APPROVED]
    assert BELOW_APPROVED in response.text
    assert saved(funded) == before


def test_officer_may_set_the_budget_to_exactly_what_is_approved(client_for, gao_officer, funded):
    response = client_for(gao_officer).post(
        f"/projects/{funded.pk}/edit/", edit_data(funded, budget_amount="49998.43")
    )

    assert response.status_code == 302
    assert Project.objects.get(pk=funded.pk).budget_amount == Decimal("49998.43")


def test_edit_form_shows_the_locked_fields_disabled_with_the_reason(
    client_for, gao_officer, funded
):
    response = client_for(gao_officer).get(f"/projects/{funded.pk}/edit/")

    form = response.context["form"]
    assert all(form.fields[name].disabled for name in ("mechanism", "window", "budget_currency"))
    assert not form.fields["budget_amount"].disabled
    assert MECHANISM_LOCKED in response.text and CURRENCY_LOCKED in response.text
    assert BELOW_APPROVED in response.text


def test_edit_form_sent_by_a_browser_without_the_disabled_fields_saves_the_rest(
    client_for, gao_officer, funded
):
    data = edit_data(funded, title="Titre revu")
    for name in ("mechanism", "window", "budget_currency"):
        del data[name]  # browsers do not send disabled fields

    response = client_for(gao_officer).post(f"/projects/{funded.pk}/edit/", data)

    assert response.status_code == 302
    project = Project.objects.get(pk=funded.pk)
    assert (project.title, project.mechanism.code, project.budget_currency) == (
        "Titre revu",
        "qip",
        "USD",
    )


def test_earmark_still_keeps_a_funded_project_in_its_region(client_for, hq_user):
    tf, gao = mechanism("tf"), Region.objects.get(code="ML-7")
    project = ProjectFactory(mechanism=tf, status=Project.Status.APPROVED)
    FundingApprovalFactory(
        project=project, contribution=ContributionFactory(mechanism=tf, earmark_region=gao)
    )
    before = saved(project)

    response = client_for(hq_user).post(
        f"/projects/{project.pk}/edit/",
        edit_data(project, region=Region.objects.get(code="ML-5").pk),
    )

    assert response.status_code == 200
    assert "earmarked for" in " ".join(_errors(response)["region"])
    assert saved(project) == before


# --- The fund manager's budget page -----------------------------------------------------


def test_fund_manager_cannot_change_the_currency_of_a_funded_project(client_for, fund_manager):
    # EUR 40,000 would be within the QIP ceiling and above what is approved:
    # only the currency is wrong.
    project = ProjectFactory(status=Project.Status.ONGOING)
    FundingApprovalFactory(project=project, amount=Decimal("30000"))
    TrancheFactory(project=project, amount=Decimal("24000"))
    before = saved(project)

    response = client_for(fund_manager).post(
        f"/projects/{project.pk}/budget/",
        {"version": project.version, "budget_amount": "40000", "budget_currency": "EUR"},
    )

    assert response.status_code == 200
    assert _errors(response) == {"budget_currency": [CURRENCY_LOCKED]}
    assert CURRENCY_LOCKED in response.text
    assert saved(project) == before


def test_fund_manager_cannot_set_the_budget_below_what_is_approved(
    client_for, fund_manager, funded
):
    before = saved(funded)

    response = client_for(fund_manager).post(
        f"/projects/{funded.pk}/budget/",
        {"version": funded.version, "budget_amount": "1", "budget_currency": "USD"},
    )

    assert response.status_code == 200
    assert _errors(response)["budget_amount"] == [BELOW_APPROVED]
    assert saved(funded) == before


def test_budget_page_shows_the_currency_disabled_and_saves_the_amount_without_it(
    client_for, fund_manager, funded
):
    client = client_for(fund_manager)

    page = client.get(f"/projects/{funded.pk}/budget/")
    response = client.post(
        f"/projects/{funded.pk}/budget/", {"version": funded.version, "budget_amount": "49999"}
    )

    assert page.context["form"].fields["budget_currency"].disabled
    assert CURRENCY_LOCKED in page.text
    assert response.status_code == 302
    project = Project.objects.get(pk=funded.pk)
    assert (project.budget_amount, project.budget_currency) == (Decimal("49999"), "USD")


# --- Django admin --------------------------------------------------------------------------


def _posted_back(form, data: dict) -> None:
    """Add to `data` what a browser sends back for the admin form `form` left
    as it is."""
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key, value = form.add_prefix(name), form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                if part is not None:
                    data[f"{key}_{index}"] = str(part)
        elif isinstance(field.widget, CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(item, "pk", item)) for item in value]
        elif value is not None:
            data[key] = str(value)


def _admin_form(client, project: Project) -> tuple[str, dict]:
    """The admin change page of `project` and what its form sends unchanged."""
    url = f"/admin/projects/project/{project.pk}/change/"
    page = client.get(url)
    data: dict = {}
    _posted_back(page.context["adminform"].form, data)
    for inline in page.context["inline_admin_formsets"]:
        _posted_back(inline.formset.management_form, data)
        for form in inline.formset.forms:
            _posted_back(form, data)
    return url, data


@pytest.mark.parametrize(
    "change",
    [
        {"mechanism": "tf", "budget_currency": "EUR"},
        {"budget_currency": "EUR"},
        {"mechanism": "pbf", "window": "irf"},
    ],
)
def test_admin_cannot_change_the_basis_of_a_funded_project(client_for, admin_user, funded, change):
    client = client_for(admin_user)
    url, data = _admin_form(client, funded)
    before = saved(funded)
    posted = {
        "mechanism": lambda code: mechanism(code).pk,
        "window": lambda code: window(code).pk,
        "budget_currency": str,
    }
    data |= {name: posted[name](value) for name, value in change.items()}

    client.post(url, data)
    page = client.get(url)

    assert saved(funded)[:6] == before[:6]
    for name in ("mechanism", "window", "budget_currency"):
        assert f'name="{name}"' not in page.text
    assert (
        "Funding of 49,998.43\u00a0USD is approved for this project: its mechanism, window "
        "and currency can no longer change, and its budget cannot fall below that amount."
    ) in page.text


def test_admin_cannot_set_the_budget_below_what_is_approved(client_for, admin_user, funded):
    client = client_for(admin_user)
    url, data = _admin_form(client, funded)
    before = saved(funded)

    response = client.post(url, data | {"budget_amount": "1"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["budget_amount"] == [BELOW_APPROVED]
    assert BELOW_APPROVED in response.text
    assert saved(funded) == before


def test_admin_keeps_a_funded_project_in_its_funders_region(client_for, admin_user):
    tf, gao = mechanism("tf"), Region.objects.get(code="ML-7")
    project = ProjectFactory(mechanism=tf, status=Project.Status.APPROVED)
    FundingApprovalFactory(
        project=project, contribution=ContributionFactory(mechanism=tf, earmark_region=gao)
    )
    client = client_for(admin_user)
    url, data = _admin_form(client, project)
    before = saved(project)

    response = client.post(url, data | {"region": Region.objects.get(code="ML-5").pk})

    assert response.status_code == 200
    assert "earmarked for" in " ".join(response.context["adminform"].form.errors["region"])
    assert saved(project) == before


# --- No approval: everything may change ----------------------------------------------------


def test_project_without_approval_changes_its_basis_and_budget_on_the_edit_form(
    client_for, gao_officer
):
    project = ProjectFactory()

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/edit/",
        edit_data(
            project,
            mechanism=mechanism("pbf").pk,
            window=window("irf").pk,
            budget_currency="EUR",
            budget_amount="1",
        ),
    )

    assert response.status_code == 302
    project = Project.objects.get(pk=project.pk)
    assert (project.mechanism.code, project.window.code) == ("pbf", "irf")
    assert (project.budget_currency, project.budget_amount) == ("EUR", Decimal("1"))


def test_project_without_approval_changes_its_currency_on_the_budget_page(client_for, fund_manager):
    project = ProjectFactory()

    response = client_for(fund_manager).post(
        f"/projects/{project.pk}/budget/",
        {"version": project.version, "budget_amount": "30000", "budget_currency": "EUR"},
    )

    assert response.status_code == 302
    project = Project.objects.get(pk=project.pk)
    assert (project.budget_currency, project.budget_amount) == ("EUR", Decimal("30000"))


def test_project_without_approval_changes_its_basis_and_budget_in_admin(client_for, admin_user):
    project = ProjectFactory()
    client = client_for(admin_user)
    url, data = _admin_form(client, project)

    response = client.post(
        url,
        data
        | {
            "mechanism": mechanism("pbf").pk,
            "window": window("irf").pk,
            "budget_currency": "EUR",
            "budget_amount": "1",
        },
    )

    assert response.status_code == 302
    project = Project.objects.get(pk=project.pk)
    assert (project.mechanism.code, project.window.code) == ("pbf", "irf")
    assert (project.budget_currency, project.budget_amount) == ("EUR", Decimal("1"))


def test_admin_refuses_a_qip_over_its_ceiling_and_duration(client_for, admin_user):
    # The hole: a QIP saved in admin at EUR 100,000 for 12 months.
    ExchangeRateFactory(currency="EUR", month=datetime.date(2024, 2, 1), units_per_usd="0.9")
    project = ProjectFactory(planned_start=datetime.date(2024, 2, 1))
    client = client_for(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url, data = _admin_form(client, project)
    before = saved(project)

    response = client.post(
        url,
        data | {"budget_amount": "100000", "budget_currency": "EUR", "planned_end": "2025-01-31"},
    )

    assert response.status_code == 200
    # Each on its field, with its figures, as the portal's forms say them.
    errors = response.context["adminform"].form.errors
    with translation.override("en"):
        latest = date_format(datetime.date(2024, 7, 31))
        # The ceiling is checked at the rate of the month it is checked in.
        month = date_format(timezone.localdate(), "YEAR_MONTH_FORMAT")
    assert errors["budget_amount"] == [
        f"100,000.00\xa0EUR is 111,111.11\xa0USD at 0.9 EUR per USD (UN rate of {month}): "
        "more than the 50,000\xa0USD a QIP project may cost."
    ]
    assert errors["planned_end"] == [
        "The project lasts 12 months; QIP projects may last at most 6 months: "
        f"the latest allowed end date is {latest}."
    ]
    assert saved(project) == before


def test_admin_saves_a_qip_within_its_rules(client_for, admin_user):
    project = ProjectFactory(planned_start=datetime.date(2024, 2, 1))
    client = client_for(admin_user)
    url, data = _admin_form(client, project)

    response = client.post(url, data | {"budget_amount": "45000"})

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.budget_amount == Decimal("45000")
