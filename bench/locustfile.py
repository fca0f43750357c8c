"""The load test: officials reading, staff saving and submitting, reviewers approving.

    locust -f bench/locustfile.py --headless --users 50 --spawn-rate 10 --run-time 60s \
        --host http://127.0.0.1:8000 --csv bench/results/load

bench/load.sh sets up the stack and the accounts (bench/load_setup.py) and runs it.
70 % officials read the dashboards and download a table, 25 % staff save drafts and
submit through the API, 5 % reviewers approve through the API.
"""

import csv
import itertools
import json
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

RESULTS = Path(__file__).resolve().parent / "results"
PLAN = json.loads((RESULTS / "load.json").read_text())
OFFICIALS = itertools.cycle(PLAN["officials"])
STAFF = iter(PLAN["staff"])
REVIEWERS = iter(PLAN["reviewers"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NARRATIVE = "Số liệu quý đã được kiểm tra (kiểm thử tải)."

# Every request with the second it was made in, so that bench/load.sh can tell the first
# seconds (every user signing in at once, every page still to be rendered) from the rest.
REQUESTS = []


@events.request.add_listener
def record(request_type, name, response_time, exception, **kwargs):
    REQUESTS.append((time.time(), name, response_time, exception is None))


@events.quitting.add_listener
def write_requests(environment, **kwargs):
    with open(RESULTS / "load_requests.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["time", "name", "milliseconds", "ok"])
        writer.writerows(REQUESTS)


class Official(HttpUser):
    weight = 70
    wait_time = between(1, 3)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {
                "username": next(OFFICIALS),
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token,
            },
            name="sign in",
        )

    @task(4)
    def national(self):
        self.client.get("/", name="national dashboard")

    @task(2)
    def national_in_a_phase(self):
        self.client.get(f"/?phase={random.choice(PLAN['phases'])}", name="national, a phase")

    @task(3)
    def province(self):
        slug = random.choice(PLAN["provinces"])
        self.client.get(f"/dashboards/provinces/{slug}/", name="province dashboard")

    @task(2)
    def agreement(self):
        pk = random.choice(PLAN["agreements"])
        self.client.get(f"/dashboards/agreements/{pk}/", name="agreement dashboard")

    @task(1)
    def compare(self):
        self.client.get("/compare/", name="comparison")

    @task(1)
    def export(self):
        self.client.get("/?export=csv&table=map", name="export CSV")


class Staff(HttpUser):
    weight = 25
    wait_time = between(2, 5)

    def on_start(self):
        self.work = next(STAFF, None)
        if self.work is not None:
            self.client.headers["Authorization"] = f"Token {self.work['token']}"
        self.submitted = False

    @task(6)
    def save_draft(self):
        if self.work is None or self.submitted:
            return
        response = self.client.patch(
            f"/api/v1/reports/{self.work['report']}/",
            json={
                "version": self.work["version"],
                "narrative": NARRATIVE,
                "warning_reason": NARRATIVE,
            },
            name="API: save draft",
        )
        if response.ok:
            self.work["version"] = response.json()["version"]

    @task(1)
    def submit(self):
        if self.work is None or self.submitted:
            return
        response = self.client.post(
            f"/api/v1/reports/{self.work['report']}/submit/",
            json={"version": self.work["version"]},
            name="API: submit",
        )
        self.submitted = response.ok

    @task(2)
    def read_reports(self):
        if self.work is not None:
            self.client.get("/api/v1/reports/", name="API: my reports")


class Reviewer(HttpUser):
    weight = 5
    wait_time = between(3, 6)

    def on_start(self):
        self.work = next(REVIEWERS, None)
        if self.work is not None:
            self.client.headers["Authorization"] = f"Token {self.work['token']}"

    @task
    def approve_next(self):
        if self.work is None or not self.work["reports"]:
            return
        pk = self.work["reports"].pop()
        report = self.client.get(f"/api/v1/reports/{pk}/", name="API: a report").json()
        self.client.post(
            f"/api/v1/reports/{pk}/approve/",
            json={"version": report["version"], "comment": "Đồng ý (kiểm thử tải)."},
            name="API: approve",
        )
