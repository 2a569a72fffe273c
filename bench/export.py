"""Export of one patient's history with its proofs (issue 5): time and size.

    .venv/bin/python bench/export.py [--events N] [--entries E] [--backends sqlite,postgres]
                                     [--profile] [--no-http]

Per backend, fills a fresh store with N realistic course events (bench/filling.py) in which
one subject patient holds at least E history entries spread through the log (half given
at a third of the fill, the rest at two thirds), catches every view up, then exports the
subject three times with `infra.exports.export_patient` and serialises each export as the
HTTP route does. Reports the build time and the build+serialise time (best and median of
3), the export's size, its inclusion-proof bytes per event and its bytes per event, each
next to a same-run baseline: reading the subject's stored events from the store, their
stored bytes, and the proofs' hashes as binary (32 bytes each, no JSON). Then, unless
--no-http, the same export through the HTTP route (TestClient). `--profile` prints a
cProfile of one export (top 25 by cumulative time).

Goals (issue 5): an export takes ≤ 1 s (judged on the median build+serialise) and its
proofs take ≤ 2 kB (2,000 bytes of JSON) per event.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure, show  # noqa: E402
from bench.filling import Filler  # noqa: E402
from bench.stores import BACKENDS  # noqa: E402
from infra.exports import export_patient  # noqa: E402
from infra.integrity import Integrity, open_integrity  # noqa: E402
from infra.projecting import open_runner  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402

TIME_GOAL_S = 1.0
PROOF_GOAL_B = 2_000
REPEAT = 3
HASH_BYTES = 32  # SHA-256
SUBJECT_MRN = "MRN-SUBJECT"


def timed(work, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = work(*args, **kwargs)
    return time.perf_counter() - started, result


def serialised(document: dict) -> bytes:
    """The body the HTTP route sends (Starlette's JSONResponse.render)."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")


def bench_settings(url: str) -> Settings:
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    return Settings(database_url=url, area_session_volume_limit_ml=Decimal("1000"),
                    var_dir=folder, signing_key_path=folder / "signing.key",
                    jwt_secret="bench-secret-that-is-long-enough-for-hs256-keys")


# --- the store ----------------------------------------------------------------------------


def fill_store(backend: str, filler: Filler, n: int, entries: int) -> tuple[UUID, int]:
    """Fill to N events; the subject is admitted first and treated at N/3 and 2N/3."""
    started = time.perf_counter()
    subject = filler.admit(SUBJECT_MRN)
    for share, target in ((1, n // 3), (2, 2 * n // 3)):
        filler.fill(target)
        filler.treat_until(subject, entries * share // 2)
    total = filler.fill(n)
    fill_s = time.perf_counter() - started
    print(f"{backend:8} filled {total:,} events in {fill_s:.1f} s "
          f"({total / fill_s:,.0f} events/s)", flush=True)
    return subject, total


def catch_up(backend: str, runner, total: int) -> None:
    seconds, applied = timed(runner.catch_up)
    assert applied == total, (applied, total)
    print(f"{backend:8} caught up every view over {applied:,} events in {seconds:.1f} s",
          flush=True)


# --- measurements -------------------------------------------------------------------------


def export_times(integrity: Integrity, subject: UUID) -> tuple[list[float], list[float], dict]:
    """REPEAT exports: the build times, the build+serialise times, and the last document."""
    builds, totals, document = [], [], {}
    for _ in range(REPEAT):
        build_s, document = timed(export_patient, integrity, subject)
        dump_s, _ = timed(serialised, document)
        builds.append(build_s)
        totals.append(build_s + dump_s)
    return builds, totals, document


def raw_read_times(records, record_ids: list[UUID]) -> tuple[list[float], int]:
    """The floor: read the subject's stored events, one read per record, nothing else."""
    def read() -> list:
        return [event for record_id in record_ids
                for event in records.recorder.select_events(record_id)]

    times, stored_bytes = [], 0
    for _ in range(REPEAT):
        seconds, stored = timed(read)
        times.append(seconds)
        stored_bytes = sum(len(event.state) for event in stored)
    return times, stored_bytes


def http_times(settings: Settings, subject: UUID) -> tuple[list[float], int]:
    """The same export through GET /v1/patients/{id}/export?format=json (TestClient)."""
    with warnings.catch_warnings():  # Starlette's note on httpx, not ours
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from api.http.app import create_app
    from infra.tokens import TokenKeys

    token = TokenKeys.from_settings(settings).issue("u-reg-1", "Inspector Lee", "regulator", "*")
    headers = {"Authorization": f"Bearer {token}"}
    times, size = [], 0
    with TestClient(create_app(settings, run_projections=False)) as client:
        for _ in range(REPEAT):
            seconds, response = timed(client.get, f"/v1/patients/{subject}/export",
                                      params={"format": "json"}, headers=headers)
            assert response.status_code == 200, response.text
            times.append(seconds)
            size = len(response.content)
    return times, size


def profile_export(integrity: Integrity, subject: UUID) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    serialised(export_patient(integrity, subject))
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


# --- the report ---------------------------------------------------------------------------


def report_times(backend: str, builds: list[float], totals: list[float],
                 raw: list[float]) -> None:
    floor = min(raw)
    show(Figure("export", backend, "raw read of its events", floor, "s"),
         f"(floor; median {statistics.median(raw):.3f} s)")
    for name, times, note in (("build", builds, "(export_patient)"),
                              ("build+serialise", totals, "(+ the route's json.dumps)")):
        show(Figure("export", backend, f"{name} (best)", min(times), "s",
                    "raw read (best)", floor), note)
    median = statistics.median(totals)
    show(Figure("export", backend, "build (median)", statistics.median(builds), "s",
                "raw read (median)", statistics.median(raw)), "(export_patient)")
    show(Figure("export", backend, "build+serialise (median)", median, "s",
                "raw read (median)", statistics.median(raw),
                f"≤ {TIME_GOAL_S:g} s", median <= TIME_GOAL_S))


def report_sizes(backend: str, document: dict, body: bytes, stored_bytes: int) -> None:
    events = document["events"]
    proof_b = statistics.mean(len(json.dumps(e["inclusion_proof"], separators=(",", ":")))
                              for e in events)
    binary_b = statistics.mean(HASH_BYTES * len(e["inclusion_proof"]) for e in events)
    show(Figure("export", backend, "export size (JSON)", len(body) / 1000, "kB",
                "stored bytes of its events", stored_bytes / 1000),
         "(events, proofs, history, key)")
    show(Figure("export", backend, "proofs per event", proof_b, "B/event",
                "the same hashes in binary", binary_b, f"≤ {PROOF_GOAL_B:,} B/event",
                proof_b <= PROOF_GOAL_B))
    show(Figure("export", backend, "export bytes per event", len(body) / len(events),
                "B/event", "stored bytes per event", stored_bytes / len(events)),
         "(export size / entries)")


def describe_subject(backend: str, document: dict, n: int) -> None:
    events = document["events"]
    positions = [e["position"] for e in events]
    thirds = [sum(1 for p in positions if third * n // 3 < p <= (third + 1) * n // 3)
              for third in range(3)]
    thirds[2] += sum(1 for p in positions if p > n)
    records = len({e["originator_id"] for e in events})
    print(f"{backend:8} subject patient: {len(events):,} entries in {records} records, "
          f"positions {positions[0]:,}..{positions[-1]:,} (per third of the log: {thirds}); "
          f"checkpoint size {int(document['checkpoint'].split(chr(10))[1]):,}; "
          f"proofs of {min(len(e['inclusion_proof']) for e in events)}-"
          f"{max(len(e['inclusion_proof']) for e in events)} hashes", flush=True)


def bench(backend: str, url: str, n: int, entries: int, profile: bool, http: bool) -> None:
    settings = bench_settings(url)
    records = open_records(settings)
    try:
        subject, total = fill_store(backend, Filler(records), n, entries)
        runner = open_runner(records, settings)
        catch_up(backend, runner, total)
        integrity = open_integrity(runner, settings)
        builds, totals, document = export_times(integrity, subject)
        assert len(document["events"]) >= entries, len(document["events"])
        describe_subject(backend, document, n)
        record_ids = [UUID(r) for r in dict.fromkeys(e["originator_id"]
                                                    for e in document["events"])]
        raw, stored_bytes = raw_read_times(records, record_ids)
        report_times(backend, builds, totals, raw)
        report_sizes(backend, document, serialised(document), stored_bytes)
        if http:
            times, size = http_times(settings, subject)
            show(Figure("export", backend, "GET export (best)", min(times), "s",
                        "build+serialise (best)", min(totals)),
                 f"(median {statistics.median(times):.3f} s, {size / 1000:,.1f} kB body)")
        if profile:
            print(profile_export(integrity, subject))
        runner.views.close()
    finally:
        records.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=1_000,
                        help="history entries of the exported patient (at least)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one export")
    parser.add_argument("--no-http", action="store_true", help="skip the export over HTTP")
    args = parser.parse_args()
    print(f"export benchmark, N={args.events:,} events, subject patient with "
          f"≥ {args.entries:,} entries", flush=True)
    for name in args.backends.split(","):
        with BACKENDS[name]() as url:
            bench(name, url, args.events, args.entries, args.profile, not args.no_http)


if __name__ == "__main__":
    main()
