"""The OpenAPI document tells the truth (issue #19, finding 12): every media type an operation
answers, and the bearer token every write needs."""

from __future__ import annotations

from typing import Any

import httpx

WRITES = ("post", "put", "patch", "delete")


async def _document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _media_types(document: dict[str, Any], path: str, method: str = "get") -> set[str]:
    return set(document["paths"][path][method]["responses"]["200"]["content"])


async def test_every_answer_a_read_gives_has_its_media_type_in_the_document(
    app_client: httpx.AsyncClient,
) -> None:
    document = await _document(app_client)
    api = "/api/v1/processes/{slug}"
    assert _media_types(document, api + "/events/{event_id}") == {
        "application/json",
        "text/calendar",
    }
    assert "text/calendar" in _media_types(document, "/api/v1/calendar.ics")
    assert "text/calendar" in _media_types(document, api + "/calendar.ics")
    assert "application/atom+xml" in _media_types(document, "/api/v1/changes.atom")
    assert "application/feed+json" in _media_types(document, "/api/v1/changes.json")
    assert {"text/markdown", "text/html", "application/json"} <= _media_types(
        document, "/api/v1/digest"
    )
    for page in ("/", "/processes/{slug}", "/processes/{slug}/events/{event_id}"):
        assert "text/html" in _media_types(document, page)


async def test_an_event_ics_answer_is_the_media_type_the_document_names(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    r = await app_client.post(
        "/api/v1/processes", json={"slug": "p", "title": "P"}, headers=admin_headers
    )
    assert r.status_code == 201
    event = await app_client.post(
        "/api/v1/processes/p/events",
        json={"kind": "note", "title": "n", "date": "2024-05-01"},
        headers=admin_headers,
    )
    ics = await app_client.get(event.json()["links"]["ics"])
    assert ics.status_code == 200
    media_type = ics.headers["content-type"].split(";")[0]
    assert media_type in _media_types(
        await _document(app_client), "/api/v1/processes/{slug}/events/{event_id}"
    )


async def test_every_write_names_the_bearer_scheme_and_no_read_does(
    app_client: httpx.AsyncClient,
) -> None:
    document = await _document(app_client)
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    writes = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in WRITES:
                writes += 1
                assert operation.get("security") == [{"bearer": []}], (method, path)
            elif method == "get":
                assert "security" not in operation, path
    # events, processes and items (3 creations, 3 changes, 1 deletion), the bundle, and the
    # positions: a process group, a proposal, a stance, an axis, a placement, a vote roll
    assert writes == 14


async def test_every_operation_that_takes_a_body_documents_the_415_it_answers(
    app_client: httpx.AsyncClient,
) -> None:
    # The request pipeline refuses a body that is not JSON with a 415 before any handler runs;
    # a client generated from the document must know that answer.
    document = await _document(app_client)
    with_body = {
        (method, path): operation
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "requestBody" in operation
    }
    assert len(with_body) >= 12
    undocumented = sorted(key for key, op in with_body.items() if "415" not in op["responses"])
    assert undocumented == []


async def test_the_bundle_write_documents_its_json_body(app_client: httpx.AsyncClient) -> None:
    # The route reads its own body, so Litestar alone documents none: clients and checkers
    # would send an empty POST.
    operation = (await _document(app_client))["paths"]["/api/v1/bundles"]["post"]
    body = operation["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"]["type"] == "object"


async def test_the_probe_documents_the_json_object_it_answers(
    app_client: httpx.AsyncClient,
) -> None:
    document = await _document(app_client)
    schema = document["paths"]["/healthz"]["get"]["responses"]["200"]["content"]
    assert schema == {
        "application/json": {
            "schema": {"type": "object", "additionalProperties": {"type": "string"}}
        }
    }
    response = await app_client.get("/healthz")
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}
