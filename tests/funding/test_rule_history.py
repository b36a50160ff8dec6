"""The history of the mechanisms' rules: each change to a mechanism, its
windows or its tranche schedule is kept with who made it, and shown as
before → after on the mechanism's page and on /audit/."""

import html
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from funding.models import RULES_HISTORY_BEGAN, Mechanism, TrancheStep, Window

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _text(response) -> str:
    """The page as plain text, whitespace collapsed."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.text).split()))


def _rule_changes(response) -> str:
    section = response.text.split('id="rule-changes"', 1)[1].split("</section>", 1)[0]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", section).split()))


def _admin_data(response, **changes) -> dict:
    """What the admin change page posts as it stands (the mechanism and its
    inline windows and steps), with `changes` by input name."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif value is not None and value is not False:
                data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data | changes


def _edit_in_admin(client, mechanism: Mechanism, **changes):
    url = f"/admin/funding/mechanism/{mechanism.pk}/change/"
    response = client.post(url, _admin_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


# --- What history keeps -----------------------------------------------------------------------


@pytest.mark.parametrize("model", [Mechanism, Window, TrancheStep])
def test_every_rule_row_begins_its_history_with_one_record(model):
    for row in model.objects.all():
        (record,) = row.history.all()
        assert record.history_type == "+"
        assert record.history_change_reason == RULES_HISTORY_BEGAN


def test_admin_change_of_a_ceiling_is_kept_with_who_made_it(client_for, admin_user):
    qip = Mechanism.objects.get(code="qip")

    _edit_in_admin(client_for(admin_user), qip, ceiling_usd="60000")

    latest = qip.history.first()
    assert (latest.history_type, latest.history_user) == ("~", admin_user)
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("ceiling_usd", qip.ceiling_usd, 60000)
    ]


def test_admin_changes_to_windows_and_steps_are_kept_with_who_made_them(client_for, admin_user):
    client = client_for(admin_user)
    pbf, qip = Mechanism.objects.get(code="pbf"), Mechanism.objects.get(code="qip")
    irf = pbf.windows.get(code="irf")

    _edit_in_admin(client, pbf, **{"windows-0-max_duration_months": "24"})
    _edit_in_admin(
        client, qip, **{"tranche_steps-0-percent": "70", "tranche_steps-1-percent": "30"}
    )

    assert irf.history.first().history_user == admin_user
    assert irf.history.first().max_duration_months == 24
    steps = qip.tranche_steps.all()
    assert [step.history.first().history_user for step in steps] == [admin_user] * 2


# --- The mechanism's page -------------------------------------------------------------------


def test_mechanism_page_shows_no_change_before_any(client_for, viewer):
    response = _english(client_for(viewer)).get("/funding/qip/")

    assert response.context["rule_changes"] == []
    assert "Changes to the rules" in response.text
    assert "No change has been recorded yet." in _rule_changes(response)


def test_mechanism_page_lists_each_change_with_date_who_and_before_after(
    client_for, admin_user, viewer
):
    admin_user.first_name, admin_user.last_name = "Awa", "Keïta"
    admin_user.save()
    client = client_for(admin_user)
    qip = Mechanism.objects.get(code="qip")
    _edit_in_admin(client, qip, ceiling_usd="60000")
    _edit_in_admin(client, qip, max_duration_months="9")
    _edit_in_admin(
        client, qip, **{"tranche_steps-0-percent": "70", "tranche_steps-1-percent": "30"}
    )

    response = _english(client_for(viewer)).get("/funding/qip/")

    entries = response.context["rule_changes"]
    assert [(entry.subject, entry.kind) for entry in entries][-2:] == [
        ("QIP", "~"),
        ("QIP", "~"),
    ]
    section = _rule_changes(response)
    assert "ceiling per project (USD): 50000.00 → 60000.00" in section
    assert "maximum duration (months): 6 → 9" in section
    assert "Tranche schedule: 70 % at signature changed"  # spaces collapsed in section
    assert "share of the approved amount (%): 80.00 → 70.00" in section
    assert "share of the approved amount (%): 20.00 → 30.00" in section
    assert section.count("Awa Keïta") == 4
    # Newest first; where history began is no change.
    assert section.index("70.00") < section.index("6 → 9") < section.index("60000.00")
    assert "created" not in section


def test_a_window_added_and_removed_shows_on_its_mechanisms_page(client_for, admin_user, viewer):
    pbf = Mechanism.objects.get(code="pbf")
    window = Window.objects.create(
        mechanism=pbf, code="gyp", name_fr="Initiative jeunes", name_en="Youth initiative"
    )
    window._history_user = admin_user
    window.delete()

    section = _rule_changes(_english(client_for(viewer)).get("/funding/pbf/"))

    assert "Window PBF GYP deleted" in section
    assert "Window PBF GYP created" in section
    assert "Youth" not in _rule_changes(_english(client_for(viewer)).get("/funding/qip/"))


def test_mechanism_page_queries_do_not_grow_with_the_changes(client_for, admin_user, viewer):
    client = client_for(admin_user)
    qip = Mechanism.objects.get(code="qip")
    reader = Client()
    reader.force_login(viewer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reader.get("/funding/qip/").status_code == 200
        return len(captured)

    _edit_in_admin(client, qip, ceiling_usd="51000")
    few = queries()
    for ceiling in ("52000", "53000", "54000"):
        _edit_in_admin(client, qip, ceiling_usd=ceiling)
    _edit_in_admin(
        client, qip, **{"tranche_steps-0-percent": "70", "tranche_steps-1-percent": "30"}
    )

    assert queries() == few


# --- The audit -----------------------------------------------------------------------------


def test_audit_shows_a_ceiling_change_before_and_after_with_its_names(client_for, admin_user):
    client = _english(client_for(admin_user))
    qip = Mechanism.objects.get(code="qip")
    _edit_in_admin(client, qip, ceiling_usd="60000")

    response = client.get("/audit/", {"kind": "funding.mechanism"})

    text = _text(response)
    assert "Financing mechanism" in text
    assert "QIP" in text
    assert "50000.00" in text and "60000.00" in text
    assert 'href="/funding/qip/#rules"' in response.text
    kinds = dict(response.context["form"].fields["kind"].choices)
    assert kinds["funding.mechanism"] == "Financing mechanisms"
    assert kinds["funding.window"] == "Windows"
    assert kinds["funding.tranchestep"] == "Tranche schedule"


def test_audit_names_windows_and_steps_and_links_their_mechanism(client_for, admin_user):
    client = _english(client_for(admin_user))
    pbf, qip = Mechanism.objects.get(code="pbf"), Mechanism.objects.get(code="qip")
    _edit_in_admin(client, pbf, **{"windows-0-max_duration_months": "24"})
    _edit_in_admin(
        client, qip, **{"tranche_steps-0-percent": "70", "tranche_steps-1-percent": "30"}
    )

    windows = client.get("/audit/", {"kind": "funding.window"})
    steps = client.get("/audit/", {"kind": "funding.tranchestep"})

    assert "Immediate Response Facility (IRF)" in _text(windows)
    assert "18 → 24" in _text(windows)
    assert f'href="/admin/funding/mechanism/{pbf.pk}/change/"' in windows.text
    assert "70 % at signature" in _text(steps) and "80.00 → 70.00" in _text(steps)
    assert f'href="/admin/funding/mechanism/{qip.pk}/change/"' in steps.text
