"""Importing contributions and exchange rates from a spreadsheet, all or nothing.

A file is read (`core.spreadsheets.read_table`), every row is checked
before anything is written, and the problems are reported together, each
with its row as numbered in the spreadsheet, its column and a message in the
reader's language. Only a file without a problem is written, in one
transaction, through the services that hold the invariants; a row a service
refuses at that moment rolls back the rows already written.

Headers are accepted in English or French, in any case, with or without
accents; every column must be present in the first row, and optional ones may
be left empty.
"""

import csv
import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coordination.models import Organisation
from core import spreadsheets
from funding import rates, services
from funding.access import require_money_rights
from funding.models import RATED_CURRENCIES, Contribution, Currency, ExchangeRate, Mechanism
from regions.models import Pillar, Region

# --- Columns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an import: its key (the model field it fills), its header
    in each language, other headers accepted, and what it takes."""

    key: str
    en: str
    fr: str
    accepts: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()  # the values a column of codes takes

    @property
    def description(self) -> str:
        """What the column takes, as a person reads it."""
        return str(self.accepts) % {"codes": ", ".join(self.codes)}

    @property
    def header(self) -> str:
        """The header in the active language."""
        return self.fr if (translation.get_language() or "fr").startswith("fr") else self.en

    def headers(self) -> list[str]:
        """Every header accepted, the one in the active language first."""
        accepted = [self.header, self.en, self.fr, self.key.replace("_", " "), *self.aliases]
        accepted += [_folded(header) for header in accepted]
        return list(dict.fromkeys(accepted))


CURRENCIES = tuple(Currency.values)
RATED = tuple(code for code, _label in RATED_CURRENCIES)

CONTRIBUTION_COLUMNS = [
    Column(
        "donor",
        "Donor",
        "Bailleur",
        gettext_lazy("The name or acronym of an organisation of the portal."),
        aliases=("bailleur de fonds", "donateur"),
    ),
    Column(
        "mechanism",
        "Mechanism",
        "Mécanisme",
        gettext_lazy("QIP, TF or PBF."),
    ),
    Column(
        "amount",
        "Pledged amount",
        "Montant annoncé",
        gettext_lazy("More than zero, at most two decimals: 1234.56, 1 234,56 or 1,234.56."),
        aliases=("amount", "montant", "montant promis"),
    ),
    Column(
        "currency",
        "Currency",
        "Devise",
        gettext_lazy("An ISO code: %(codes)s."),
        aliases=("monnaie",),
        codes=CURRENCIES,
    ),
    Column(
        "pledged_on",
        "Pledge date",
        "Date de l'annonce",
        gettext_lazy("2026-03-15 or 15/03/2026."),
        aliases=("pledged on", "date", "date de la promesse"),
    ),
    Column(
        "earmark_region",
        "Earmarked region",
        "Région affectée",
        gettext_lazy("A region's code (ML-7) or name; empty for any region."),
        required=False,
        aliases=("region", "région"),
    ),
    Column(
        "earmark_pillar",
        "Earmarked pillar",
        "Pilier affecté",
        gettext_lazy("A pillar's name; empty for any pillar."),
        required=False,
        aliases=("pillar", "pilier"),
    ),
    Column(
        "reference",
        "Agreement reference",
        "Référence de l'accord",
        gettext_lazy("Up to 100 characters."),
        required=False,
        aliases=("référence", "référence de l’accord"),
    ),
    Column(
        "notes",
        "Notes",
        "Notes",
        gettext_lazy("Any text."),
        required=False,
        aliases=("remarques", "observations"),
    ),
]

RATE_COLUMNS = [
    Column(
        "currency",
        "Currency",
        "Devise",
        gettext_lazy("An ISO code: %(codes)s."),
        aliases=("monnaie",),
        codes=RATED,
    ),
    Column(
        "month",
        "Month",
        "Mois",
        gettext_lazy("2026-03, 03/2026 or any date of the month."),
    ),
    Column(
        "units_per_usd",
        "Units per USD",
        "Unités par USD",
        gettext_lazy("How many units of the currency one US dollar buys: 605.25 or 605,25."),
        aliases=("units per us dollar", "unités par dollar", "rate", "taux"),
    ),
]

# --- The report -----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int | None  # as numbered in the spreadsheet; None for the whole file
    column: str
    message: str


@dataclass
class Imported:
    written: int
    skipped: int = 0


class ImportFailed(Exception):
    """Nothing was written; `problems` says why, every one of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems

    @property
    def row_count(self) -> int:
        return len({problem.row for problem in self.problems if problem.row is not None})

    @property
    def in_rows(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.row is not None]

    @property
    def in_file(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.row is None]

    @property
    def summary(self) -> str:
        """What the page says above the list of problems."""
        if not self.in_rows:
            return _("Nothing was imported.")
        return _("Nothing was imported: %(problems)s in %(rows)s.") % {
            "problems": ngettext("%(count)d problem", "%(count)d problems", len(self.problems))
            % {"count": len(self.problems)},
            "rows": ngettext("%(count)d row", "%(count)d rows", self.row_count)
            % {"count": self.row_count},
        }


@dataclass
class _Row:
    """One row as read and checked: its problems, and its values once checked."""

    number: int
    cells: dict[str, str]
    columns: dict[str, Column]
    values: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, key: str, message: str) -> None:
        column = self.columns.get(key)
        self.problems.append(Problem(self.number, column.header if column else "", str(message)))

    def check(self, key: str, parse) -> None:
        """Parse the cell of `key` into `values`, or note its problem."""
        text = self.cells.get(key, "").strip()
        if not text:
            if self.columns[key].required:
                self.refuse(key, _("This column is required."))
            else:
                self.values[key] = parse(None)
            return
        try:
            self.values[key] = parse(text)
        except ValidationError as error:
            for message in error.messages:
                self.refuse(key, message)

    def refuse_all(self, error: ValidationError) -> None:
        """Note what a service refused, each message under its column."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.refuse("", message)
            return
        for key, errors in error.error_dict.items():
            for message in ValidationError(errors).messages:
                self.refuse(key, message)


# --- Reading cells --------------------------------------------------------------------

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
_NUMBER = re.compile(r"[0-9](?:[0-9 ,.]*[0-9])?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:[ ,.][0-9]{3})*")


def _folded(text: str) -> str:
    """`text` without case or accents, to compare names as people type them."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPACES).strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def parse_number(text: str) -> Decimal:
    """A number written as people write it: 1234.56, 1 234,56, 1,234.56,
    1.234.567,89. A lone comma followed by three digits (1,234) could be a
    thousands separator or a decimal comma, and is refused as ambiguous; a
    lone point is a decimal point (spreadsheets write numbers so)."""
    value = text.translate(_SPACES).strip()
    sign = ""
    if value[:1] in ("+", "-"):
        sign, value = value[0], value[1:].strip()
    invalid = ValidationError(
        _("“%(value)s” is not a number: write it like 1234.56, 1 234,56 or 1,234.56.")
        % {"value": text},
        code="invalid",
    )
    if not _NUMBER.fullmatch(value):
        raise invalid
    commas, points = value.count(","), value.count(".")
    if commas and points:
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
    elif points == 1:
        decimal = "."
    elif commas == 1:
        decimal = ","
        whole, fraction = value.split(",")
        if len(fraction) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", whole):
            raise ValidationError(
                _(
                    "“%(value)s” is ambiguous: is the comma a thousands separator or a "
                    "decimal comma? Write it without a thousands separator, e.g. 1234 or 1.234."
                )
                % {"value": text},
                code="ambiguous",
            )
    else:
        decimal = None
    if decimal:
        if value.count(decimal) != 1:
            raise invalid
        whole, fraction = value.split(decimal)
    else:
        whole, fraction = value, ""
    separators = set(re.sub(r"[0-9]", "", whole))
    if not fraction.isdigit() and fraction:
        raise invalid
    if separators and (len(separators) > 1 or not _GROUPED.fullmatch(whole)):
        raise invalid
    digits = re.sub(r"[^0-9]", "", whole)
    try:
        return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")
    except InvalidOperation as error:  # pragma: no cover - the patterns above forbid it
        raise invalid from error


def parse_amount(text: str) -> Decimal:
    amount = parse_number(text)
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Amounts have at most two decimals (cents)."))
    if amount >= Decimal("1e14"):
        raise ValidationError(_("This amount is too large."))
    return amount.quantize(Decimal("0.01"))


def parse_rate(text: str) -> Decimal:
    rate = parse_number(text)
    if rate <= 0:
        raise ValidationError(_("A rate must be more than zero."))
    if rate != rate.quantize(Decimal("0.000001")):
        raise ValidationError(_("A rate has at most six decimals."))
    if rate >= Decimal("1e12"):
        raise ValidationError(_("This rate is too large."))
    return rate


def _parse_date(text: str, formats: Iterable[str]) -> datetime.date | None:
    for pattern in formats:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_day(text: str) -> datetime.date:
    day = _parse_date(text, ["%Y-%m-%d", "%d/%m/%Y"])
    if day is None:
        raise ValidationError(
            _("“%(value)s” is not a date: write it as 2026-03-15 or 15/03/2026.") % {"value": text}
        )
    return day


def parse_month(text: str) -> datetime.date:
    month = _parse_date(text, ["%Y-%m", "%m/%Y", "%Y-%m-%d", "%d/%m/%Y"])
    if month is None:
        raise ValidationError(
            _("“%(value)s” is not a month: write it as 2026-03 or 03/2026.") % {"value": text}
        )
    return month.replace(day=1)


def _currency_parser(codes: tuple[str, ...]):
    def parse(text: str) -> str:
        code = text.strip().upper()
        if code == Currency.USD and Currency.USD not in codes:
            raise ValidationError(_("The US dollar has no rate: rates are counted in US dollars."))
        if code not in codes:
            raise ValidationError(
                _("“%(value)s” is not a currency of the portal: use one of %(codes)s.")
                % {"value": text, "codes": ", ".join(codes)}
            )
        return code

    return parse


def _lookup(names: dict[str, object], message: str):
    """A parser that finds a cell's text among `names` (folded), or refuses
    with `message` naming it; an empty optional cell gives None."""

    def parse(text: str | None):
        if text is None:
            return None
        found = names.get(_folded(text))
        if found is None:
            raise ValidationError(message % {"value": text})
        return found

    return parse


def _in_both_languages(label) -> list[str]:
    names = []
    for language in ("fr", "en"):
        with translation.override(language):
            names.append(str(label))
    return names


# --- Reading the file -----------------------------------------------------------------


def _read(upload, columns: list[Column]) -> list[_Row]:
    """The file's rows, or ImportFailed with the one problem of the file."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise _file_problem(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    declared = {column.key: column for column in columns}
    try:
        table = spreadsheets.read_table(
            upload, {column.key: column.headers() for column in columns}
        )
    except ValidationError as error:
        raise _file_problem(" ".join(error.messages)) from error
    except csv.Error as error:
        raise _file_problem(_("This file could not be read as a CSV file.")) from error
    if not table:
        raise _file_problem(_("This file has a header row but no rows to import."))
    return [_Row(number, cells, declared) for number, cells in table]


def _file_problem(message: str) -> ImportFailed:
    return ImportFailed([Problem(None, "", str(message))])


def _refuse_if_any(rows: list[_Row]) -> None:
    problems = [problem for row in rows for problem in row.problems]
    if problems:
        raise ImportFailed(problems)


# --- Contributions --------------------------------------------------------------------


def _contribution_parsers() -> dict:
    """A parser per column; reference data read once (three queries)."""
    donors = {}
    # Acronyms first, so that a name, written over them, wins.
    organisations = list(Organisation.objects.only("pk", "name", "acronym"))
    for organisation in organisations:
        if organisation.acronym:
            donors[_folded(organisation.acronym)] = organisation
    for organisation in organisations:
        donors[_folded(organisation.name)] = organisation
    mechanisms = {}
    for mechanism in Mechanism.objects.all():
        for name in (mechanism.code, mechanism.acronym, mechanism.name_fr, mechanism.name_en):
            mechanisms[_folded(name)] = mechanism
    regions, outside = {}, {}
    for region in Region.objects.all():
        for name in (region.code, region.name_fr, region.name_en):
            (regions if region.in_scope else outside)[_folded(name)] = region
    pillars = {}
    for value, label in Pillar.choices:
        for name in (value, *_in_both_languages(label)):
            pillars[_folded(name)] = value

    def region(text: str | None):
        if text is not None and _folded(text) in outside:
            raise ValidationError(
                _("%(region)s is outside the regions where the section works.")
                % {"region": outside[_folded(text)].name}
            )
        return _lookup(
            regions, _("Unknown region “%(value)s”: write its code (e.g. ML-7) or its name.")
        )(text)

    def reference(text: str | None) -> str:
        if text and len(text) > 100:
            raise ValidationError(_("At most 100 characters."))
        return text or ""

    return {
        "donor": _lookup(
            donors,
            _(
                "No organisation is named “%(value)s” (name or acronym): add it to the "
                "organisations first."
            ),
        ),
        "mechanism": _lookup(mechanisms, _("Unknown mechanism “%(value)s”: write QIP, TF or PBF.")),
        "amount": parse_amount,
        "currency": _currency_parser(CURRENCIES),
        "pledged_on": parse_day,
        "earmark_region": region,
        "earmark_pillar": lambda text: (
            "" if text is None else _lookup(pillars, _("Unknown pillar “%(value)s”."))(text)
        ),
        "reference": reference,
        "notes": lambda text: text or "",
    }


def _check_contribution_rates(rows: list[_Row]) -> None:
    """Each amount in another currency than the dollar needs the rate of its
    month (one query for the whole file)."""
    needed = {
        (row.values["currency"], row.values["pledged_on"].replace(day=1))
        for row in rows
        if row.values.get("currency") not in (None, Currency.USD) and "pledged_on" in row.values
    }
    if not needed:
        return
    recorded = set(
        ExchangeRate.objects.filter(
            currency__in={currency for currency, _month in needed},
            month__in={month for _currency, month in needed},
        ).values_list("currency", "month")
    )
    for row in rows:
        currency, day = row.values.get("currency"), row.values.get("pledged_on")
        if currency in (None, Currency.USD) or day is None:
            continue
        if (currency, day.replace(day=1)) not in recorded:
            row.refuse("pledged_on", rates.MissingRate(currency, day.replace(day=1)).messages[0])


def import_contributions(upload, *, by) -> Imported:
    """Record every contribution of an uploaded file, or none: raises
    ImportFailed with every problem found."""
    require_money_rights(by)
    rows = _read(upload, CONTRIBUTION_COLUMNS)
    parsers = _contribution_parsers()
    for row in rows:
        for key, parse in parsers.items():
            row.check(key, parse)
    _check_contribution_rates(rows)
    _check_repeated_contributions(rows)
    _refuse_if_any(rows)
    skipped = 0
    with transaction.atomic():
        for row in rows:
            if _already_recorded(row.values):
                # Importing the same file again records nothing twice.
                skipped += 1
                continue
            try:
                services.record_contribution(by=by, token=None, **row.values)
            except ValidationError as error:
                row.refuse_all(error)
        # Raised inside the transaction: the rows already written go with it.
        _refuse_if_any(rows)
    return Imported(written=len(rows) - skipped, skipped=skipped)


SAME_CONTRIBUTION = ("donor", "mechanism", "amount", "currency", "pledged_on", "reference")


def _check_repeated_contributions(rows: list[_Row]) -> None:
    """A pledge given twice in the file (same donor, mechanism, amount,
    currency, date and reference) is a mistake: refused on its second row."""
    first_rows = {}
    for row in rows:
        key = tuple(row.values.get(name) for name in SAME_CONTRIBUTION)
        if None in key:  # a value already refused: that row says so
            continue
        if key in first_rows:
            row.refuse(
                "amount",
                _("The same pledge is already in row %(row)d of this file.")
                % {"row": first_rows[key]},
            )
        else:
            first_rows[key] = row.number


def _already_recorded(values: dict) -> bool:
    same = {key: values.get(key, "") for key in SAME_CONTRIBUTION}
    return Contribution.objects.filter(**same).exists()


# --- Exchange rates -------------------------------------------------------------------


def _check_rate_rows(rows: list[_Row]) -> list[_Row]:
    """Refuse a currency and month given twice, or recorded already with
    another rate; return the rows to write (those not recorded already)."""
    parsers = {
        "currency": _currency_parser(RATED),
        "month": parse_month,
        "units_per_usd": parse_rate,
    }
    for row in rows:
        for key, parse in parsers.items():
            row.check(key, parse)
    checked = [row for row in rows if {"currency", "month"} <= row.values.keys()]
    # Locked, so that nobody changes them between this check and the writes.
    recorded = {
        (rate.currency, rate.month): rate.units_per_usd
        for rate in ExchangeRate.objects.select_for_update().filter(
            currency__in={row.values["currency"] for row in checked},
            month__in={row.values["month"] for row in checked},
        )
    }
    first_rows, to_write = {}, []
    for row in checked:
        pair = (row.values["currency"], row.values["month"])
        if pair in first_rows:
            row.refuse(
                "month",
                _("%(currency)s for this month is already in row %(row)d of this file.")
                % {"currency": pair[0], "row": first_rows[pair]},
            )
            continue
        first_rows[pair] = row.number
        if "units_per_usd" not in row.values:
            continue
        if pair not in recorded:
            to_write.append(row)
        elif recorded[pair] != row.values["units_per_usd"]:
            row.refuse(
                "units_per_usd",
                _(
                    "The rate of %(currency)s for this month is already recorded as "
                    "%(rate)s; correct it on the rates page."
                )
                % {"currency": pair[0], "rate": _rate_text(recorded[pair])},
            )
    return to_write


def _rate_text(rate: Decimal) -> str:
    # Without trailing zeros, with the reader's decimal separator.
    return formats.number_format(Decimal(format(rate.normalize(), "f")))


def import_rates(upload, *, by) -> Imported:
    """Record every exchange rate of an uploaded file, or none: raises
    ImportFailed with every problem found. A rate recorded already with the
    same value is skipped, so importing a file twice is harmless."""
    require_money_rights(by)
    rows = _read(upload, RATE_COLUMNS)
    with transaction.atomic():
        to_write = _check_rate_rows(rows)
        _refuse_if_any(rows)
        for row in to_write:
            try:
                services.record_rate(by=by, **row.values)
            except ValidationError as error:
                row.refuse_all(error)
            except IntegrityError:
                # Recorded by somebody else since the check above.
                row.refuse("month", _("This rate was recorded meanwhile; import the file again."))
        _refuse_if_any(rows)
    return Imported(written=len(to_write), skipped=len(rows) - len(to_write))
