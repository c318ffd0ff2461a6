# The API image used by docker-compose.yml: installs the project as `pip install .` does
# (the server distribution carries the client package its CLI uses), runs as a non-root user.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md alembic.ini ./
COPY timeline ./timeline
COPY migrations ./migrations
COPY clients ./clients
RUN pip install --no-cache-dir . && rm -rf /app/timeline /app/clients /app/migrations
RUN useradd --system --uid 10001 timeline
USER timeline
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --retries=6 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"]
CMD ["timeline", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
