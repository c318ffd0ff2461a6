"""The image and docker-compose.yml: every command and variable they use exists in the product."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from timeline.app import create_app
from timeline.cli import build_parser
from timeline.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
# `${NAME:?message}` and `${NAME:-default}` as docker compose interpolates them.
_INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::[?-](?P<rest>[^}]*))?\}")


def _product_services() -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in COMPOSE["services"].items() if spec.get("build")}


def _dockerfile_instruction(name: str) -> list[str]:
    """The JSON (exec form) arguments of the Dockerfile's last `name` instruction."""
    joined = DOCKERFILE.replace("\\\n", " ")
    lines = [line for line in joined.splitlines() if line.startswith(f"{name} ")]
    assert lines, f"the Dockerfile has no {name}"
    return list(yaml.safe_load(lines[-1].removeprefix(f"{name} ").split("CMD ", 1)[-1]))


def _sample(value: str) -> str:
    """The variable's value with compose interpolation filled in by a plausible sample."""
    return _INTERPOLATION.sub(
        lambda m: m["rest"] if m["rest"] and "://" in m["rest"] else "x1", value
    )


def test_the_compose_file_runs_the_image_for_migrations_and_the_api() -> None:
    services = _product_services()
    assert {"migrate", "api"} <= set(services)
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("service", sorted(_product_services()))
def test_each_compose_command_is_a_timeline_command(service: str) -> None:
    command = _product_services()[service]["command"]
    assert command[0] == "timeline"
    args = build_parser().parse_args(command[1:])
    assert callable(args.func)


def test_the_image_command_is_a_timeline_command_and_runs_unprivileged() -> None:
    command = _dockerfile_instruction("CMD")
    assert command[0] == "timeline"
    assert callable(build_parser().parse_args(command[1:]).func)
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)
    assert user and user[-1] not in ("root", "0")


@pytest.mark.parametrize("service", sorted(_product_services()))
def test_each_compose_variable_is_read_by_the_settings(service: str) -> None:
    environment: dict[str, str] = _product_services()[service]["environment"]
    assert environment
    defaults = Settings.from_env({})
    for name, value in environment.items():
        assert name.startswith("TIMELINE_"), name
        configured = Settings.from_env({name: _sample(value)})
        assert configured != defaults, f"{name} changes nothing in Settings"


def _health_paths() -> list[str]:
    tests = [shlex.join(_dockerfile_instruction("HEALTHCHECK"))]
    tests += [
        " ".join(s["healthcheck"]["test"])
        for s in _product_services().values()
        if "healthcheck" in s
    ]
    return [m for test in tests for m in re.findall(r"127\.0\.0\.1:8000(/[\w/-]*)", test)]


async def test_health_checks_ask_routes_that_answer(settings: Settings) -> None:
    import httpx

    paths = _health_paths()
    assert paths, "neither the image nor compose has a health check"
    app = create_app(settings)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            for path in paths:
                response = await client.get(path)
                assert response.status_code == 200, (path, response.text)
