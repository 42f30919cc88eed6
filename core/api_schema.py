"""A drf-spectacular postprocessing hook: every API operation documents the errors it can answer.

Authentication, permissions, throttling and missing objects are answered by the framework, not
by the views, so no view declares them; the schema must still say so (clients and schemathesis
read it). Operations that declare an answer of their own keep it.
"""

from __future__ import annotations

from typing import Any

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_WITH_FIELDS = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}
_ANSWERS = {
    "400": ("ErrorWithFields", "Invalid input; `errors` names the field (and row)."),
    "401": ("ErrorDetail", "No valid credentials (Authorization: Api-Key <key>)."),
    "403": ("ErrorDetail", "The credentials do not allow this action."),
    "404": ("ErrorDetail", "No such object among those the caller may see."),
    "429": ("ErrorDetail", "Too many requests; the Retry-After header says when to retry."),
}
_METHODS = ("get", "post", "put", "patch", "delete")


def _answer(component: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def document_error_responses(result: dict, generator, request, public) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", _DETAIL)
    schemas.setdefault("ErrorWithFields", _WITH_FIELDS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["401", "403", "429"]
            if "{" in path:
                codes.append("404")
            if operation.get("requestBody") or any(
                parameter.get("in") == "query" for parameter in operation.get("parameters", [])
            ):
                codes.append("400")
            if any(
                p.get("in") == "query" and p.get("name") == "page"
                for p in operation.get("parameters", [])
            ):
                codes.append("404")  # a page past the last
            for code in codes:
                responses.setdefault(code, _answer(*_ANSWERS[code]))
    return result
