"""Load a data set's position steps (axes, placements, proposals, stances) through the
positions services, so seeded records pass the checks an editor's writes do."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from timeline.clock import utcnow
from timeline.domain.writes import GuardedWrite, WriteStamp
from timeline.schemas.positions import AxisPut, PlacementPut, ProposalCreate, StancePut
from timeline.seed.dataset import PositionStep
from timeline.services import positions as position_service
from timeline.services import spectrum as spectrum_service
from timeline.store.db import Database

__all__ = ["load_positions"]

_SCHEMAS: dict[str, type[BaseModel]] = {
    "axis": AxisPut,
    "placement": PlacementPut,
    "proposal": ProposalCreate,
    "stance": StancePut,
}


async def load_positions(db: Database, slug: str, steps: Sequence[PositionStep]) -> int:
    """Write every step in order, each by the actor "seed" and public from its `known_on`;
    returns how many were written. A step the API would refuse raises as the API would."""
    for step in steps:
        data = _SCHEMAS[step.kind].model_validate(step.body)
        document = data.model_dump(mode="json", exclude={"known_on"})
        stamp = WriteStamp(known_on=step.known_on, actor="seed", now=utcnow())
        write = GuardedWrite(expected_version=None, **stamp)
        if step.kind == "axis":
            await spectrum_service.put_axis(db, slug, step.target[0], document, **write)
        elif step.kind == "placement":
            axis, holder = step.target
            await spectrum_service.put_placement(db, slug, axis, holder, document, **write)
        elif step.kind == "proposal":
            await position_service.create_proposal(db, slug, document, **stamp)
        else:
            proposal, holder = step.target
            await position_service.put_stance(db, slug, proposal, holder, document, **write)
    return len(steps)
