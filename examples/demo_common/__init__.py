"""What the three demo apps share: their settings, the connection to payment-service (the
typed client only), sign-up and login, the webhook receiver and the demo's test-clock controls.

Each demo is a small Django project of its own (`coursehub`, `teamchat`, `apiforge`), started
by `python -m demo_common.serve <demo> --port N` with `examples/` and `clients/python` on the
path; it never imports the service's code, only `payment_service_client`."""
