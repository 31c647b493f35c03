from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The operator's tools over every app: the admin dashboard and the cross-app commands."""

    name = "backoffice"
    verbose_name = "Back office"
