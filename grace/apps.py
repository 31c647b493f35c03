from django.apps import AppConfig


class GraceConfig(AppConfig):
    name = "grace"
    verbose_name = "Grace periods"
