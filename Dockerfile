# One image for every GeoKG service: the API, the loader and the Oxigraph store server.
# Alone it serves the bundled corpus from an embedded store in the volume /data:
#   docker build -t geokg . && docker run -p 8000:8000 -v geokg-data:/data geokg
FROM python:3.11-slim
# The embedded engine's private network namespace needs user namespaces, which Docker's default
# seccomp profile refuses; the container is that boundary here (it runs GeoKG and nothing else).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 GEOKG_HOME=/app GEOKG_STORE=/data/store GEOKG_ENGINE_ISOLATION=false
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY ontology ./ontology
COPY shapes ./shapes
COPY queries ./queries
COPY loaders ./loaders
# /app stays root's (the code); what the service writes goes to /data (the store, its side index),
# /app/.geokg (the side index of a remote store) and /locks (the write lock API replicas share), all
# the geokg user's (a named volume mounted there starts with the same owner).
RUN pip install --no-cache-dir . \
 && useradd --system --uid 10001 geokg \
 && mkdir -p /data /app/.geokg /locks && chown geokg /data /app/.geokg /locks
USER geokg
VOLUME /data
EXPOSE 8000
CMD ["geokg", "serve", "--host", "0.0.0.0"]
