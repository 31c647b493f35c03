# syntax=docker/dockerfile:1
# Build stage: wheels for the locked dependencies.
FROM python:3.11-slim AS build
WORKDIR /build
COPY requirements.lock .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.lock

# Runtime stage: no compilers, a non-root user, gunicorn.
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000
RUN groupadd --system app && useradd --system --gid app --home /app app
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels /wheels/* && rm -rf /wheels
COPY --chown=app:app . .
RUN APP_SECRET=build-only-secret-key-not-used-at-runtime-0123456789 \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v 0
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
CMD ["sh", "-c", "gunicorn config.wsgi --config config/gunicorn.py --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-4} --access-logfile -"]
