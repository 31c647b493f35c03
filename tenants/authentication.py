from dataclasses import dataclass
from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.errors import AuthenticationError
from tenants.actors import Actor
from tenants.models import ApiKey, App
from tenants.selectors import api_key_authenticate


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """What `request.user` is for an API call: the key, never a Django user."""

    api_key: ApiKey
    is_authenticated: bool = True

    @property
    def actor(self) -> Actor:
        return Actor.api_key(self.api_key.pk)


class AppApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <api key>`; `request.auth` is the calling app."""

    def authenticate(self, request: Request) -> tuple[ApiKeyPrincipal, App] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthenticationFailed("Use the header Authorization: Bearer <api key>.")
        try:
            api_key = api_key_authenticate(raw_key=token, request=request._request)
        except AuthenticationError as error:
            # The code (invalid_api_key, api_key_revoked, app_disabled) reaches the answer.
            raise AuthenticationFailed(error.message, code=error.code) from None
        return ApiKeyPrincipal(api_key=api_key), api_key.app

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class IsAuthenticatedApp(BasePermission):
    message = "No API key provided. Use the header Authorization: Bearer <api key>."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, App)
