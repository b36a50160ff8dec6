"""The API's OpenAPI schema, generated from the code, describes what the API
really answers: every list's response, for a partner and for headquarters,
is validated against the schema's component of that response. The
documentation page is rendered from the same schema."""

import jsonschema
import pytest

from tests.portfolio.test_api import ENDPOINTS, make_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client_for, hq_user):
    response = client_for(hq_user).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _json_schema(node):
    """OpenAPI's `nullable: true` (which DRF's pagination still writes) as
    JSON Schema's `null` type; the rest of OpenAPI 3.1 is JSON Schema."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False) and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    return node


def _validator(openapi: dict, path: str):
    operation = openapi["paths"][path]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    # References ("#/components/schemas/...") resolve against this document.
    document = _json_schema({**schema, "components": openapi["components"]})
    return jsonschema.Draft202012Validator(document)


def test_the_schema_is_openapi_3_and_names_the_token(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"
    for endpoint in ENDPOINTS:
        assert f"/api/v1/{endpoint}/" in openapi["paths"]
        assert f"/api/v1/{endpoint}/{{id}}/" in openapi["paths"]
    # The lists' filters are documented with them.
    parameters = {p["name"] for p in openapi["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert {"region", "status", "q", "page", "page_size"} <= parameters


@pytest.mark.parametrize("role", ["viewer", "hq_user"])
def test_every_response_matches_the_schema(request, client_for, openapi, role):
    make_rows(2)
    client = client_for(request.getfixturevalue(role))

    for endpoint in ENDPOINTS:
        listed = client.get(f"/api/v1/{endpoint}/")
        _validator(openapi, f"/api/v1/{endpoint}/").validate(listed.json())
        first = listed.json()["results"][0]
        detail = client.get(f"/api/v1/{endpoint}/{first['id']}/")
        _validator(openapi, f"/api/v1/{endpoint}/{{id}}/").validate(detail.json())


def test_a_response_that_breaks_the_schema_is_caught(client_for, hq_user, openapi):
    # The validation can fail: a project without its code is refused.
    make_rows()
    body = client_for(hq_user).get("/api/v1/projects/").json()
    body["results"][0]["code"] = 12

    with pytest.raises(jsonschema.ValidationError):
        _validator(openapi, "/api/v1/projects/").validate(body)


def test_the_documentation_page_lists_every_path_with_its_fields(client_for, viewer):
    response = client_for(viewer).get("/api/docs/")

    assert response.status_code == 200
    for endpoint in ENDPOINTS:
        assert f"/api/v1/{endpoint}/" in response.text
    assert "budget_usd" in response.text
    assert "<script" not in response.text.split("</header>", 1)[-1].split("<footer", 1)[0]


def test_the_schema_and_the_documentation_need_signing_in(client):
    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 302
