# The API image used by docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md alembic.ini ./
COPY timeline ./timeline
COPY migrations ./migrations
RUN pip install --no-cache-dir .
RUN useradd --system --uid 10001 timeline
USER timeline
EXPOSE 8000
CMD ["timeline", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
