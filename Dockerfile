# The companion service: web pages (gunicorn) and the worker share this image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COMPANION_INSTANCE_PATH=/var/lib/companion

WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY companion ./companion
COPY matching ./matching
COPY sync ./sync
RUN pip install --no-cache-dir . \
    && useradd --system --home /var/lib/companion companion \
    && mkdir -p /var/lib/companion \
    && chown companion /var/lib/companion
USER companion

EXPOSE 8000
# Numba caches compiled kernels here; the instance folder is writable.
ENV NUMBA_CACHE_DIR=/var/lib/companion/numba-cache
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--access-logfile", "-", "companion.wsgi:app"]
