"""Pure renderers: events, changes and analyses into ICS, Atom, JSON Feed, digests, TimelineJS."""
