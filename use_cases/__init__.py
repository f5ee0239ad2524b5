"""Use cases: one folder each, plugged into the generic ChatKit bridge."""
