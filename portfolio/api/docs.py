"""The API's documentation page, rendered by the server from the OpenAPI
schema that drf-spectacular generates from the code: no script, nothing from
another origin (the content security policy allows neither)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return components.get(ref.rsplit("/", 1)[-1], {})
    return schema


def _fields(schema: dict, components: dict) -> list[dict]:
    """The fields of a response: for a paginated list, those of its rows."""
    schema = _resolve(schema, components)
    if "results" in schema.get("properties", {}):
        schema = _resolve(schema["properties"]["results"].get("items", {}), components)
    fields = []
    for name, spec in schema.get("properties", {}).items():
        spec = _resolve(spec, components) if "$ref" in spec else spec
        kind = spec.get("type", "object")
        fields.append(
            {
                "name": name,
                "type": kind,
                "format": spec.get("format", ""),
                "nullable": spec.get("nullable", False),
                "description": spec.get("description", ""),
            }
        )
    return fields


def endpoints(schema: dict) -> list[dict]:
    """Each operation of `schema`: path, summary, parameters, response fields."""
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            response = operation.get("responses", {}).get("200", {})
            content = response.get("content", {}).get("application/json", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "fields": _fields(content.get("schema", {}), components),
                }
            )
    return found


@login_required
@require_safe
def documentation(request):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    context = {
        "info": schema.get("info", {}),
        "endpoints": endpoints(schema),
    }
    return render(request, "portfolio/api_docs.html", context)
