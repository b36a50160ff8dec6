from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults


def test_404_page_is_styled_and_translated(client_for, viewer):
    response = client_for(viewer).get("/regions/nowhere/")

    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert 'class="site-header"' in response.text


def test_403_page_is_styled_and_hides_the_reason(viewer, db):
    request = RequestFactory().get("/")
    request.user = viewer

    response = defaults.permission_denied(request, PermissionDenied("internal detail"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "internal detail" not in page
    assert 'class="site-header"' in page


def test_500_page_renders_without_any_context():
    with translation.override("fr"):
        page = render_to_string("500.html")

    assert "Erreur du serveur" in page
    assert "/static/css/portal.css" in page
