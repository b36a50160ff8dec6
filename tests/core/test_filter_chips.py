"""The active filters of a list as removable chips (`core.lists.active_filters`):
the field's label and the value as the form offers it, never a primary key;
each chip's link keeps the other filters; refused values get none; the
template escapes what a person typed."""

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.utils import translation

from core.lists import Chip, active_filters
from regions.models import Region


class ListFilters(forms.Form):
    q = forms.CharField(label="Search", required=False)
    region = forms.ModelChoiceField(label="Region", queryset=Region.objects.all(), required=False)
    status = forms.MultipleChoiceField(
        label="Status",
        choices=[("ongoing", "ongoing"), ("completed", "completed")],
        required=False,
    )
    overdue = forms.NullBooleanField(
        label="Overdue",
        required=False,
        widget=forms.Select(choices=[("", "Either"), ("true", "Overdue"), ("false", "On time")]),
    )
    since = forms.DateField(label="Since", required=False)
    ordering = forms.CharField(required=False)


def chips(query: str) -> list[Chip]:
    with translation.override("en"):
        return active_filters(ListFilters(QueryDict(query)), "/plans/")


@pytest.mark.django_db
def test_each_value_is_named_as_the_form_offers_it_not_by_its_key():
    gao = Region.objects.get(code="ML-7")

    found = chips(f"region={gao.pk}&overdue=false&since=2024-03-01&q=forage&page=2&ordering=-code")

    assert [(chip.field, chip.value) for chip in found] == [
        ("Search", "forage"),
        ("Region", "Gao"),
        ("Overdue", "On time"),
        ("Since", "1 March 2024"),
    ]
    # Each link keeps the other filters and the sort, on the first page.
    assert found[1].url == "/plans/?overdue=false&since=2024-03-01&q=forage&ordering=-code"


@pytest.mark.django_db
def test_each_of_several_values_has_its_chip_which_removes_it_alone():
    found = chips("status=ongoing&status=completed")

    assert [chip.value for chip in found] == ["ongoing", "completed"]
    assert found[0].url == "/plans/?status=completed"
    assert found[1].url == "/plans/?status=ongoing"


@pytest.mark.django_db
def test_a_refused_value_gets_no_chip_and_the_last_chip_leads_to_the_whole_list():
    found = chips("region=999999&since=yesterday&q=eau")

    assert [(chip.field, chip.value, chip.url) for chip in found] == [
        ("Search", "eau", "/plans/?region=999999&since=yesterday")
    ]
    assert chips("q=eau")[0].url == "/plans/"
    assert chips("") == []
    assert active_filters(ListFilters(), "/plans/") == []


@pytest.mark.django_db
def test_the_chips_escape_what_was_typed_and_name_what_they_remove():
    form = ListFilters(QueryDict("q=%3Cb%3Eeau%22"))
    template = Template(
        '{% load filter_chips %}{% active_filters form "/plans/" as chips %}'
        '{% include "core/_filter_chips.html" %}'
    )

    with translation.override("en"):
        html = template.render(Context({"form": form}))

    assert "<b>" not in html
    assert 'aria-label="Remove the filter Search: &lt;b&gt;eau&quot;"' in html
    assert '>Search: &lt;b&gt;eau&quot; <span aria-hidden="true">×</span></a>' in html
    assert 'href="/plans/"' in html
