from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    """Django's admin with the operators' site (backoffice/admin_site.py) as `admin.site`. Its
    own module: beside BackofficeConfig in apps.py, Django could not tell which is the default."""

    default_site = "backoffice.admin_site.OperatorAdminSite"
