"""Commands per second through ClinicalRecords vs the library's bare get → event → save loop.

    .venv/bin/python bench/commands.py [--count N] [--long EVENTS]

Prints, per backend, our realistic injection command next to the baseline measured in the
same run, and the load time of a 2,000-event course against a 10-event one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure, emit  # noqa: E402
from bench.stores import BACKENDS, rate, seconds  # noqa: E402
from infra.database import Database  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402
from tests.clinic import CLINICIAN, LEFT_THIGH, Clinic, dose, outcome  # noqa: E402


class Tally(Aggregate):
    """The baseline's aggregate: one integer, one event."""

    @event("Counted")
    def count(self, by: int) -> None:
        self.total = getattr(self, "total", 0) + by


class TallyApp(Application):
    """The library's own loop, snapshotting as often as ours so neither replays further."""

    snapshotting_intervals = {Tally: 50}


def baseline_rate(url: str, count: int) -> float:
    app = TallyApp(env=Database(url).library_env())
    tally = Tally()
    app.save(tally)

    def one(_: int) -> None:
        loaded = app.repository.get(tally.id)
        loaded.count(1)
        app.save(loaded)

    try:
        return rate(count, one)
    finally:
        app.close()


def injection_rate(url: str, count: int) -> float:
    records = open_records(Settings(database_url=url, area_session_volume_limit_ml=1000))
    try:
        course_id = Clinic(records, records.clock).formulated_course(LEFT_THIGH)
        return rate(count, lambda _: records.inject(course_id, dose(volume="0.01"), CLINICIAN))
    finally:
        records.close()


def course_load_ratio(url: str, events: int) -> tuple[float, float]:
    """Loads from the store (no in-memory cache): snapshot plus the events after it."""
    records = open_records(Settings(database_url=url, record_cache_size=0))
    try:
        clinic = Clinic(records, records.clock)
        patient_id = clinic.screened_patient()
        short, long = (clinic.course(patient_id=patient_id) for _ in range(2))
        for i in range(9):
            records.assess_outcome(short, outcome(str(i % 15)), CLINICIAN)
        for i in range(events - 1):
            records.assess_outcome(long, outcome(str(i % 15)), CLINICIAN)
        return (seconds(lambda: records.course(short), 30),
                seconds(lambda: records.course(long), 30))
    finally:
        records.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--long", type=int, default=2000, help="events in the long course")
    args = parser.parse_args()
    for name, store in BACKENDS.items():
        with store() as url:
            base = baseline_rate(url, args.count)
        with store() as url:
            ours = injection_rate(url, args.count)
        print(f"{name:8} injection via ClinicalRecords {ours:8.0f}/s | library get→event→save "
              f"{base:8.0f}/s | ratio {ours / base:.2f} (goal ≥ 0.8)")
        emit(Figure("commands", name, "injection via ClinicalRecords", ours, "commands/s",
                    "library get→event→save", base, "ratio ≥ 0.8", ours / base >= 0.8))
        with store() as url:
            short, long = course_load_ratio(url, args.long)
        print(f"{name:8} load course from the store: 10 events {short * 1000:.2f} ms | "
              f"{args.long:,} events {long * 1000:.2f} ms | ratio {long / short:.2f} (goal ≤ 3)")
        emit(Figure("commands", name, f"load a {args.long:,}-event course", long * 1000, "ms",
                    "load a 10-event course", short * 1000, "ratio ≤ 3", long / short <= 3))


if __name__ == "__main__":
    main()
