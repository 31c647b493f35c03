import hmac
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from api.errors import AuthenticationError, NotFoundError
from api.throttling import redis_client, request_count_and_get, request_count_note
from tenants.errors import TenantsErrorCode
from tenants.keys import api_key_hash, api_key_public_id
from tenants.models import ApiKey, App

logger = logging.getLogger(__name__)

# Writing last_used_at on every request would put a write on every hot-path read.
LAST_USED_RESOLUTION = timedelta(minutes=1)


# Every API request runs this lookup; as one plain statement it costs a sixth of the ORM query.
_API_KEY_WITH_APP = (
    "SELECT k.id, k.app_id, k.name, k.key_hash, k.created_at, k.last_used_at, k.revoked_at, "
    "a.name, a.mode, a.provider, a.is_active, a.allow_multiple_subscriptions, a.created_at, "
    "a.updated_at "
    "FROM tenants_apikey k JOIN tenants_app a ON a.id = k.app_id WHERE k.id = %s"
)


def _api_key_with_app(public_id: str) -> ApiKey | None:
    with connection.cursor() as cursor:
        cursor.execute(_API_KEY_WITH_APP, [public_id])
        row = cursor.fetchone()
    if row is None:
        return None
    (key_id, app_id, name, key_hash, created_at, last_used_at, revoked_at, *app_fields) = row
    (
        app_name,
        mode,
        provider,
        is_active,
        allow_multiple_subscriptions,
        app_created_at,
        app_updated_at,
    ) = app_fields
    api_key = ApiKey(
        id=key_id,
        app_id=app_id,
        name=name,
        key_hash=key_hash,
        created_at=created_at,
        last_used_at=last_used_at,
        revoked_at=revoked_at,
    )
    api_key.app = App(
        id=app_id,
        name=app_name,
        mode=mode,
        provider=provider,
        is_active=is_active,
        allow_multiple_subscriptions=allow_multiple_subscriptions,
        created_at=app_created_at,
        updated_at=app_updated_at,
    )
    return api_key


# Each process keeps the keys it authenticated, so the hot paths skip the key's query. A cached
# key is used only while the keys epoch in Redis is the one it was read under: every change to
# a key or an app (revocation, rotation, disabling) bumps the epoch, and the next request of
# every process reads the key again. The epoch is read in the same Redis round trip as the
# request's rate-limit count. Without Redis (or when it fails) nothing is cached. An entry is
# also dropped after API_KEY_CACHE_SECONDS, which bounds what a lost epoch bump could cost and
# keeps last_used_at to its one-minute resolution.
API_KEY_CACHE_SECONDS = 60
API_KEYS_EPOCH_KEY = "api-keys:epoch"
_UNAVAILABLE = object()


@dataclass(frozen=True, slots=True)
class _CachedKey:
    api_key: ApiKey
    epoch: Any
    expires_at: float


_key_cache: dict[str, _CachedKey] = {}


def _epoch(*, count_for_app: str | None = None, request: HttpRequest | None = None) -> Any:
    """The keys epoch (None if Redis has none yet), or _UNAVAILABLE. With `count_for_app`, the
    same round trip counts the request for the rate limit and notes the count on `request`."""
    client = redis_client()
    if client is None:
        return _UNAVAILABLE
    try:
        if count_for_app is None:
            return client.get(API_KEYS_EPOCH_KEY)
        count, epoch = request_count_and_get(count_for_app, API_KEYS_EPOCH_KEY)
    except Exception:  # noqa: BLE001 - without Redis, keys are read from the database
        logger.warning("Redis unavailable: API keys are read from the database.")
        return _UNAVAILABLE
    if request is not None:
        request_count_note(request, count)
    return epoch


def api_keys_changed() -> None:
    """Makes every process read keys from the database again. Called when a key or an app
    changes: at once (for this transaction's own later requests) and again on commit (so no
    process caches what it read before the commit)."""

    def bump() -> None:
        client = redis_client()
        if client is None:
            return
        try:
            client.incr(API_KEYS_EPOCH_KEY)
        except Exception:  # noqa: BLE001 - cached keys still expire after API_KEY_CACHE_SECONDS
            logger.exception("Could not bump the API keys epoch.")

    _key_cache.clear()
    bump()
    transaction.on_commit(bump)


def api_key_authenticate(*, raw_key: str, request: HttpRequest | None = None) -> ApiKey:
    """The key's row (with its app) if `raw_key` is a valid, unrevoked key of an active app;
    else AuthenticationError. Passing the `request` lets a cached key's check count it for the
    rate limit in the same round trip."""
    public_id = api_key_public_id(raw_key)
    digest = api_key_hash(raw_key)
    cached = _key_cache.get(public_id) if public_id is not None else None
    if cached is not None and hmac.compare_digest(cached.api_key.key_hash, digest):
        if cached.expires_at > time.monotonic():
            epoch = _epoch(count_for_app=cached.api_key.app_id, request=request)
            if epoch is not _UNAVAILABLE and epoch == cached.epoch:
                return cached.api_key
        else:
            epoch = _epoch()
        # Stale: read again below (and cached again only if still valid).
        _key_cache.pop(public_id, None)  # type: ignore[arg-type]  # not None: a cache hit needs a parsed id
    else:
        # A wrong secret for a cached key's id leaves the entry alone: the id is public, and
        # anyone could otherwise evict the key's entry.
        epoch = _epoch()
    api_key = _api_key_with_app(public_id) if public_id is not None else None
    expected_hash = api_key.key_hash if api_key else api_key_hash("")
    if not hmac.compare_digest(expected_hash, digest) or api_key is None:
        raise AuthenticationError("Invalid API key provided.")
    if api_key.revoked_at is not None:
        raise AuthenticationError(
            "This API key has been revoked.", code=TenantsErrorCode.API_KEY_REVOKED
        )
    if not api_key.app.is_active:
        raise AuthenticationError("This app is disabled.", code=TenantsErrorCode.APP_DISABLED)
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.all_tenants().filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    if epoch is not _UNAVAILABLE:
        _key_cache[public_id] = _CachedKey(  # type: ignore[index]  # not None: api_key was found by it
            api_key=api_key, epoch=epoch, expires_at=time.monotonic() + API_KEY_CACHE_SECONDS
        )
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
