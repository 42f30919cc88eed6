"""gunicorn for bpjs-outreach: `gunicorn -c deploy/gunicorn.conf.py bpjs_outreach.wsgi`.

Meant to run behind nginx (deploy/nginx.conf), which buffers request bodies: a partner's 13 MB
upload at 300 KB/s arrives at gunicorn in well under a second. Threaded workers besides, so a slow
client (or a direct connection without nginx) holds one thread, not a whole worker, and /healthz
keeps answering; with gthread the timeout below is the worker's heartbeat, not a per-request
deadline, so a slow upload is not killed after 30 s as with sync workers.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Seconds without a heartbeat before the master restarts a worker (a hung process, not a slow
# request: gthread workers keep beating while their threads wait on clients).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (bounded memory growth), not all at once.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
