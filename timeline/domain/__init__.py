"""Pure negotiation logic: dates, votes, event rules, dependency graphs. No I/O, no clock."""
