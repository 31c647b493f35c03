"""A stateful Stripe emulator for development and tests (standard library only).

It speaks the subset of Stripe's API (version ``2026-08-26.dahlia``) that the billing service
and dj-stripe use, with Stripe's shapes, errors, idempotency, test cards, an advanceable clock
and signed webhooks. Start it with ``python -m stripe_emulator --port 12111`` or from Python
with :class:`stripe_emulator.server.EmulatorServer`.
"""

from stripe_emulator.state import API_VERSION

__all__ = ["API_VERSION"]
