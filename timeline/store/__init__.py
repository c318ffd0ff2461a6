"""The only place with SQL: tables, sessions, reads, writes and replays of the event log."""
