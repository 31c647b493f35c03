"""A stateful PayPal REST API emulator for development and tests (standard library only).

It speaks the subset of PayPal's API the billing service uses, with PayPal's shapes (as the
official ``paypal-server-sdk`` models name the fields): OAuth2 client credentials, Orders v2 with
an approval page a browser can click through, captures and their refunds, ``PayPal-Request-Id``
replays, PayPal's error object, signed webhooks with ``verify-webhook-signature``, and fault
knobs. Start it with ``python -m paypal_emulator --port 12112`` or from Python with
:class:`paypal_emulator.server.PayPalEmulatorServer`.
"""
