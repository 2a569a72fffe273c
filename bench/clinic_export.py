"""A whole clinic for an inspection (issue 18): its NDJSON export over HTTP and its offline
verification, at growing sizes, and what its completeness proofs cost.

    .venv/bin/python bench/clinic_export.py [--sizes 25000,100000]

Grows one SQLite store (bench/filling.py: every patient in clinic-a) to each size in turn.
At each, it catches every view up in this process and closes the store, then starts
`mesoledger serve` on it, a real process whose views are current (so its memory is the
export's, not a catch-up's), and as a regulator streams GET /v1/clinics/clinic-a/export to a
file; then it runs the regulator's verifier, `python -m api.verify_export FILE --log-key KEY`,
in its own process (its printed history to /dev/null). Reports:

- each one's wall time (goal ≤ 10 s at 100k events), next to reading the same events from the
  store (one read of the log, no proofs);
- the server's peak RSS (VmHWM) next to its RSS after its first request, and the verifier's
  peak RSS next to a bare `python -c "import cryptography..."`; at the largest size each peak
  is also put next to the same peak at the smallest: a ratio near 1 is memory that does not
  grow with the clinic (goal ≤ 1.1);
- what completeness costs: the export's bytes per event next to the stored bytes per event,
  and the completeness proofs' bytes per event next to the inclusion proofs'.
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, show  # noqa: E402
from bench.filling import Filler  # noqa: E402
from bench.http_api import BIN, SECRET, server_env, start, stop  # noqa: E402
from bench.projections import fill  # noqa: E402
from bench.rebuild_memory import rss_mb  # noqa: E402
from infra.integrity import open_integrity  # noqa: E402
from infra.projecting import open_runner  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402
from infra.tokens import TokenKeys  # noqa: E402

BACKEND = "sqlite"
CLINIC = "clinic-a"
TIME_GOAL_S = 10.0
FLAT_GOAL = 1.1
PEAK_KB = ("import sys; from api.verify_export import main; code = main(sys.argv[1:]);"
           " print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0],"
           " file=sys.stderr); sys.exit(code)")
BARE_KB = ("import sys, json, cryptography.hazmat.primitives.asymmetric.ed25519;"
           " print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0],"
           " file=sys.stderr)")


@dataclass
class Measured:
    events: int
    patients: int
    export_s: float
    read_s: float
    verify_s: float
    bytes_: int
    stored_bytes: int
    inclusion_bytes: int
    completeness_bytes: int
    server_first_mb: float
    server_peak_mb: float
    verifier_peak_mb: float
    bare_verifier_mb: float


def store_settings(folder: Path) -> Settings:
    var = folder / "var"
    return Settings(database_url=f"sqlite:///{folder}/bench.db", var_dir=var,
                    signing_key_path=var / "key", area_session_volume_limit_ml=Decimal("1000"),
                    jwt_secret=SECRET)


def grow(settings: Settings, filler_state: dict, size: int) -> tuple[int, str, float]:
    """Fill to `size`, catch every view up; the log's size, its verifier key and the seconds a
    plain read of every stored event takes (the floor under the export)."""
    records = open_records(settings)
    try:
        filler = filler_state.setdefault("filler", Filler(records))
        filler.records = records
        total = fill(BACKEND, filler, size)
        runner = open_runner(records, settings)
        started = time.perf_counter()
        runner.catch_up()
        print(f"{BACKEND:8} views caught up in {time.perf_counter() - started:.1f} s", flush=True)
        vkey = open_integrity(runner, settings).verifier.vkey
        runner.views.close()
        started, start_at = time.perf_counter(), 1
        while notifications := records.recorder.select_notifications(start_at, 5000):
            start_at = notifications[-1].id + 1
        return total, vkey, time.perf_counter() - started
    finally:
        records.close()


def export_over_http(settings: Settings, folder: Path, into: Path) -> tuple[float, float, float]:
    """GET the clinic's export from a fresh `mesoledger serve`: seconds, the server's RSS
    after its first request, and its peak RSS after the export."""
    env = server_env(settings.database_url, str(settings.var_dir)) | {
        "MESOLEDGER_SIGNING_KEY_PATH": str(settings.signing_key_path)}
    server, url = start([str(BIN / "mesoledger"), "serve"], env)
    token = TokenKeys("HS256", SECRET, SECRET).issue("u-reg-1", "Inspector Lee", "regulator",
                                                      "*")
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                          timeout=600) as http:
            assert http.get("/v1/integrity/public-key").status_code == 200
            first = rss_mb(pid=server.pid)
            started = time.perf_counter()
            with http.stream("GET", f"/v1/clinics/{CLINIC}/export") as response, \
                    open(into, "wb") as out:
                assert response.status_code == 200, response.read()
                for chunk in response.iter_bytes():
                    out.write(chunk)
            seconds = time.perf_counter() - started
            peak = rss_mb("VmHWM", server.pid)
        return seconds, first, peak
    finally:
        stop(server)


def verified(export: Path, vkey: str, folder: Path) -> tuple[float, float, float]:
    """Seconds and peak RSS of the verifier on the export, and a bare interpreter's peak with
    what the verifier imports."""
    key = folder / "log.vkey"
    key.write_text(vkey)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK_KB, str(export), "--log-key", str(key)],
                          cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    bare = subprocess.run([sys.executable, "-c", BARE_KB], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return seconds, _kb(done.stderr) / 1024, _kb(bare.stderr) / 1024


def _kb(stderr: str) -> int:
    return int(stderr.strip().splitlines()[-1].split()[1])


def sizes_of(export: Path) -> tuple[int, int, int, int, int, int]:
    """Events, patients, the file's bytes, and the stored, inclusion-proof and
    completeness-proof bytes in it (as JSON on the line)."""
    events = patients = stored = inclusion = completeness = 0
    with open(export, "rb") as lines:
        next(lines)  # the checkpoint and keys
        for line in lines:
            document = json.loads(line)
            patients += 1
            events += len(document["events"])
            completeness += len(json.dumps(document["completeness"]))
            for event in document["events"]:
                stored += len(base64.b64decode(event["state"]))
                inclusion += len(json.dumps(event["inclusion_proof"]))
    return events, patients, export.stat().st_size, stored, inclusion, completeness


def measure(settings: Settings, folder: Path, state: dict, size: int) -> Measured:
    total, vkey, read_s = grow(settings, state, size)
    export = folder / f"clinic-{size}.ndjson"
    export_s, first, peak = export_over_http(settings, folder, export)
    verify_s, verifier_peak, bare = verified(export, vkey, folder)
    events, patients, size_b, stored, inclusion, completeness = sizes_of(export)
    assert 0.9 * total <= events <= total, (events, total)  # the rest are no patient's
    export.unlink()
    found = Measured(events, patients, export_s, read_s, verify_s, size_b, stored, inclusion,
                     completeness, first, peak, verifier_peak, bare)
    print(f"{BACKEND:8} {events:,} events (of {total:,} in the log) of {patients:,} patients:"
          f" export {export_s:.1f} s,"
          f" verify {verify_s:.1f} s, {size_b / 1e6:,.1f} MB; server RSS {first:.1f} → peak"
          f" {peak:.1f} MB, verifier peak {verifier_peak:.1f} MB", flush=True)
    return found


def report(found: Measured, smallest: Measured | None) -> None:
    n, at = found.events, f"{found.events:,} events"
    show(Figure("clinic_export", BACKEND, f"GET clinic export, {at}", found.export_s, "s",
                "read the same events", found.read_s, f"≤ {TIME_GOAL_S:g} s",
                found.export_s <= TIME_GOAL_S), "")
    show(Figure("clinic_export", BACKEND, f"verify_export, {at}", found.verify_s, "s",
                "read the same events", found.read_s, f"≤ {TIME_GOAL_S:g} s",
                found.verify_s <= TIME_GOAL_S), "")
    show(Figure("clinic_export", BACKEND, f"server peak RSS, {at}", found.server_peak_mb, "MB",
                "server RSS after its first request", found.server_first_mb), "(VmHWM)")
    show(Figure("clinic_export", BACKEND, f"verifier peak RSS, {at}", found.verifier_peak_mb,
                "MB", "python + its imports, no export", found.bare_verifier_mb), "(VmHWM)")
    if smallest is not None:
        for name, ours, base in (("server", found.server_peak_mb, smallest.server_peak_mb),
                                 ("verifier", found.verifier_peak_mb,
                                  smallest.verifier_peak_mb)):
            show(Figure("clinic_export", BACKEND, f"{name} peak RSS, {at} vs fewer", ours, "MB",
                        f"same at {smallest.events:,} events", base,
                        f"ratio ≤ {FLAT_GOAL}", ours / base <= FLAT_GOAL), "")
    show(Figure("clinic_export", BACKEND, f"export bytes per event, {at}", found.bytes_ / n,
                "B/event", "stored bytes per event", found.stored_bytes / n),
         f"({found.patients:,} patients)")
    show(Figure("clinic_export", BACKEND, f"completeness proof per event, {at}",
                found.completeness_bytes / n, "B/event", "inclusion proof per event",
                found.inclusion_bytes / n),
         f"({found.completeness_bytes / found.patients:,.0f} B per patient)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="25000,100000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"clinic export benchmark at {sizes} events, SQLite", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-clinic-") as temporary:
        folder = Path(temporary)
        settings, state, smallest = store_settings(folder), {}, None
        for size in sizes:
            found = measure(settings, folder, state, size)
            report(found, smallest)
            smallest = smallest or found


if __name__ == "__main__":
    main()
