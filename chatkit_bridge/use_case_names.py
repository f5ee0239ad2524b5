"""Which folder names can be use cases, and the error for a wrong one (kept light: the scaffold
command and use cases' settings import it without loading the Agents SDK)."""

# Addresses the app serves itself: with several use cases, one of these names would hide them.
RESERVED = frozenset({"api", "chatkit", "gallery", "healthz", "static", "_nicegui"})


class UseCaseError(Exception):
    """A listed use case is missing or does not expose a `UseCase`; the message says which."""
