"""Addresses built without a reverse() per record (`core.links`) are the
addresses reverse() gives, under any script prefix."""

import pytest
from django.urls import reverse, set_script_prefix

from core import links


@pytest.fixture
def prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("url_name", "key"),
    [("projects:detail", 7), ("projects:detail", 123456789), ("regions:detail", "ML-7")],
)
def test_an_address_is_the_one_reverse_gives(prefix, url_name, key):
    address = links.by_key(url_name)

    assert address(key) == reverse(url_name, args=[key])
    prefix("/portail/")
    assert address(key) == reverse(url_name, args=[key])
    assert address(key).startswith("/portail/")


def test_a_model_links_to_its_page_through_it(db):
    from tests.factories import ProjectFactory

    project = ProjectFactory()

    assert project.get_absolute_url() == f"/projects/{project.pk}/"
    assert project.region.get_absolute_url() == "/regions/ML-7/"
