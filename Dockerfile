# One image, three roles: web (default), scheduler, migrate.
#   docker build -t civic-bridge .
#   docker run --rm -e BRIDGE_DATABASE_URL=postgresql://... civic-bridge bridge db upgrade
#   docker run -d -p 8080:8080 -e BRIDGE_DATABASE_URL=... -e BRIDGE_SECRET_KEY=... civic-bridge
#   docker run -d -e BRIDGE_DATABASE_URL=... civic-bridge bridge scheduler
# The web role refuses to start without BRIDGE_SECRET_KEY (one key shared by every worker).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# DejaVu Sans: the font the commitments' PDFs are set in (€, « », narrow no-break space).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY bridge ./bridge
COPY plugins ./plugins
COPY simulator ./simulator
COPY config ./config
RUN pip install . "gunicorn>=23" \
    && useradd --system --home /app bridge \
    && mkdir -p /app/var && chown bridge /app/var

USER bridge
EXPOSE 8080
CMD ["gunicorn", "--bind", "0.0.0.0:8080", "--worker-class", "gthread", "--threads", "4", \
     "--workers", "2", "--preload", "bridge.wsgi:app"]
