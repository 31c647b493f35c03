from django.apps import AppConfig


class GraceConfig(AppConfig):
    name = "grace"
    verbose_name = "Grace periods"

    def ready(self) -> None:
        from grace.receivers import receivers_connect

        receivers_connect()
