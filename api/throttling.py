import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)


_redis_client: Any = None


def _count_in_window(cache_key: str) -> int:
    """One round trip to Redis on a client shared by the process (Django's cache makes a new
    client per call, which cost more than the rest of the check)."""
    global _redis_client
    if not settings.REDIS_URL:
        return 1 if cache.add(cache_key, 1, timeout=2) else cache.incr(cache_key)
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
    pipeline = _redis_client.pipeline(transaction=False)
    pipeline.incr(cache_key)
    pipeline.expire(cache_key, 2, nx=True)
    return pipeline.execute()[0]


class AppRateThrottle(BaseThrottle):
    """A fixed one-second window per app, counted with one cache INCR (Redis in production),
    cheap enough for the usage and entitlement hot paths."""

    def allow_request(self, request: Request, view: Any) -> bool:
        app = request.auth
        if app is None:
            return True
        limit = settings.API_RATE_LIMIT_PER_SECOND
        window = int(time.time())
        cache_key = f"rate:{app.pk}:{window}"
        try:
            count = _count_in_window(cache_key)
        except Exception:  # noqa: BLE001 - a cache outage must not take the API down with it
            logger.warning("Rate limit cache unavailable; allowing the request.")
            return True
        return count <= limit

    def wait(self) -> float:
        return 1.0
