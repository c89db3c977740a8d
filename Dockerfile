# One image for every GeoKG service: the API, the loader and the Oxigraph store server.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 GEOKG_HOME=/app
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY ontology ./ontology
COPY shapes ./shapes
COPY queries ./queries
COPY loaders ./loaders
RUN pip install --no-cache-dir . oxigraph==0.5.13 \
 && useradd --system --uid 10001 geokg && mkdir -p /data && chown geokg /data
USER geokg
EXPOSE 8000
CMD ["geokg", "serve", "--host", "0.0.0.0"]
