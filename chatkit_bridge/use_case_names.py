"""Which folder names can be use cases (kept light: the scaffold command imports it)."""

# Addresses the app serves itself: with several use cases, one of these names would hide them.
RESERVED = frozenset({"api", "chatkit", "gallery", "healthz", "static", "_nicegui"})
