from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AppApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.authentication.AppApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An app's API key, e.g. `Authorization: Bearer psk_test_…`.",
        }
