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


def request_count_queue(pipeline: Any, app_id: str) -> None:
    """Queues the count of one request of `app_id` on a Redis pipeline (two results: the count,
    then the expiry's)."""
    cache_key = f"rate:{app_id}:{int(time.time())}"
    pipeline.incr(cache_key)
    pipeline.expire(cache_key, 2, nx=True)


def _count(app_id: str) -> int:
    client = redis_client()
    if client is None:
        cache_key = f"rate:{app_id}:{int(time.time())}"
        return 1 if cache.add(cache_key, 1, timeout=2) else cache.incr(cache_key)
    pipeline = client.pipeline(transaction=False)
    request_count_queue(pipeline, app_id)
    return pipeline.execute()[0]


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
        return count <= settings.API_RATE_LIMIT_PER_SECOND

    def wait(self) -> float:
        return 1.0
