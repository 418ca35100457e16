"""The error answers of the JSON APIs in their OpenAPI description.

``Problem`` is the RFC 9457 document ``legitka.web.errors`` writes (``docs/errors.md``), as a
pydantic model; ``problem_responses(404, 422, …)`` declares those statuses of an operation as
``application/problem+json`` with that schema, in place of FastAPI's ``HTTPValidationError`` for
422; ``install_problem_schema`` adds the model to the schema's components.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from legitka.web.errors import PROBLEM_CONTENT_TYPE


class InvalidValue(BaseModel):
    """One invalid input of an ``invalid_request``."""

    model_config = ConfigDict(populate_by_name=True)

    field: str = Field(description="The input's name or dotted path, e.g. items.0.name.")
    in_: str = Field(alias="in", description="path, query, header, cookie or body")
    code: str = Field(description="The validation rule broken, e.g. int_parsing.")
    message: str


class Problem(BaseModel):
    """An error: RFC 9457 problem details with the stable ``code``."""

    type: str = Field(description="https://legitka.org/problems/<code>, or about:blank.")
    title: str = Field(description="The kind of problem, in the request's language.")
    status: int = Field(description="The HTTP status, repeated.")
    detail: str = Field(description="What is wrong and what to do, in the request's language.")
    code: str = Field(description="The stable machine-readable code.")
    field: str | None = Field(None, description="The input to blame, when there is one.")
    errors: list[InvalidValue] | None = Field(None, description="Each input of invalid_request.")


DESCRIPTIONS: dict[int, str] = {
    400: "The request cannot be understood (invalid_json, bad_request).",
    401: "No valid credentials: a bearer token, an API key or the password.",
    403: "Not allowed.",
    404: "No such university, thing or address.",
    409: "The request clashes with the current state.",
    413: "The body is too large.",
    415: "The body is of a type the endpoint does not take.",
    422: "Invalid input: code names the rule, field the input (errors lists each one).",
    429: "Too many requests; Retry-After says when to try again.",
    503: "The database does not answer (database_unavailable); Retry-After says when to retry.",
}
REFERENCE = {"$ref": "#/components/schemas/Problem"}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for an operation: each status as a problem document."""
    return {
        status: {
            "description": DESCRIPTIONS[status],
            "content": {PROBLEM_CONTENT_TYPE: {"schema": REFERENCE}},
        }
        for status in statuses
    }


def install_problem_schema(app: FastAPI) -> None:
    """Add ``Problem`` (and ``InvalidValue``) to the components of ``app``'s OpenAPI."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        problem = Problem.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}"
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
