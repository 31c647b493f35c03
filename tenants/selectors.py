import hmac
from datetime import timedelta

from django.utils import timezone

from api.errors import AuthenticationError, NotFoundError
from tenants.keys import api_key_hash, api_key_public_id
from tenants.models import ApiKey, App

# Writing last_used_at on every request would put a write on every hot-path read.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_authenticate(*, raw_key: str) -> ApiKey:
    public_id = api_key_public_id(raw_key)
    api_key = None
    if public_id is not None:
        api_key = ApiKey.objects.all_tenants().select_related("app").filter(pk=public_id).first()
    expected_hash = api_key.key_hash if api_key else api_key_hash("")
    if not hmac.compare_digest(expected_hash, api_key_hash(raw_key)) or api_key is None:
        raise AuthenticationError("Invalid API key provided.")
    if api_key.revoked_at is not None:
        raise AuthenticationError("This API key has been revoked.", code="api_key_revoked")
    if not api_key.app.is_active:
        raise AuthenticationError("This app is disabled.", code="app_disabled")
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.all_tenants().filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


def app_get(*, app_id: str) -> App:
    try:
        return App.objects.get(pk=app_id)
    except App.DoesNotExist:
        raise NotFoundError("app") from None


def api_key_get(*, key_id: str) -> ApiKey:
    try:
        return ApiKey.objects.all_tenants().select_related("app").get(pk=key_id)
    except ApiKey.DoesNotExist:
        raise NotFoundError("API key") from None
