from django.db import models

from api.ids import PrefixedIdField
from tenants.scoping import TenantScopedModel


class Customer(TenantScopedModel):
    id = PrefixedIdField(prefix="cus")
    # The app's own user or organisation id.
    external_id = models.CharField(max_length=200, null=True, blank=True)
    email = models.EmailField(max_length=254, blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    provider_customer_id = models.CharField(max_length=255, blank=True, default="")
    default_payment_method = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["app", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="customer_external_id_unique_per_app",
            )
        ]
        indexes = [models.Index(fields=["app", "-created_at"], name="customer_app_created_idx")]

    def __str__(self) -> str:
        return self.external_id or self.email or self.pk
