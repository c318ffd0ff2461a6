"""Reference data shipped with the package: the parties to UN negotiations and their groups."""

from timeline.reference.registry import Registry, load_registry

__all__ = ["Registry", "load_registry"]
