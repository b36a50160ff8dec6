import csv
import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook, load_workbook

from funding import imports, services
from funding.models import Contribution, ExchangeRate
from tests.factories import ExchangeRateFactory, OrganisationFactory

CONTRIBUTIONS = "/funding/contributions/import/"
RATES = "/funding/rates/import/"
MARCH = datetime.date(2026, 3, 1)
HEADERS = [
    "Donor",
    "Mechanism",
    "Pledged amount",
    "Currency",
    "Pledge date",
    "Earmarked region",
    "Earmarked pillar",
    "Agreement reference",
    "Notes",
]
FRENCH_HEADERS = [
    "Bailleur",
    "Mécanisme",
    "Montant annoncé",
    "Devise",
    "Date de l'annonce",
    "Région affectée",
    "Pilier affecté",
    "Référence de l'accord",
    "Notes",
]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def donors(db):
    return (
        OrganisationFactory(name="Royaume de Suède", acronym="ASDI"),
        OrganisationFactory(name="Allemagne", acronym="GIZ"),
    )


@pytest.fixture
def march_rates(db):
    ExchangeRateFactory(currency="XOF", month=MARCH, units_per_usd=Decimal("600"))
    ExchangeRateFactory(currency="EUR", month=MARCH, units_per_usd=Decimal("0.92"))


def csv_file(rows, *, delimiter=",", name="file.csv", bom=False, encoding="utf-8"):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    content = ("\ufeff" if bom else "") + text.getvalue()
    return SimpleUploadedFile(name, content.encode(encoding), "text/csv")


def xlsx_file(rows, *, name="file.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return SimpleUploadedFile(name, content.getvalue(), imports.spreadsheets.XLSX_CONTENT_TYPE)


def problems(response) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in response.context["failed"].problems]


def messages_of(response) -> list[str]:
    return [p.message for p in response.context["failed"].problems]


# --- Contributions: good files --------------------------------------------------------


def test_good_csv_imports_every_contribution_with_its_usd_equivalent(
    client_for, fund_manager, donors, march_rates
):
    upload = csv_file(
        [
            HEADERS,
            ["ASDI", "tf", "1,234,567.89", "USD", "2026-03-15", "", "", "AGR-1", ""],
            ["allemagne", "PBF", "600000", "xof", "20/03/2026", "ML-7", "Social cohesion", "", "n"],
        ]
    )

    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": upload}, follow=False)

    assert response.status_code == 302
    assert response.url == "/funding/contributions/"
    sweden, germany = donors
    first = Contribution.objects.get(donor=sweden)
    assert (first.mechanism.code, first.amount, first.currency) == (
        "tf",
        Decimal("1234567.89"),
        "USD",
    )
    assert (first.amount_usd, first.units_per_usd) == (Decimal("1234567.89"), 1)
    assert first.reference == "AGR-1"
    assert first.recorded_by == fund_manager
    second = Contribution.objects.get(donor=germany)
    assert second.amount_usd == Decimal("1000.00")  # 600,000 XOF at 600 to the dollar
    assert second.units_per_usd == Decimal("600")
    assert second.pledged_on == datetime.date(2026, 3, 20)
    assert second.earmark_region.code == "ML-7"
    assert second.earmark_pillar == "social_cohesion"
    assert second.notes == "n"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["2 contributions imported."]


def test_french_semicolon_csv_with_byte_order_mark_and_decimal_commas_is_imported(
    client_for, fund_manager, donors, march_rates
):
    upload = csv_file(
        [
            [header.upper() for header in FRENCH_HEADERS],
            [
                "Royaume de Suède",
                "Projets à impact rapide",
                "460 000,50",
                "EUR",
                "15/03/2026",
                "Gao",
            ]
            + ["Cohésion sociale", "ACC-7", "Promesse de mars"],
            ["giz", "qip", "1.234.567,89", "USD", "2026-03-02", "menaka", "", "", ""],
        ],
        delimiter=";",
        bom=True,
    )

    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": upload})

    assert response.status_code == 302
    sweden, germany = donors
    euros = Contribution.objects.get(donor=sweden)
    assert (euros.amount, euros.currency) == (Decimal("460000.50"), "EUR")
    assert euros.amount_usd == Decimal("500000.54")  # 460,000.50 / 0.92
    assert euros.earmark_region.code == "ML-7"
    assert euros.earmark_pillar == "social_cohesion"
    assert (euros.reference, euros.notes) == ("ACC-7", "Promesse de mars")
    dollars = Contribution.objects.get(donor=germany)
    assert dollars.amount == Decimal("1234567.89")
    assert dollars.mechanism.code == "qip"
    assert dollars.earmark_region.code == "ML-9"


def test_good_xlsx_with_number_and_date_cells_is_imported(
    client_for, fund_manager, donors, march_rates
):
    upload = xlsx_file(
        [
            HEADERS,
            ["ASDI", "TF", 1234.56, "XOF", datetime.date(2026, 3, 31), None, None, None, None],
            ["GIZ", "PBF", 250000, "EUR", "2026-03-01", "Tombouctou", "dialogue", 2026, None],
        ]
    )

    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": upload})

    assert response.status_code == 302
    sweden, germany = donors
    xof = Contribution.objects.get(donor=sweden)
    assert (xof.amount, xof.amount_usd) == (Decimal("1234.56"), Decimal("2.06"))
    assert xof.pledged_on == datetime.date(2026, 3, 31)
    assert xof.earmark_region is None and xof.earmark_pillar == ""
    eur = Contribution.objects.get(donor=germany)
    assert eur.amount_usd == Decimal("271739.13")
    assert eur.earmark_region.code == "ML-6"
    assert eur.earmark_pillar == "dialogue"
    assert eur.reference == "2026"


def test_the_page_lists_the_expected_columns_and_links_to_the_template(client_for, fund_manager):
    response = client_for(fund_manager).get(CONTRIBUTIONS)

    assert response.status_code == 200
    expected = {header: required for header, required, _accepts in response.context["expected"]}
    assert list(expected) == HEADERS
    assert expected["Donor"] and not expected["Notes"]
    assert 'href="/funding/contributions/import/template.xlsx"' in response.text
    assert "1 234,56" in response.text  # the formats accepted
    assert 'enctype="multipart/form-data"' in response.text


# --- Contributions: problems ----------------------------------------------------------


def test_bad_rows_among_good_ones_write_nothing_and_every_problem_is_listed(
    client_for, fund_manager, donors, march_rates
):
    good = ["ASDI", "TF", "1000", "USD", "2026-03-15", "", "", "", ""]
    other_good = ["ASDI", "TF", "2000", "USD", "2026-03-15", "", "", "", ""]
    third_good = ["ASDI", "TF", "3000", "USD", "2026-03-15", "", "", "", ""]
    upload = csv_file(
        [
            HEADERS,
            good,
            ["Atlantis", "XYZ", "-5", "ABC", "31/02/2026", "", "", "", ""],
            other_good,
            ["GIZ", "QIP", "12.345", "EUR", "2026-03-01", "Kayes", "Peace", "x" * 101, ""],
            ["GIZ", "QIP", "", "EUR", "", "Nowhere", "", "", ""],
            third_good,
        ]
    )

    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": upload})

    assert response.status_code == 200
    assert not Contribution.objects.exists()
    assert problems(response) == [
        (3, "Donor"),
        (3, "Mechanism"),
        (3, "Pledged amount"),
        (3, "Currency"),
        (3, "Pledge date"),
        (5, "Pledged amount"),
        (5, "Earmarked region"),
        (5, "Earmarked pillar"),
        (5, "Agreement reference"),
        (6, "Pledged amount"),
        (6, "Pledge date"),
        (6, "Earmarked region"),
    ]
    page = response.text
    assert "Nothing was imported: 12 problems in 3 rows." in page
    for text in (
        "No organisation is named “Atlantis”",
        "Unknown mechanism “XYZ”",
        "The amount must be more than zero.",
        "“ABC” is not a currency of the portal",
        "“31/02/2026” is not a date",
        "Amounts have at most two decimals (cents).",
        "Kayes is outside the regions where the section works.",
        "Unknown pillar “Peace”.",
        "At most 100 characters.",
        "This column is required.",
        "Unknown region “Nowhere”",
    ):
        assert text in page
    assert '<td class="num">5</td>' in page


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1234.56", Decimal("1234.56")),
        ("1 234,56", Decimal("1234.56")),
        ("1\u202f234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1.234.567,8", Decimal("1234567.80")),
        ("1,234,567", Decimal("1234567")),
        ("12,5", Decimal("12.50")),
        ("1234", Decimal("1234")),
    ],
)
def test_amounts_are_read_in_either_language(text, amount):
    assert imports.parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,234", "ambiguous"),
        ("12 34", "is not a number"),
        ("1,23,456.00", "is not a number"),
        ("1.234,56.7", "is not a number"),
        ("12 USD", "is not a number"),
        ("abc", "is not a number"),
        ("0", "more than zero"),
        ("-10", "more than zero"),
        ("10.001", "at most two decimals"),
    ],
)
def test_amounts_that_cannot_be_read_for_sure_are_refused(text, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        imports.parse_amount(text)
    assert message in refused.value.messages[0]


def test_a_missing_exchange_rate_is_named_with_its_currency_and_month(
    client_for, fund_manager, donors, march_rates
):
    upload = csv_file(
        [HEADERS, ["ASDI", "TF", "1000", "XOF", "2026-04-02", "", "", "", ""]],
    )

    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": upload})

    assert response.status_code == 200
    assert problems(response) == [(2, "Pledge date")]
    assert "No exchange rate for XOF in April 2026" in messages_of(response)[0]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.txt", b"Donor,Mechanism\n"),
            "Choose a CSV file or an Excel workbook (.xlsx).",
        ),
        (
            SimpleUploadedFile("sheet.xlsx", b"Donor,Mechanism\nASDI,TF\n"),
            "could not be read as an Excel workbook",
        ),
        (
            SimpleUploadedFile("archive.csv", b"PK\x03\x04\x14\x00\x08\x00\x88\xc3\x9f\xff"),
            "not in UTF-8",
        ),
        (
            SimpleUploadedFile("latin.csv", ";".join(FRENCH_HEADERS).encode("latin-1")),
            "not in UTF-8",
        ),
        (SimpleUploadedFile("empty.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("blank.csv", b"\n\n"), "missing: Donor"),
        (csv_file([HEADERS[:3] + HEADERS[4:]]), "missing: Currency"),
        (csv_file([HEADERS]), "no rows to import"),
    ],
    ids=["txt", "not-xlsx", "binary-csv", "latin-1", "empty", "blank", "no-currency", "headers"],
)
def test_a_file_that_cannot_be_imported_says_why_and_writes_nothing(
    client_for, fund_manager, donors, march_rates, upload, message
):
    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": upload})

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert message in response.text
    assert not Contribution.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_for, fund_manager, donors, settings):
    settings.UPLOAD_MAX_BYTES = 100
    upload = csv_file([HEADERS] + [["ASDI", "TF", "1000", "USD", "2026-03-15"]] * 5)

    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": upload})

    assert response.status_code == 200
    assert "The file is too large" in response.context["form"].errors["file"][0]
    assert not Contribution.objects.exists()


def test_problems_are_in_french_for_a_french_reader(
    client, client_for, fund_manager, donors, march_rates, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    upload = csv_file(
        [FRENCH_HEADERS, ["ASDI", "TF", "1000", "XOF", "2026-04-02", "", "", "", ""]],
        delimiter=";",
    )

    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": upload})

    assert problems(response) == [(2, "Date de l'annonce")]
    assert "avril 2026" in messages_of(response)[0]
    settings.UPLOAD_MAX_BYTES = 10
    too_large = client.post(CONTRIBUTIONS, {"file": csv_file([FRENCH_HEADERS])})
    assert "Le fichier est trop volumineux" in too_large.context["form"].errors["file"][0]
    page = client.get(CONTRIBUTIONS).text
    assert "Bailleur" in page and "Montant annoncé" in page


def test_checking_a_file_costs_the_same_queries_whatever_its_rows(
    client_for, fund_manager, donors, march_rates
):
    def bad_file(count):
        row = ["Atlantis", "TF", "1000", "XOF", "2026-03-15", "Gao", "", "", ""]
        return csv_file([HEADERS] + [row] * count)

    client = client_for(fund_manager)
    with CaptureQueriesContext(connection) as few:
        client.post(CONTRIBUTIONS, {"file": bad_file(2)})
    with CaptureQueriesContext(connection) as many:
        response = client.post(CONTRIBUTIONS, {"file": bad_file(40)})

    assert len(response.context["failed"].problems) == 40
    # Organisations, mechanisms, regions and the exchange rates the file needs:
    # one query each, whatever the number of rows.
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_refusal_while_writing_rolls_back_the_contributions_already_written(
    client_for, fund_manager, donors, march_rates
):
    real = services.record_contribution
    calls = []

    def refuse_the_third(**fields):
        calls.append(fields)
        if len(calls) == 3:
            raise ValidationError({"amount": "Refused by the service."})
        return real(**fields)

    rows = [["ASDI", "TF", str(1000 + n), "USD", "2026-03-15", "", "", "", ""] for n in range(4)]
    with mock.patch("funding.services.record_contribution", side_effect=refuse_the_third):
        response = client_for(fund_manager).post(
            CONTRIBUTIONS, {"file": csv_file([HEADERS, *rows])}
        )

    assert response.status_code == 200
    assert problems(response) == [(4, "Pledged amount")]
    assert messages_of(response) == ["Refused by the service."]
    assert len(calls) == 4  # every row was tried, for every refusal to be reported
    assert not Contribution.objects.exists()


# --- Exchange rates -------------------------------------------------------------------

RATE_HEADERS = ["Currency", "Month", "Units per USD"]


def test_good_rates_file_records_every_rate(client_for, fund_manager):
    upload = csv_file(
        [
            ["Devise", "Mois", "Unités par USD"],
            ["XOF", "2026-03", "605,25"],
            ["eur", "04/2026", "0.923456"],
            ["GBP", "15/05/2026", "0.79"],
        ],
        delimiter=";",
    )

    response = client_for(fund_manager).post(RATES, {"file": upload})

    assert response.status_code == 302
    assert response.url == "/funding/rates/"
    recorded = set(ExchangeRate.objects.values_list("currency", "month", "units_per_usd"))
    assert recorded == {
        ("XOF", MARCH, Decimal("605.25")),
        ("EUR", datetime.date(2026, 4, 1), Decimal("0.923456")),
        ("GBP", datetime.date(2026, 5, 1), Decimal("0.79")),
    }
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["3 exchange rates imported."]


def test_rates_from_xlsx_number_and_date_cells(client_for, fund_manager):
    upload = xlsx_file([RATE_HEADERS, ["XOF", datetime.date(2026, 3, 1), 605.125]])

    response = client_for(fund_manager).post(RATES, {"file": upload})

    assert response.status_code == 302
    assert ExchangeRate.objects.get().units_per_usd == Decimal("605.125")


def test_importing_the_same_rates_file_again_is_harmless(client_for, fund_manager):
    rows = [RATE_HEADERS, ["XOF", "2026-03", "600"], ["EUR", "2026-03", "0.92"]]
    client = client_for(fund_manager)
    client.post(RATES, {"file": csv_file(rows)})

    response = client.post(RATES, {"file": csv_file(rows + [["EUR", "2026-04", "0.93"]])})

    assert response.status_code == 302
    assert ExchangeRate.objects.count() == 3
    assert ExchangeRate.objects.get(currency="XOF").history.count() == 1  # not written again
    # The message of the first import, never shown, comes first.
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert message == "1 exchange rate imported. 2 were already recorded with the same values."


def test_a_rate_recorded_with_another_value_is_not_overwritten(client_for, fund_manager):
    ExchangeRateFactory(currency="XOF", month=MARCH, units_per_usd=Decimal("600"))
    upload = csv_file([RATE_HEADERS, ["EUR", "2026-03", "0.92"], ["XOF", "2026-03", "610"]])

    response = client_for(fund_manager).post(RATES, {"file": upload})

    assert response.status_code == 200
    assert problems(response) == [(3, "Units per USD")]
    assert messages_of(response) == [
        "The rate of XOF for this month is already recorded as 600; correct it on the rates page."
    ]
    assert ExchangeRate.objects.get().units_per_usd == Decimal("600")


def test_bad_rate_rows_are_all_reported_and_nothing_is_recorded(client_for, fund_manager):
    upload = csv_file(
        [
            RATE_HEADERS,
            ["XOF", "2026-03", "600"],
            ["USD", "2026-03", "1"],
            ["xof", "03/2026", "600"],
            ["EUR", "March", "0"],
            ["CHF", "2026-03", "0.1234567"],
        ]
    )

    response = client_for(fund_manager).post(RATES, {"file": upload})

    assert response.status_code == 200
    assert problems(response) == [
        (3, "Currency"),
        (4, "Month"),
        (5, "Month"),
        (5, "Units per USD"),
        (6, "Units per USD"),
    ]
    found = messages_of(response)
    assert "The US dollar has no rate" in found[0]
    assert found[1] == "XOF for this month is already in row 2 of this file."
    assert "“March” is not a month" in found[2]
    assert found[3] == "A rate must be more than zero."
    assert found[4] == "A rate has at most six decimals."
    assert "Nothing was imported: 5 problems in 4 rows." in response.text
    assert not ExchangeRate.objects.exists()


def test_a_refusal_while_writing_rolls_back_the_rates_already_written(client_for, fund_manager):
    real = services.record_rate

    def refuse_the_third(**fields):
        if fields["currency"] == "GBP":
            raise ValidationError({"units_per_usd": "Refused by the service."})
        return real(**fields)

    upload = csv_file(
        [
            RATE_HEADERS,
            ["XOF", "2026-03", "600"],
            ["EUR", "2026-03", "0.92"],
            ["GBP", "2026-03", "0.79"],
            ["CHF", "2026-03", "0.88"],
        ]
    )
    with mock.patch("funding.services.record_rate", side_effect=refuse_the_third):
        response = client_for(fund_manager).post(RATES, {"file": upload})

    assert response.status_code == 200
    assert problems(response) == [(4, "Units per USD")]
    assert not ExchangeRate.objects.exists()


# --- Who may import -------------------------------------------------------------------


def _one_row(page):
    if page == RATES:
        return csv_file([RATE_HEADERS, ["XOF", "2026-03", "600"]])
    return csv_file([HEADERS, ["ASDI", "TF", "1000", "USD", "2026-03-15", "", "", "", ""]])


@pytest.mark.parametrize("page", [CONTRIBUTIONS, RATES])
@pytest.mark.parametrize("role", ["fund_manager", "admin_user"])
def test_fund_managers_and_administrators_import(client_for, request, donors, page, role):
    client = client_for(request.getfixturevalue(role))

    assert client.get(page).status_code == 200
    assert client.get(page + "template.xlsx").status_code == 200
    assert client.post(page, {"file": _one_row(page)}).status_code == 302
    assert ExchangeRate.objects.count() + Contribution.objects.count() == 1


@pytest.mark.parametrize("page", [CONTRIBUTIONS, RATES])
@pytest.mark.parametrize("role", ["hq_user", "gao_officer", "viewer"])
def test_others_may_not_import(client_for, request, donors, page, role):
    client = client_for(request.getfixturevalue(role))

    assert client.get(page).status_code == 403
    assert client.post(page, {"file": _one_row(page)}).status_code == 403
    assert client.get(page + "template.xlsx").status_code == 403
    assert not ExchangeRate.objects.exists()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("page", [CONTRIBUTIONS, RATES])
def test_anonymous_visitors_are_sent_to_sign_in(client, donors, page):
    response = client.post(page, {"file": _one_row(page)})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.get(page).status_code == 302
    assert not ExchangeRate.objects.exists()
    assert not Contribution.objects.exists()


# --- Templates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "page", "headers"),
    [
        ("en", CONTRIBUTIONS, HEADERS),
        ("fr", CONTRIBUTIONS, FRENCH_HEADERS),
        ("en", RATES, RATE_HEADERS),
        ("fr", RATES, ["Devise", "Mois", "Unités par USD"]),
    ],
)
def test_template_file_has_the_headers_in_the_readers_language(
    client, client_for, fund_manager, language, page, headers
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client_for(fund_manager).get(page + "template.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    assert [cell.value for cell in next(sheet.iter_rows())] == headers
    assert sheet.max_row == 1


def test_the_template_imports_once_filled_in(client_for, fund_manager, donors):
    client = client_for(fund_manager)
    template = load_workbook(io.BytesIO(client.get(CONTRIBUTIONS + "template.xlsx").getvalue()))
    template.active.append(["GIZ", "QIP", 40000, "USD", datetime.date(2026, 3, 2)])
    content = io.BytesIO()
    template.save(content)

    response = client.post(
        CONTRIBUTIONS, {"file": SimpleUploadedFile("modele.xlsx", content.getvalue())}
    )

    assert response.status_code == 302
    assert Contribution.objects.get().amount == Decimal("40000")


def test_importing_the_same_contributions_again_records_nothing_twice(client_for, fund_manager):
    OrganisationFactory(name="Royaume de Suède", acronym="SE", kind="bilateral")
    content = (
        b"donor,mechanism,pledged amount,currency,pledge date,earmark region,"
        b"earmark pillar,reference,notes\n"
        b"SE,tf,250000,USD,2024-03-01,,,SE-2024-01,\n"
    )
    client = client_for(fund_manager)

    for _attempt in range(2):
        response = client.post(
            "/funding/contributions/import/",
            {"file": SimpleUploadedFile("contributions.csv", content, "text/csv")},
        )
        assert response.status_code == 302

    assert Contribution.objects.filter(reference="SE-2024-01").count() == 1


def test_the_same_pledge_twice_in_a_file_is_refused_on_its_second_row(
    client_for, fund_manager, donors, march_rates
):
    row = ["ASDI", "TF", "1000", "USD", "2026-03-15", "", "", "", ""]

    response = client_for(fund_manager).post(CONTRIBUTIONS, {"file": csv_file([HEADERS, row, row])})

    assert response.status_code == 200
    assert problems(response) == [(3, "Pledged amount")]
    assert not Contribution.objects.exists()
