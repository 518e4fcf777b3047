FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ACCORD_DATABASE_URL=sqlite:////data/accord.db

WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY registry ./registry
COPY client ./client
COPY contracts ./contracts
COPY alembic ./alembic
# The project itself is installed; its dependencies are bounded in pyproject.toml.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir '.[server]' \
    && useradd --create-home --uid 10001 accord \
    && mkdir -p /data \
    && chown accord /data

USER 10001
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8081/health/live', timeout=2)"]
ENTRYPOINT ["accord"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8081", "--migrate"]
