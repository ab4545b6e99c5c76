# The companion service: web pages (gunicorn) and the worker share this image.
# Base pinned to an exact release; to pin by digest, `docker pull` it and use the sha256 from `docker inspect`.
FROM python:3.11.13-slim-bookworm

# numba: compiled kernels are cached in NUMBA_CACHE_DIR (filled while building, below), and the OpenMP
# threading layer is safe when several requests run matching at once (slim images lack libgomp: installed).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    COMPANION_INSTANCE_PATH=/var/lib/companion \
    NUMBA_CACHE_DIR=/var/cache/companion/numba \
    NUMBA_THREADING_LAYER=omp

RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

# Pango, HarfBuzz and a font from Debian: WeasyPrint renders the report's PDF with them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, exactly as locked: a change to the code does not reinstall them.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY pyproject.toml setup.py README.md LICENSE gunicorn.conf.py ./
COPY companion ./companion
COPY matching ./matching
COPY sync ./sync
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --home /var/lib/companion companion \
    && mkdir -p /var/lib/companion "$NUMBA_CACHE_DIR" \
    && companion warm-up \
    && chown -R companion /var/lib/companion "$NUMBA_CACHE_DIR"
USER companion

EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "companion.wsgi:app"]
