# ChatKit Todo: one container, one process (`python app.py`), data in the /app/data volume.
# Build: docker build -t chatkit-todo .   (or in Azure: az acr build -r <registry> -t chatkit-todo .)
# Run:   docker run -p 8000:8000 -v chatkit-data:/app/data chatkit-todo
# tests/test_dockerfile.py parses this file and replays it without Docker: keep to
# ENV, WORKDIR, COPY, RUN, USER, VOLUME, EXPOSE, HEALTHCHECK and CMD.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_HOST=0.0.0.0 \
    APP_PORT=8000 \
    DATA_STORE_PATH=/app/data

WORKDIR /app

# An unprivileged user that owns the data folder and nothing else: the code stays root-owned
# and read-only for the app. uid/gid 10001 are also named in infra/resources.bicep (mount options).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
       --shell /usr/sbin/nologin app \
    && mkdir -p /app/data \
    && chown app:app /app/data \
    && chmod 0700 /app/data

# Dependencies before the code: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

USER app

VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('APP_PORT', '8000'), timeout=4)"]
CMD ["python", "app.py"]
