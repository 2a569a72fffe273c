"""Sixteen clinic workstations at once: many patients, a few shared courses.

Every write carries its own Idempotency-Key and is retried the way a careful client retries
(same key, same body) until it gets a final answer: after a dropped connection, a 503 or a
`request_in_progress`. A workstation whose server stops answering moves to the other one.
Every answer is kept in a Ledger, so the test can hold the store to account afterwards.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from tests.api import bodies
from tests.system.cluster import Cluster, bearer

SESSIONS = 20  # the most a plan takes
CLINICIAN, RECEPTIONIST = bearer("clinician"), bearer("receptionist")
THIGHS = ("left", "right")
FINAL_ANSWER_WITHIN = 120.0  # seconds a write keeps retrying before it counts as lost


@dataclass(frozen=True)
class Write:
    """One write as the client saw it in the end."""

    key: str
    path: str
    status: int | None  # None: no final answer within FINAL_ANSWER_WITHIN
    body: dict


@dataclass
class Ledger:
    writes: list[Write] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)  # every answer, retries included
    defects: list[str] = field(default_factory=list)    # every 5xx other than 503
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, method: str, path: str, response: httpx.Response) -> None:
        with self._lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500 and response.status_code != 503:
                self.defects.append(f"{method} {path}: {response.status_code} {response.text}")

    def wrote(self, write: Write) -> None:
        with self._lock:
            self.writes.append(write)


@dataclass
class Clinic:
    """What the load works on: patients with a course each, and courses everyone shares;
    and one patient the load leaves alone, for the test's own look at the servers."""

    patients: dict[str, str]  # patient → their own course
    shared: list[str]
    aside: tuple[str, str]  # a patient and course no workstation touches


def open_clinic(url: str, patients: int = 24, shared: int = 3) -> Clinic:
    with httpx.Client(base_url=url, timeout=30) as http:
        own = dict(_treatable_patient(http, f"MRN-LOAD-{n:03d}") for n in range(patients))
        courses = [_treatable_patient(http, f"MRN-SHARED-{n}")[1] for n in range(shared)]
        aside = _treatable_patient(http, "MRN-ASIDE")
    return Clinic(own, courses, aside)


def _treatable_patient(http: httpx.Client, mrn: str) -> tuple[str, str]:
    """A consented, screened patient with a planned and formulated course."""
    def post(path: str, body: dict, headers: dict) -> dict:
        response = http.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    patient = post("/v1/patients", bodies.registration(mrn), RECEPTIONIST)["patient_id"]
    post(f"/v1/patients/{patient}/consents", bodies.consent(datetime.now(UTC)), RECEPTIONIST)
    post(f"/v1/patients/{patient}/screenings", bodies.screening(), CLINICIAN)
    course = post(f"/v1/patients/{patient}/courses", bodies.plan(SESSIONS), CLINICIAN)
    post(f"/v1/courses/{course['course_id']}/formulations", bodies.formulation(), CLINICIAN)
    return patient, course["course_id"]


class Workstation(threading.Thread):
    """One client: a mix of clinical writes and reads until `stop`."""

    def __init__(self, number: int, cluster: Cluster, clinic: Clinic, ledger: Ledger,
                 stop: threading.Event) -> None:
        super().__init__(name=f"workstation-{number}", daemon=True)
        self.number, self.cluster, self.clinic = number, cluster, clinic
        self.ledger, self.stop = ledger, stop
        self.random = random.Random(number)
        self.server = number % len(cluster.apis)
        self.writes = 0

    def run(self) -> None:
        with httpx.Client(timeout=30) as self.http:
            while not self.stop.is_set():
                self.one_task()

    def one_task(self) -> None:
        rnd, patients = self.random, list(self.clinic.patients)
        patient = rnd.choice(patients)
        roll = rnd.random()
        if roll < 0.35:
            course = rnd.choice(self.clinic.shared)
            self.write(f"/v1/courses/{course}/injections", self.injection(), CLINICIAN)
        elif roll < 0.55:
            course = self.clinic.patients[patient]
            self.write(f"/v1/courses/{course}/injections", self.injection(), CLINICIAN)
        elif roll < 0.65:
            course = rnd.choice(self.clinic.shared)
            self.write(f"/v1/courses/{course}/outcomes",
                       bodies.outcome(str(rnd.randint(1, 15)), "follow_up",
                                      rnd.randint(1, SESSIONS)), CLINICIAN)
        elif roll < 0.70:
            mrn = f"MRN-W{self.number:02d}-{self.writes:05d}"
            self.write("/v1/patients", bodies.registration(mrn), RECEPTIONIST)
        elif roll < 0.75:
            self.write(f"/v1/patients/{patient}/allergies",
                       {"substance": "latex", "reaction": "urticaria"}, CLINICIAN)
        else:
            view = rnd.choice(("progress", "history"))
            self.read(f"/v1/patients/{patient}/{view}")

    def injection(self) -> dict:
        """Into either thigh, in any session of the plan (a full one refuses it: 409)."""
        session, side = self.random.randint(1, SESSIONS), self.random.choice(THIGHS)
        return bodies.injection(session, volume=self.random.choice(("0.5", "1"))) | {
            "site": {"area": "thighs.lateral", "laterality": side}}

    def write(self, path: str, body: dict, headers: dict) -> None:
        self.writes += 1
        key = f"w{self.number:02d}-{self.writes:06d}"
        headers = headers | {"Idempotency-Key": key}
        deadline = time.monotonic() + FINAL_ANSWER_WITHIN
        while time.monotonic() < deadline:
            response = self.send("POST", path, json=body, headers=headers)
            if response is not None and not _try_again(response):
                self.ledger.wrote(Write(key, path, response.status_code, response.json()))
                return
        self.ledger.wrote(Write(key, path, None, {}))

    def read(self, path: str) -> None:
        self.send("GET", path, headers=CLINICIAN)

    def send(self, method: str, path: str, **options) -> httpx.Response | None:
        """One attempt on this workstation's server; on no answer or a 503, it waits a
        moment and moves to the other server."""
        url = self.cluster.apis[self.server].url + path
        try:
            response = self.http.request(method, url, **options)
        except httpx.TransportError:
            response = None
        if response is not None:
            self.ledger.saw(method, path, response)
        if response is None or response.status_code == 503:
            self.server = (self.server + 1) % len(self.cluster.apis)
            time.sleep(0.2)
        elif _try_again(response):
            time.sleep(0.2)
        return response


def _try_again(response: httpx.Response) -> bool:
    return response.status_code == 503 or (
        response.status_code == 409
        and response.json().get("type", "").endswith("request_in_progress"))
