"""Property-based checks of the whole HTTP API against its own OpenAPI document (schemathesis).

Every operation, every built-in check, positive and negative examples, against the app
in-process (ASGI) on a seeded database: on SQLite, and on PostgreSQL when the suite runs there
(CI runs both; server errors differ by backend, a NUL being one). The stateful workflows start
each sequence from a fresh copy of the seeded database, which only SQLite makes cheaply.

Outside pytest, the schemathesis CLI runs against a live server from a venv of its own (in
this one caldav's urllib3-future breaks it) and, started from the repository, reads the same
expected statuses from schemathesis.toml: the README says how.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar import Litestar
from litestar.types import ASGIApp
from schemathesis.python import asgi

from tests.clients.server import seed
from tests.conftest import ADMIN_TOKEN, PG_URL, _truncate_all
from timeline.app import create_app
from timeline.settings import Settings

pytestmark = [pytest.mark.slow]


# schemathesis needs the app when the module is collected; the database it points at is made
# (migrated and seeded) by the fixture below before any test runs.
_FOLDER = Path(tempfile.mkdtemp(prefix="timeline-schemathesis-"))
_URL = f"sqlite+aiosqlite:///{_FOLDER / 'timeline.db'}"
_APP = create_app(
    Settings(
        database_url=_URL,
        admin_token=ADMIN_TOKEN,
        write_rate_per_minute=0,
        read_rate_per_minute=0,
    )
)
# The checks' expected statuses live in the repository's schemathesis.toml, which the CLI reads
# too: the suite and a CLI run against a live server hold the API to the same rules.
_CONFIG = schemathesis.Config.from_path(Path(__file__).parents[2] / "schemathesis.toml")
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", _APP, config=_CONFIG)


# The app the calls go to: `_APP` on SQLite; on PostgreSQL one made by `seeded_database` on the
# session's database (whose name is only known once the session has made it).
_TARGET: dict[str, Litestar] = {"app": _APP}


@pytest.fixture(scope="module", autouse=True)
def seeded_database(migrated_template: str) -> Iterator[None]:
    """The database the calls go to, migrated and holding the demo data set: a copy of the
    template on SQLite, the session's emptied database on PostgreSQL."""
    if PG_URL:
        asyncio.run(_truncate_all(migrated_template))
        asyncio.run(seed(migrated_template))
        app = _TARGET["app"] = create_app(
            Settings(
                database_url=migrated_template,
                admin_token=ADMIN_TOKEN,
                write_rate_per_minute=0,
                read_rate_per_minute=0,
            )
        )
        yield
        # The app's connections live on schemathesis' event loop thread: close them there.
        asgi._get_portal().call(app.state.db.dispose)
        _TARGET["app"] = _APP
        # `_APP` made its (empty) SQLite file when schemathesis started it: remove it too.
        shutil.rmtree(_FOLDER, ignore_errors=True)
        return
    shutil.copyfile(migrated_template, _FOLDER / "timeline.db")
    asyncio.run(seed(_URL))
    shutil.copyfile(_FOLDER / "timeline.db", _FOLDER / "pristine.db")
    yield
    shutil.rmtree(_FOLDER, ignore_errors=True)


def _client(app: ASGIApp, **kwargs: Any) -> asgi.ASGIClient:
    """schemathesis' in-process client for `app`.

    caldav pulls in urllib3-future, which replaces urllib3 and whose pool container lacks the
    `keys()` schemathesis counts connections with; the ASGI adapter never opens a connection,
    so its (unused) pool container is swapped for an empty dict.
    """
    client = _GET_CLIENT(app, **kwargs)
    client.adapter.poolmanager.pools = {}
    return client


_GET_CLIENT = asgi.get_client


@pytest.fixture(scope="module", autouse=True)
def _clients_without_pools() -> Iterator[None]:
    # schemathesis makes its own client for the probes of some checks (a write sent without
    # its token, for `ignored_auth`): those need the same swap.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(asgi, "get_client", _client)
        yield


def _session() -> asgi.ASGIClient:
    """A client for the app the calls go to."""
    return _client(_TARGET["app"])


@schema.parametrize()
# derandomize: CI runs the same examples every time, so a red run is reproducible here.
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_keeps_its_documented_promises(case: schemathesis.Case) -> None:
    with _session() as session:
        case.call_and_validate(
            session=session,
            app=_TARGET["app"],  # probes without the token go to the same app
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )


class _Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls along the links schemathesis infers between operations (a created
    process's slug feeding its events, an event's id feeding its reads, changes and history),
    every response checked like above. Each sequence starts from a fresh copy of the seeded
    database, so that replaying a sequence gives the same answers."""

    def setup(self) -> None:
        self.path = Path(tempfile.mkstemp(dir=_FOLDER, suffix=".db")[1])
        shutil.copyfile(_FOLDER / "pristine.db", self.path)
        self.app = create_app(
            Settings(
                database_url=f"sqlite+aiosqlite:///{self.path}",
                admin_token=ADMIN_TOKEN,
                write_rate_per_minute=0,
                read_rate_per_minute=0,
            )
        )
        self.session = _client(self.app)

    def teardown(self) -> None:
        # The app's connections live on schemathesis' event loop thread: close them there.
        asgi._get_portal().call(self.app.state.db.dispose)
        self.session.close()
        self.path.unlink(missing_ok=True)

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
        return {
            "app": self.app,
            "session": self.session,
            "headers": {"Authorization": f"Bearer {ADMIN_TOKEN}"},
        }


TestStatefulWorkflows = pytest.mark.skipif(
    bool(PG_URL), reason="a fresh database per sequence: SQLite only"
)(_Workflow.TestCase)
TestStatefulWorkflows.settings = settings(
    max_examples=30,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
