from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The operator's tools over every app: the admin dashboard and the cross-app commands."""

    name = "backoffice"
    verbose_name = "Back office"

    def ready(self) -> None:
        from backoffice.receivers import receivers_connect

        receivers_connect()
