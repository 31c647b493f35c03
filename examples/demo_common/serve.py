"""`python -m demo_common.serve <demo> --port N`: prepares the demo's own database, makes sure
the service holds its catalog and its webhook endpoint (both idempotently, through the client),
then serves it."""

import argparse
import logging
import os
import sys

logger = logging.getLogger("demo")


def webhook_endpoint_ensure() -> None:
    """One endpoint at this demo's URL whose secret the demo holds: kept if it is the one the
    demo made, otherwise (a new database, or a new demo) replaced."""
    from django.conf import settings
    from payment_service_client import api, models

    from .client import service
    from .models import Setting

    url = f"{settings.DEMO_BASE_URL}/webhooks/payment-service/"
    description = f"{settings.DEMO_NAME} demo"
    known = Setting.get("webhook_endpoint")
    # Ours: at this URL, or made by this demo before it moved to another port.
    ours = [
        endpoint
        for endpoint in service().iterate(api.v1_webhook_endpoints_list.sync_detailed, limit=100)
        if endpoint.url == url or endpoint.description == description
    ]
    if Setting.get("webhook_secret") and any(
        endpoint.id == known and endpoint.url == url for endpoint in ours
    ):
        return
    for endpoint in ours:
        service().call(api.v1_webhook_endpoints_destroy.sync_detailed, id=endpoint.id)
    created = service().call(
        api.v1_webhook_endpoints_create.sync_detailed,
        body=models.WebhookEndpointCreateInputRequest(
            url=url, enabled_events=["*"], description=description
        ),
    )
    Setting.put("webhook_endpoint", created.id)
    Setting.put("webhook_secret", created.secret)
    logger.info("registered the webhook endpoint %s at %s", created.id, url)


def admin_ensure() -> None:
    """The demo's operator login for its admin pages (DEMO_ADMIN_PASSWORD, default `admin`)."""
    from django.contrib.auth.models import User

    password = os.environ.get("DEMO_ADMIN_PASSWORD", "admin")
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "email": "admin@example.com"}
    )
    if created or not admin.check_password(password):
        admin.set_password(password)
        admin.save()


def prepare() -> None:
    from django.core.management import call_command

    from . import hooks
    from .client import service

    call_command("migrate", run_syncdb=True, verbosity=0)
    admin_ensure()
    hooks.call("catalog_ensure", service())
    webhook_endpoint_ensure()
    hooks.call("start", service())


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_common.serve")
    parser.add_argument("demo", choices=["coursehub", "teamchat", "apiforge"])
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = f"{arguments.demo}.settings"
    os.environ.setdefault("DEMO_BASE_URL", f"http://127.0.0.1:{arguments.port}")
    import django

    django.setup()
    prepare()
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    print(f"[{arguments.demo}] serving on http://127.0.0.1:{arguments.port}", flush=True)
    sys.stdout.flush()
    run("127.0.0.1", arguments.port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
