"""French phrases built from names, and texts kept in both languages."""

import pytest
from django.utils import translation

from accounts.roles import Role
from core.text import elide, in_active_language
from regions.models import Office
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Gao", "de Gao"),
        ("Ansongo", "d'Ansongo"),
        ("Ménaka", "de Ménaka"),
        ("Abeïbara", "d'Abeïbara"),
        ("Union européenne", "d'Union européenne"),
        ("Hombori", "de Hombori"),  # an h may be aspirated: left alone
        ("La Délégation de l'Union européenne", "de la Délégation de l'Union européenne"),
        ("Le Caire", "du Caire"),
        ("Les Pays-Bas", "des Pays-Bas"),
        ("L'Agence française de développement", "de l'Agence française de développement"),
    ],
)
def test_de_elides_and_contracts(name, phrase):
    with translation.override("fr"):
        assert elide(f"de {name}") == phrase


def test_elide_corrects_the_names_put_into_a_french_sentence():
    with translation.override("fr"):
        assert elide("près de Ansongo, chef-lieu de son cercle") == (
            "près d'Ansongo, chef-lieu de son cercle"
        )
        assert elide("Grand livre de La Délégation") == "Grand livre de la Délégation"
        assert elide("Dialogue politique de haut niveau") == "Dialogue politique de haut niveau"


def test_elide_leaves_other_languages_alone():
    with translation.override("en"):
        assert elide("Office and role of Awa Maïga") == "Office and role of Awa Maïga"


def test_in_active_language_falls_back_on_the_other_language():
    with translation.override("en"):
        assert in_active_language("Comité", "Committee") == "Committee"
        assert in_active_language("Comité", "") == "Comité"
    with translation.override("fr"):
        assert in_active_language("Comité", "Committee") == "Comité"
        assert in_active_language("", "Committee") == "Committee"


def test_a_persons_page_elides_before_their_name(client_for, admin_user):
    person = UserFactory(
        username="awa",
        first_name="Awa",
        last_name="Maïga",
        role=Role.REGIONAL_OFFICER,
        office=Office.objects.get(name="Gao"),
    )

    page = client_for(admin_user).get(f"/accounts/people/{person.pk}/edit/").text

    assert "<h1>Bureau et rôle d'Awa Maïga</h1>" in page
