"""A mechanism that has windows (the Peacebuilding Fund: IRF and PRF) needs
one on every project, or the project would escape the window's limits."""

import pytest
from django.conf import settings

from funding.models import Mechanism
from projects.models import Project
from tests.projects.test_project_forms import mechanism, project_data


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_pbf_project_without_a_window_is_refused_and_nothing_is_written(client_for, gao_officer):
    response = client_for(gao_officer).post(
        "/projects/new/",
        project_data(
            mechanism=mechanism("pbf").pk,
            budget_amount="900000",
            planned_start="2026-01-01",
            planned_end="2029-12-31",  # longer than either window allows
        ),
    )

    assert response.status_code == 200
    assert "PBF projects must name their window (PBF IRF, PBF PRF)." in response.text
    assert not Project.objects.exists()


def test_a_pbf_project_with_its_window_is_created(client_for, gao_officer):
    pbf = Mechanism.objects.get(code="pbf")
    response = client_for(gao_officer).post(
        "/projects/new/",
        project_data(
            mechanism=pbf.pk,
            window=pbf.windows.get(code="irf").pk,
            budget_amount="900000",
            planned_start="2026-01-01",
            planned_end="2026-12-31",
        ),
    )

    assert response.status_code == 302
    assert Project.objects.get().window.code == "irf"
