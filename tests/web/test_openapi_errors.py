"""The OpenAPI of the mobile API and the verifier's API documents their error answers as problem
documents (``application/problem+json``), not as FastAPI's ``HTTPValidationError``."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_api_errors_are_documented_as_problems(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code"}
    documented = 0
    for path, operations in schema["paths"].items():
        if not path.startswith(("/u/{slug}/api/v1/", "/verifier/api/v1/")):
            continue
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert list(answer["content"]) == ["application/problem+json"], (path, status)
                    documented += 1
            assert "422" in operation["responses"] or not operation.get("parameters"), path
    assert documented >= 40
