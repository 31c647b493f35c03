"""The per-app rate limit: a fixed one-second window per app, counted with one Redis INCR (the
cache where there is no Redis). Authentication counts the request in the same Redis round trip
as its own check when it can (see tenants.selectors), so the hot paths pay one round trip for
both."""

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)

_redis_client: Any = None
# Where authentication leaves the count it took on the request (an HttpRequest attribute).
REQUEST_COUNT_ATTRIBUTE = "app_requests_this_second"


def redis_client() -> Any:
    """The process's Redis client (REDIS_URL), or None without Redis. Django's cache makes a
    new client per call, which cost more than the rest of the rate-limit check."""
    global _redis_client
    if not settings.REDIS_URL:
        return None
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
    return _redis_client


def _window_key(app_id: str) -> str:
    return f"rate:{app_id}:{int(time.time())}"


# Counts a request in its one-second window (KEYS[1]) and reads one more key (KEYS[2]), as ONE
# Redis command: a pipeline of GET, INCR and EXPIRE cost half as much again in redis-py.
_COUNT_AND_GET = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], 2) end
return {count, redis.call('GET', KEYS[2])}
"""
_count_and_get_sha: str | None = None


def request_count_and_get(app_id: str, key: str) -> tuple[int, bytes | None]:
    """Counts one request of `app_id` for the rate limit and reads `key`, in one round trip to
    Redis (which must be configured). Raises redis' errors."""
    global _count_and_get_sha
    from redis.exceptions import NoScriptError

    client = redis_client()
    if _count_and_get_sha is None:
        _count_and_get_sha = client.script_load(_COUNT_AND_GET)
    try:
        count, value = client.evalsha(_count_and_get_sha, 2, _window_key(app_id), key)
    except NoScriptError:  # Redis restarted and forgot it
        _count_and_get_sha = client.script_load(_COUNT_AND_GET)
        count, value = client.evalsha(_count_and_get_sha, 2, _window_key(app_id), key)
    return count, value


def _count(app_id: str) -> int:
    client = redis_client()
    cache_key = _window_key(app_id)
    if client is None:
        return 1 if cache.add(cache_key, 1, timeout=2) else cache.incr(cache_key)
    pipeline = client.pipeline(transaction=False)
    pipeline.incr(cache_key)
    pipeline.expire(cache_key, 2, nx=True)
    count: int = pipeline.execute()[0]  # INCR's reply
    return count


def request_count_note(request: HttpRequest, count: int) -> None:
    setattr(request, REQUEST_COUNT_ATTRIBUTE, count)


class AppRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        app = request.auth
        if app is None:
            return True
        count = getattr(request._request, REQUEST_COUNT_ATTRIBUTE, None)
        if count is None:
            try:
                count = _count(app.pk)
            except Exception:  # noqa: BLE001 - a cache outage must not take the API down with it
                logger.warning("Rate limit cache unavailable; allowing the request.")
                return True
        return bool(count <= settings.API_RATE_LIMIT_PER_SECOND)

    def wait(self) -> float:
        return 1.0
