"""gunicorn as the portal runs in production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Two workers per CPU, each with two threads: a slow request (a login's password
hash, a dashboard rendered afresh) holds one thread, not the whole worker. The
threads of a worker share one interpreter lock, so a render stalls its worker's
other requests; with four threads in each of two workers (on two cores) the
dashboards' worst p95 under bench/load.sh was 323–715 ms in four runs, with two
threads in each of four workers 303–356 ms in four, for the same eight requests
at once and the same CPU. Every value can be set from the environment, as the
settings are.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
# The longest request (an Excel download of a large table) takes a few seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Longer than any client or proxy keeps an idle connection open (nginx's upstream keepalive
# and browsers: 60 s), so the server never closes one the client has just sent a request on.
# gthread keeps idle connections in its poller, not in a thread.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 75))
# A worker is replaced now and then, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The request id matches the portal's own log lines (core/requests.py).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s]'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Set the loaded portal's objects apart from the collector's work.

    A full collection walked the 80,000 objects of the loaded code and settings on
    every pass; frozen, it walks only what requests created since.
    """
    gc.freeze()
