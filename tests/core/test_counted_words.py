"""A word beside a number agrees with it (ngettext), in both languages."""

from django.template.loader import render_to_string
from django.utils import translation


def test_people_figures_agree_with_their_number():
    people = {"women": 1, "men": 2, "girls": 0, "boys": 1, "total": 4}

    with translation.override("en"):
        page = render_to_string("portfolio/_people.html", {"people": people})

    assert '<span class="stat__label">woman</span>' in page
    assert '<span class="stat__label">men</span>' in page
    assert '<span class="stat__label">girls</span>' in page  # none: plural in English
    assert '<span class="stat__label">boy</span>' in page
