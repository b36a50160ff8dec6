"""The mechanisms' pages: the ledger of every mechanism, one mechanism's ledger
by donor, region, year and project with its rules and their changes, and the
project ledger as CSV and XLSX. Every figure is summed by the database
(`portfolio.ledgers`)."""

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.security_log import logs_export
from core import render_cache
from core.history import HistoryEntry, changes_between
from funding.access import can_record_money
from funding.figures import delivery_rate
from funding.models import RULES_HISTORY_BEGAN, FundingApproval, Mechanism, TrancheStep, Window
from portfolio import exports, figures, ledgers, maps
from projects import maps as project_maps
from projects.models import Project
from reviews import visibility

PROJECTS_PER_PAGE = 25
LATEST_CONTRIBUTIONS = 10


def _with_delivery_rates(projects):
    """Each project's delivery rate in its own currency, in which all its
    amounts are recorded: what its partner spent of what it was sent, whatever
    the rates of the days the amounts were converted (as in the export)."""
    projects = list(projects)
    for project in projects:
        project.delivery_rate = delivery_rate(project.spent_amount, project.transferred_amount)
    return projects


def _has_money(figures: ledgers.Figures) -> bool:
    return any(getattr(figures, name) for name in ledgers.FIGURES)


@login_required
@require_safe
def mechanism_list(request):
    # The mechanisms, their windows; their figures (six grouped queries, cached).
    mechanisms = ledgers.attach_figures(Mechanism.objects.prefetch_related("windows"))
    total = ledgers.grand_total(mechanism.figures for mechanism in mechanisms)
    context = {
        "mechanisms": mechanisms,
        "total": total,
        "has_money": _has_money(total),
        "can_record": can_record_money(request.user),
    }
    return render(request, "portfolio/mechanism_list.html", context)


def _rule_changes(mechanism: Mechanism) -> list[HistoryEntry]:
    """Changes to the mechanism's rules, its windows and its tranche schedule,
    newest first, "field: old → new" (three queries, one per history table).

    Not `core.history.history_of`: it names each record with the model's
    `__str__`, and a window's reads its mechanism, one query per record; here
    the mechanism goes without saying. The records that began the history
    (`RULES_HISTORY_BEGAN`) are what the first change compares with, not
    changes, and neither is the creation of the mechanism itself."""

    def step(record) -> str:
        shown = TrancheStep(percent=record.percent, milestone=record.milestone)
        return _("Tranche schedule: %(step)s") % {"step": shown}

    def window(record) -> str:
        return _("Window %(window)s") % {"window": f"{mechanism.acronym} {record.code.upper()}"}

    sources = [
        (Mechanism, mechanism.history.all(), lambda record: record.acronym),
        (Window, Window.history.filter(mechanism_id=mechanism.pk), window),
        (TrancheStep, TrancheStep.history.filter(mechanism_id=mechanism.pk), step),
    ]
    entries = []
    for model, records, subject in sources:
        previous = {}
        ordered = records.select_related("history_user").order_by("history_date", "history_id")
        for record in ordered:
            before, previous[record.id] = previous.get(record.id), record
            if record.history_change_reason == RULES_HISTORY_BEGAN:
                continue
            if model is Mechanism and record.history_type == "+":
                continue
            changes = changes_between(model, before, record) if before else []
            if record.history_type == "~" and not changes:
                continue
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=record.history_user,
                    subject=subject(record),
                    kind=record.history_type,
                    changes=changes,
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


@login_required
@require_safe
def mechanism_detail(request, code):
    mechanism = get_object_or_404(Mechanism, code=code)
    # The page as the paginator settles it (the last one for a number past
    # the end), from the cached number of projects: a bounded key.
    page = ledgers.project_paginator(mechanism, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "mechanism": mechanism,
        # The ledger reads the same for everyone who may open it.
        "sections": render_cache.section(
            "ledger",
            "portfolio/_mechanism_sections.html",
            lambda: _ledger_context(mechanism, page),
            mechanism.pk,
            page.number,
        ),
        "map": _region_map(request, mechanism),
    }
    return render(request, "portfolio/mechanism_detail.html", context)


def _region_map(request, mechanism: Mechanism):
    """The regions filled by the mechanism's projects or its approved US
    dollars (the ledger's "approved" by region), kept for everyone who reads
    the same projects: two queries when drawn (the figure by region, the regions)."""
    measure = maps.measure_of(request.GET)
    published_only = visibility.reads_published_only(request.user)

    def context() -> dict:
        if measure == project_maps.Measure.APPROVED:
            values = project_maps.approved_by_region(
                FundingApproval.objects.filter(mechanism=mechanism)
            )
        else:
            projects = Project.objects.filter(mechanism=mechanism)
            if published_only:
                projects = projects.filter(status__in=Project.PUBLISHED_STATES)
            values = project_maps.projects_by_region(projects)
        return {
            "map": maps.choropleth(measure, values),
            "measure_choice": maps.measure_choice(mechanism.get_absolute_url(), measure, []),
        }

    return render_cache.section(
        "mechanism-map",
        "portfolio/_mechanism_map.html",
        context,
        mechanism.pk,
        "published" if published_only else "all",
        measure,
    )


def _ledger_context(mechanism: Mechanism, page) -> dict:
    prefetch_related_objects([mechanism], "windows", "tranche_steps")
    (mechanism,) = ledgers.attach_figures([mechanism])
    contributions = mechanism.contributions.select_related("donor", "earmark_region")
    return {
        "mechanism": mechanism,
        "has_money": _has_money(mechanism.figures),
        "donor_ledger": ledgers.donor_table(mechanism),
        "regions": ledgers.region_table(mechanism),
        "years": ledgers.year_table(mechanism),
        "contributions": contributions[:LATEST_CONTRIBUTIONS],
        "page_obj": page,
        "projects": _with_delivery_rates(ledgers.project_rows(mechanism, page)),
        "querystring": "",
        "rule_changes": _rule_changes(mechanism),
        "gender": figures.gender_share(mechanism),
    }


@login_required
@require_safe
@logs_export("ledger_csv")
def project_ledger_csv(request, code):
    mechanism = get_object_or_404(Mechanism, code=code)
    return exports.project_ledger_csv(mechanism, ledgers.by_project(mechanism))


@login_required
@require_safe
@logs_export("ledger_xlsx")
def project_ledger_xlsx(request, code):
    mechanism = get_object_or_404(Mechanism, code=code)
    return exports.project_ledger_xlsx(mechanism, ledgers.by_project(mechanism))
