#!/usr/bin/env bash
# The load test on the stack of `make serve` (gunicorn, Redis, a Celery worker and beat under
# supervisord) over a throwaway PostgreSQL with the scale data:
#
#     .venv/bin/pip install -e '.[bench]' && bash bench/load.sh [users] [seconds] [settle]
#
# Prints locust's figures per request, the failures, and the CPU the stack spent per request.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -z "${DATABASE_URL:-}" ]; then
    exec scripts/with-postgres bash "$0" "$@"
fi

USERS=${1:-50}
SECONDS_RUN=${2:-60}
# The first seconds are the start of the test, not of a working day: every user signs in
# at once and every page is rendered for the first time. Figures are given for the whole
# run and for what follows these seconds.
SETTLE=${3:-30}
export DEBUG=0 SECRET_KEY=load-test-secret ALLOWED_HOSTS=127.0.0.1
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_SSL_REDIRECT=0
export ROOT="$PWD" VENV="$PWD/.venv" SERVE_DIR="$PWD/.serve-load"
export REDIS_PORT=6392 GUNICORN_BIND=127.0.0.1:8790
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0" CACHE_URL="redis://127.0.0.1:$REDIS_PORT/1"
PY=.venv/bin/python
mkdir -p "$SERVE_DIR" bench/results
# Each run is a new database: a schedule left by an earlier run would start the hourly full
# rebuild in the first seconds of this one, which a working hour sees once, not every minute.
rm -f "$SERVE_DIR"/beat-schedule*

$PY manage.py migrate --noinput --verbosity=0
$PY manage.py collectstatic --noinput --verbosity=0
$PY manage.py load_provinces >/dev/null
$PY manage.py load_reference_data >/dev/null
$PY manage.py generate_scale_data --yes --verbosity=0
$PY bench/load_setup.py
$PY manage.py recompute_progress --verbosity=0
# A database that has served for years has its statistics and its tables vacuumed; one
# loaded a minute ago has neither, and PostgreSQL's autovacuum would do both in the middle
# of the run, with plans changing as it goes.
$PY manage.py dbshell -- -c "VACUUM ANALYZE" >/dev/null

.venv/bin/supervisord -c deploy/supervisord.conf >"$SERVE_DIR/stack.log" 2>&1 &
SUPERVISOR=$!
trap 'kill $SUPERVISOR 2>/dev/null; wait $SUPERVISOR 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://$GUNICORN_BIND/healthz" && break
    sleep 1
done

cpu() {  # CPU ticks used so far by the stack: gunicorn, the Celery worker, the rest (Redis, beat)
    local web=0 worker=0 rest=0 ticks
    for pid in $( (pgrep -P "$SUPERVISOR"; pgrep -f "gunicorn -c deploy|celery -A config") | sort -u); do
        [ -r "/proc/$pid/stat" ] || continue
        ticks=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat")
        case "$(tr '\0' ' ' <"/proc/$pid/cmdline")" in
            *gunicorn*) web=$((web + ticks)) ;;
            *"celery -A config worker"*) worker=$((worker + ticks)) ;;
            *) rest=$((rest + ticks)) ;;
        esac
    done
    echo "$web $worker $rest"
}
machine() {  # busy, total and stolen CPU ticks of the whole machine: PostgreSQL and locust too
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8, $9}' /proc/stat
}
before=$(cpu)
machine_before=$(machine)
# locust exits non-zero when any request failed; the figures below are wanted all the more.
.venv/bin/locust -f bench/locustfile.py --headless --users "$USERS" --spawn-rate 10 \
    --run-time "${SECONDS_RUN}s" --host "http://$GUNICORN_BIND" --csv bench/results/load \
    --only-summary 2>&1 | tail -n 40 || true
after=$(cpu)
machine_after=$(machine)
# What each gunicorn worker holds once it has served the run: what sizing the workers costs.
for pid in $(pgrep -P "$(pgrep -P "$SUPERVISOR" -f gunicorn)"); do
    awk '/VmRSS/ {printf "%d ", $2 / 1024}' "/proc/$pid/status"
done | xargs -r echo "Memory of each gunicorn worker (MiB):"
$PY - $before $after $machine_before $machine_after "$SETTLE" <<'PY'
import csv, os, statistics, sys
from collections import defaultdict
ticks = os.sysconf("SC_CLK_TCK")
rows = list(csv.DictReader(open("bench/results/load_stats.csv")))
total = next(r for r in rows if r["Name"] == "Aggregated")
requests = int(total["Request Count"])
web, worker, rest = ((int(sys.argv[4 + n]) - int(sys.argv[1 + n])) / ticks for n in range(3))
cpu = web + worker + rest
print()
print(f"{requests} requests, {total['Failure Count']} failures, {float(total['Requests/s']):.1f} per second")
print(f"CPU of the stack: {cpu:.1f} s, {1000 * cpu / max(requests, 1):.1f} ms per request")
print(f"  gunicorn {web:.1f} s, the Celery worker {worker:.1f} s, Redis and beat {rest:.1f} s")
busy = int(sys.argv[10]) - int(sys.argv[7])
available = int(sys.argv[11]) - int(sys.argv[8])
stolen = int(sys.argv[12]) - int(sys.argv[9])
print(
    f"CPU of the whole machine (PostgreSQL and locust included): {busy / ticks:.1f} s "
    f"of {available / ticks:.1f} s, {100 * busy / max(available, 1):.0f} % busy; "
    f"{stolen / ticks:.1f} s taken by the host (steal)"
)
settle = int(sys.argv[13])
timed = list(csv.DictReader(open("bench/results/load_requests.csv")))
start = min(float(r["time"]) for r in timed)
whole, settled = defaultdict(list), defaultdict(list)
for r in timed:
    whole[r["name"]].append(float(r["milliseconds"]))
    if float(r["time"]) - start >= settle:
        settled[r["name"]].append(float(r["milliseconds"]))


def p(values, share):
    if len(values) < 2:
        return f"{values[0]:.0f}" if values else "-"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[share - 1]:.0f}"


print(f"Milliseconds per request: the whole run, and after its first {settle} s")
print(f"  {'request':<28} {'p95 all':>8} {'p50 after':>10} {'p95 after':>10}  requests after")
for name in sorted(whole):
    print(
        f"  {name:<28} {p(whole[name], 95):>8} {p(settled[name], 50):>10} "
        f"{p(settled[name], 95):>10}  {len(settled[name])}"
    )
PY
