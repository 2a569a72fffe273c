"""Server time of the web app's chart and progress pages for a patient with 2,000 entries,
next to the JSON progress endpoint measured in the same run (its baseline).

    .venv/bin/python bench/web.py [--entries 2000] [--requests 200]

One embedded server (uvicorn on loopback, SQLite, views kept in-process), a clinician
signed in with a real session cookie for the pages and a bearer token for the JSON. Each
page is fetched sequentially `--requests` times after a warm-up; the time is the round trip
on loopback (the server's time, plus a loopback hop). Goals: p50 ≤ 50 ms, p99 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, show  # noqa: E402
from domain.entries import CoursePlan  # noqa: E402
from domain.values import Site  # noqa: E402
from tests.clinic import (  # noqa: E402
    CLINICIAN,
    PERSON,
    RECEPTIONIST,
    answers,
    dose,
    formula,
    outcome,
    treatment_consent,
)
from tests.conftest import Clock  # noqa: E402
from tests.web.server import PASSWORD, web_server  # noqa: E402

SITES = [Site(area, side) for area in ("thighs.lateral", "thighs.anterior",
                                       "buttocks.gluteal") for side in ("left", "right")]
SESSIONS = 20


def fill(server, entries: int) -> str:
    """A patient with `entries` entries: one course on six areas, 20 daily sessions, each
    area injected several times a session and scored after it."""
    records, clock = server.services.records, server.clock
    patient = records.register_patient("clinic-a", "BENCH-1", PERSON, RECEPTIONIST).id
    records.give_consent(patient, treatment_consent(clock()), RECEPTIONIST)
    records.screen(patient, answers(), CLINICIAN)
    course = records.plan_course(patient, CoursePlan("cellulite", tuple(SITES), SESSIONS, 1),
                                 CLINICIAN).id
    records.formulate(course, formula(), CLINICIAN)
    per_area = max(1, round((entries - 130) / (SESSIONS * len(SITES))))
    for site in SITES:
        records.assess_outcome(course, outcome("12", "baseline", 0, site=site), CLINICIAN)
    for session in range(1, SESSIONS + 1):
        clock.advance(days=1)
        for site in SITES:
            for _ in range(per_area):
                records.inject(course, dose(session, site, volume="0.1"), CLINICIAN)
            score = str(max(0, 12 - session // 2))
            records.assess_outcome(course, outcome(score, "follow_up", session, site=site),
                                   CLINICIAN)
    server.services.wait_for_log()
    return str(patient)


def timed(client: httpx.Client, url: str, n: int) -> list[float]:
    for _ in range(10):
        warm = client.get(url)
        assert warm.status_code == 200, warm.text[:300]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:300]
    return sorted(times)


def percentile(times: list[float], p: float) -> float:
    return times[min(len(times) - 1, int(len(times) * p))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    options = parser.parse_args()
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(days=SESSIONS + 2)
    with tempfile.TemporaryDirectory() as tmp, web_server(Path(tmp), Clock(started)) as server:
        patient = fill(server, options.entries)
        position = server.log_position()
        email = server.account("clinician")["email"]
        with httpx.Client(base_url=server.url) as web, httpx.Client(base_url=server.url) as api:
            signed = web.post("/v1/sessions", json={"email": email, "password": PASSWORD})
            assert signed.status_code == 201, signed.text
            token = server.services.tokens.issue("u-bench", "Dr Bench", "clinician",
                                                 "clinic-a")
            api.headers["Authorization"] = f"Bearer {token}"
            pages = {"chart page": f"/patients/{patient}",
                     "progress page": f"/patients/{patient}/progress"}
            baseline = timed(api, f"/v1/patients/{patient}/progress", options.requests)
            print(f"patient with {position} log entries; {options.requests} requests each")
            for name, url in pages.items():
                times = timed(web, url, options.requests)
                p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
                show(Figure("web", "sqlite", f"{name}: p50", p50, "ms", "JSON progress p50",
                            percentile(baseline, 0.5), "≤ 50 ms", p50 <= 50))
                show(Figure("web", "sqlite", f"{name}: p99", p99, "ms", "JSON progress p99",
                            percentile(baseline, 0.99), "≤ 150 ms", p99 <= 150))


if __name__ == "__main__":
    main()
