"""Security against the running cluster, over real HTTP and taking turns between its two API
processes: bad tokens, a body that names another actor, one clinic probing another's ids,
hostile text in every field of every write. Each is refused cleanly and the database shows
nothing recorded, save the access log, which names whoever was refused."""

from __future__ import annotations

import itertools
import json
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.api import bodies
from tests.api.conftest import STAFF, problem, token
from tests.api.test_tokens import claims, tampered, unsigned
from tests.system.cluster import EVENTS, Inspector


class Http:
    """Requests to the cluster over kept-alive connections, each to the next API process."""

    def __init__(self, urls: list[str]) -> None:
        self.clients = [httpx.Client(base_url=url, timeout=30) for url in urls]
        self.turns = itertools.cycle(self.clients)

    def request(self, method: str, path: str, **options) -> httpx.Response:
        return next(self.turns).request(method, path, **options)

    def everywhere(self, method: str, path: str, **options) -> list[httpx.Response]:
        return [client.request(method, path, **options) for client in self.clients]


@dataclass
class Chart:
    """A patient with both consents, a condition, a screening since and a formulated course."""

    patient: str
    course: str

    def path(self, template: str) -> str:
        return template.format(patient_id=self.patient, course_id=self.course,
                               scope="photography", condition="migraine", version=1)


class Desk:
    """One clinic's staff at the cluster."""

    def __init__(self, http: Http, clinic: str) -> None:
        self.http, self.clinic = http, clinic

    def headers(self, role: str) -> dict[str, str]:
        sub = STAFF[role][0] if self.clinic == "clinic-a" else f"{STAFF[role][0]}@{self.clinic}"
        return {"Authorization": f"Bearer {token(role, self.clinic, sub=sub)}"}

    def send(self, method: str, path: str, role: str = "clinician", **options
             ) -> httpx.Response:
        headers = self.headers(role) | options.pop("headers", {})
        return self.http.request(method, path, headers=headers, **options)

    def post(self, path: str, body: dict, role: str = "clinician") -> httpx.Response:
        return self.send("POST", path, role, json=body)

    def recorded(self, path: str, body: dict, role: str = "clinician") -> dict:
        response = self.post(path, body, role)
        assert response.status_code == 201, response.text
        return response.json()

    def course(self, patient: str) -> str:
        course = self.recorded(f"/v1/patients/{patient}/courses", bodies.plan())["course_id"]
        self.recorded(f"/v1/courses/{course}/formulations", bodies.formulation())
        return course

    def chart(self) -> Chart:
        patient = self.recorded("/v1/patients", bodies.registration(
            f"MRN-{uuid.uuid4().hex[:10]}"), "receptionist")["patient_id"]
        for scope in ("treatment", "photography"):
            self.recorded(f"/v1/patients/{patient}/consents", bodies.consent(now(), scope),
                          "receptionist")
        self.recorded(f"/v1/patients/{patient}/conditions", {"condition": "migraine"})
        self.recorded(f"/v1/patients/{patient}/screenings", bodies.screening())
        return Chart(patient, self.course(patient))


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def store(cluster) -> Iterator[Inspector]:
    inspector = cluster.inspector()
    yield inspector
    inspector.close()


@pytest.fixture
def http(cluster) -> Iterator[Http]:
    http = Http([api.url for api in cluster.apis])
    yield http
    for client in http.clients:
        client.close()


@pytest.fixture
def desk(http) -> Desk:
    return Desk(http, "clinic-a")


@pytest.fixture
def chart(desk) -> Chart:
    return desk.chart()


def recorded(store: Inspector) -> tuple[int, int]:
    """What a refused request must leave alone: the event log and the idempotency keys."""
    return store.log_position(), store.sql("SELECT count(*) FROM idempotent_requests")[0][0]


def access_entries(store: Inspector, after: int) -> list[tuple]:
    return store.sql("SELECT actor_id, role, actor_clinic, patient_id, resource, outcome"
                     " FROM access_log WHERE id > %s ORDER BY id", (after,))


def last_access(store: Inspector) -> int:
    return store.sql("SELECT COALESCE(MAX(id), 0) FROM access_log")[0][0]


def bad_tokens() -> dict[str, str]:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "signed with another secret": jwt.encode(
            claims(), "another-secret-long-enough-for-hs256-use", algorithm="HS256"),
        "expired": token("clinician", ttl=timedelta(seconds=-5)),
        **{f"alg {none}": unsigned({"alg": none, "typ": "JWT"}, claims())
           for none in ("none", "None", "NONE")},
        "payload edited after signing": tampered("clinician"),
        "RS256 from a key the server never heard of": jwt.encode(claims(), stranger,
                                                                algorithm="RS256"),
    }


def test_a_bad_token_is_401_from_either_server_and_records_nothing(desk, http, store, chart):
    read, write = f"/v1/patients/{chart.patient}", f"/v1/courses/{chart.course}/injections"
    access, before = last_access(store), recorded(store)
    for kind, bad in bad_tokens().items():
        headers = {"Authorization": f"Bearer {bad}", "Idempotency-Key": kind}
        refusals = [*http.everywhere("GET", read, headers=headers),
                    *http.everywhere("POST", write, headers=headers, json=bodies.injection(1))]
        for response in refusals:
            problem(response, 401)
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), kind
            assert chart.patient not in response.text and chart.course not in response.text
    assert recorded(store) == before
    assert access_entries(store, access) == []  # a bad token names nobody to log
    assert desk.send("GET", read).status_code == 200  # while a good token reads it


ESCALATIONS = ({"actor": {"id": "u-admin", "name": "Admin", "role": "clinician"}},
               {"role": "clinician"}, {"clinic": "clinic-b"})
CLINICIAN_ONLY = ("/v1/patients/{patient_id}/screenings", "/v1/patients/{patient_id}/courses",
                  "/v1/courses/{course_id}/formulations", "/v1/courses/{course_id}/status")


def actor(role: str) -> dict[str, str]:
    return {"id": STAFF[role][0], "name": STAFF[role][1], "role": role}


def test_the_body_cannot_raise_a_role_or_name_another_actor_and_entries_name_the_token(
        desk, store, chart):
    supervisor = desk.recorded("/v1/staff", bodies.WRITES["/v1/staff"](now()) | {
        "name": "Dr Maria Rossi", "roles": ["clinician"]}, "admin")["staff_id"]
    before = recorded(store)
    for extra in ESCALATIONS:
        field = next(iter(extra))
        problem(desk.post("/v1/patients", bodies.registration("MRN-ESC") | extra,
                          "receptionist"), 422, field=field)
        problem(desk.post(f"/v1/courses/{chart.course}/injections",
                          bodies.injection(1, supervisor=supervisor) | extra, "nurse"),
                422, field=field)
    for template, extra in itertools.product(CLINICIAN_ONLY, ({}, *ESCALATIONS)):
        problem(desk.post(chart.path(template), bodies.WRITES[template](now()) | extra,
                          "nurse"), 403, type="urn:mesoledger:problem:role_not_permitted")
    assert recorded(store) == before

    desk.recorded("/v1/patients", bodies.registration("MRN-ESC"), "receptionist")
    desk.recorded(f"/v1/courses/{chart.course}/injections",
                  bodies.injection(1, supervisor=supervisor), "nurse")
    stored = store.sql(f"SELECT topic, state FROM {EVENTS} WHERE notification_id > %s"
                       " ORDER BY notification_id", (before[0],))
    entries = [(topic.rsplit(".", 1)[-1], json.loads(state)["actor"]["_data_"])
               for topic, state in stored]
    claims = len(entries) - 2  # the MRN claimed as normalised, and as older versions keyed it
    assert claims >= 1 and entries == [("Registered", actor("receptionist")),
                                       *[("Claimed", actor("receptionist"))] * claims,
                                       ("Injected", actor("nurse"))]
    assert json.loads(stored[0][1])["clinic"] == "clinic-a"


def scoped_routes(http: Http) -> list[tuple[str, str]]:
    """Every patient- or course-scoped route the server publishes: a new one is probed too."""
    paths = http.request("GET", "/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, operations in paths.items()
            for method in operations if "{patient_id}" in path or "{course_id}" in path]


def logged_route(template: str, chart: Chart) -> str:
    """How the access log names a request: the route, with only its ids filled in."""
    return template.format(patient_id=chart.patient, course_id=chart.course,
                           scope="{scope}", condition="{condition}", version="{version}")


def test_another_clinics_ids_answer_like_unknown_ones_and_each_refused_request_is_logged(
        http, desk, store):
    clinic_b = Desk(http, "clinic-b")
    theirs, unknown = clinic_b.chart(), Chart(str(uuid.uuid4()), str(uuid.uuid4()))
    access, before, probes = last_access(store), recorded(store), []
    for method, template in scoped_routes(http):
        body = bodies.WRITES[template](now()) if method == "POST" else None
        answers = [desk.send(method, chart.path(template), json=body,
                             headers={"Idempotency-Key": str(uuid.uuid4())})
                   for chart in (theirs, unknown)]
        assert problem(answers[0], 404) == problem(answers[1], 404), template
        assert theirs.patient not in answers[0].text and theirs.course not in answers[0].text
        probes += [logged_route(template, chart) for chart in (theirs, unknown)]
    assert recorded(store) == before
    assert len(probes) >= 20

    entries = access_entries(store, access)  # reads and refused writes alike
    assert [(actor, role, clinic, resource, status)
            for actor, role, clinic, _, resource, status in entries] == [
        ("u-clin-1", "clinician", "clinic-a", route, 404) for route in probes]
    assert [patient for _, _, _, patient, _, _ in entries[::2]] == [theirs.patient] * (
        len(probes) // 2)
    seen_by_b = clinic_b.send("GET", "/v1/access-log", "auditor", params={
        "patient_id": theirs.patient, "limit": 1000}).json()["entries"]
    assert [(e["actor_id"], e["actor_clinic"], e["resource"], e["outcome"]) for e in seen_by_b
            ] == [("u-clin-1", "clinic-a", route, 404) for route in probes[::2]]
    seen_by_a = desk.send("GET", "/v1/access-log", "auditor", params={
        "actor": "u-clin-1", "after": access, "limit": 1000}).json()["entries"]
    assert len(seen_by_a) == len(probes)
    assert {e["patient_clinic"] for e in seen_by_a} == {None}  # the prober learns no owner

    listed = {"q": "Genevieve", "min_position": before[0]}
    assert desk.send("GET", "/v1/patients", params=listed).json() == []
    assert [p["patient_id"] for p in clinic_b.send("GET", "/v1/patients", params=listed).json()
            ] == [theirs.patient]


MEGABYTE = "1" * 1_000_000  # digits pass every character pattern: only the length is wrong
NUL = "Ann\x00Lee"
SQL = ("Robert'); DROP TABLE patient_directory;--", "' OR '1'='1", '"; SELECT pg_sleep(5);--',
       "\\x00 %_ !% $$ \\'; --")
FieldPath = tuple[str | int, ...]


def texts(value: object, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every text in a JSON document, with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict | list):
        for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
            yield from texts(item, (*path, key))


def replaced(document: object, path: FieldPath, text: str) -> object:
    """A copy of a JSON document with the text at `path` replaced."""
    if not path:
        return text
    copy = list(document) if isinstance(document, list) else dict(document)
    copy[path[0]] = replaced(document[path[0]], path[1:], text)
    return copy


def dotted(path: FieldPath) -> str:
    return ".".join(map(str, path))


def names_of(path: FieldPath) -> set[str]:
    """How a refusal may name the field: its whole path, without list indices, or its name."""
    keys = [part for part in path if isinstance(part, str)]
    return {dotted(path), ".".join(keys), keys[-1]}


REFERENCES = {"lots": "lot_not_in_formulation"}  # text naming another entry: a rule refuses it
STORED_AS = {("/v1/patients/{patient_id}/allergies", ("substance",)): lambda text:
             unicodedata.normalize("NFC", text)}  # a substance is kept as a name is
SLOW = timedelta(seconds=2)


@dataclass(frozen=True)
class Kept:
    """Hostile text a write accepted, and whether its record already gave it back verbatim
    (if not, the patient's history must: a reason, or a name amended since)."""

    text: str
    patient: str
    shown: bool


def outcome(response: httpx.Response) -> tuple[int, str | None]:
    return response.status_code, response.json().get("rule")


class Target:
    """One write route under attack, on a chart where its valid body is recorded."""

    def __init__(self, desk: Desk, store: Inspector, template: str,
                 make: Callable[[datetime], dict]) -> None:
        self.desk, self.store, self.template, self.make = desk, store, template, make
        self.chart = self.fresh_chart()
        before = store.log_position()
        first = self.post(make(now()))
        assert store.log_position() != before, f"{template} refuses its valid body: {first.text}"
        self.accepted = outcome(first)  # 201, or a refusal the route records (erasure)
        self.repeatable = outcome(self.post(make(now()))) == self.accepted
        self.refresh()

    def post(self, body: dict) -> httpx.Response:
        return self.desk.post(self.chart.path(self.template), body)

    def attack(self, path: FieldPath, text: str) -> Kept | None:
        before = self.store.log_position()
        response = self.post(replaced(self.make(now()), path, text))
        recorded = self.store.log_position() != before
        sent = f"{dotted(path)} = {text[:25]!r}: {response.status_code} {response.text[:200]}"
        assert response.status_code < 500 and response.elapsed < SLOW, (sent, response.elapsed)
        malformed = text in (MEGABYTE, NUL)
        if outcome(response) == self.accepted and not malformed:
            assert recorded, f"accepted without recording anything: {sent}"
            return self.kept(response.json(), STORED_AS.get((self.template, path), str)(text))
        assert not recorded, f"refused but recorded: {sent}"
        if text == MEGABYTE and response.status_code == 413:
            problem(response, 413)
        elif not malformed and path[0] in REFERENCES and response.status_code == 409:
            problem(response, 409, rule=REFERENCES[path[0]])
        else:
            assert problem(response, 422)["field"] in names_of(path), sent
        return None

    def refresh(self) -> None:
        """A new chart once the route has used this one up (a withdrawn consent, say)."""
        if not self.repeatable:
            self.chart = self.fresh_chart()

    def fresh_chart(self) -> Chart:
        """A chart where the route's valid body is in order: an adverse event follows an
        injection of its course."""
        chart = self.desk.chart()
        if self.template.endswith("/adverse-events"):
            self.desk.recorded(chart.path("/v1/courses/{course_id}/injections"),
                               bodies.injection(1))
        return chart

    def kept(self, answer: dict, text: str) -> Kept:
        chart = self.chart
        self.refresh()
        patient = answer.get("patient_id", chart.patient)
        course = answer.get("course_id", chart.course if "{course_id}" in self.template else None)
        shown = texts_read(self.desk, f"/v1/patients/{patient}",
                           *([f"/v1/courses/{course}"] if course else []))
        return Kept(text, patient, text in shown)


def texts_read(desk: Desk, *paths: str, **params) -> set[str]:
    """Every text that these reads give back."""
    answers = [desk.send("GET", path, params=params) for path in paths]
    assert [answer.status_code for answer in answers] == [200] * len(paths), answers[0].text
    return {text for answer in answers for _, text in texts(answer.json())}


def chart_writes():
    """Every write of a patient's chart a clinician's token can make, with its body. Writes
    that need more than a token (a signature: a staff account and its password; staff
    accounts: an admin; recalls and their contacts, which would stop this suite's lot;
    products and protocols, kept outside any chart) meet hostile text in the API tests:
    schemathesis's negative phase, test_signature_attacks, test_staff_attacks, test_recalls."""
    for template, make in bodies.WRITES.items():
        if template.startswith(("/v1/patients", "/v1/courses")) and not any(
                part in template for part in ("/signatures", "/recall-contacts")):
            yield template, make


def test_hostile_text_in_every_field_of_every_write_is_refused_or_kept_verbatim(
        cluster, desk, store, subtests):
    tables, kept, serial = store.tables(), [], itertools.count()
    for template, make in chart_writes():
        with subtests.test(route=template):
            target = Target(desk, store, template, make)
            for (path, _), text in itertools.product(texts(make(now())), (MEGABYTE, NUL, *SQL)):
                unique = text if text in (MEGABYTE, NUL) else f"{next(serial)} {text}"
                kept.append(target.attack(path, unique))
    kept = [entry for entry in kept if entry]
    assert len(kept) >= 50

    position, in_history = store.log_position(), defaultdict(set)
    for entry in kept:
        if not entry.shown:
            in_history[entry.patient].add(entry.text)
    for patient, hostile in in_history.items():
        assert hostile <= texts_read(desk, f"/v1/patients/{patient}/history",
                                     min_position=position)
    assert store.tables() == tables
    assert [member.name for member in cluster.members if not member.alive] == []
