"""Sign-in and the account check every request makes, on each backend.

    .venv/bin/python bench/sign_in.py [--rounds N] [--checks N]

Sign-in p50 (and p90) with the settings' argon2id parameters (time cost, memory, lanes),
next to argon2id's verify alone in the same run (the rest is the account lookup, the
lockout row, the session and the sign-in log). Then the check a request with a sign-in
token makes (the account's new events, if any, and the session row) next to a request
with a command-line token naming no account (no lookup): microseconds per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("BENCH_TREE", str(ROOT)))

from bench.stores import BACKENDS  # noqa: E402
from domain.values import Actor  # noqa: E402
from infra.services import open_services  # noqa: E402
from infra.settings import Settings  # noqa: E402

PASSWORD = "correct horse battery staple"
ADMIN = Actor("bench", "bench", "admin")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(work, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return samples


def measure(url: str, rounds: int, checks: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=url, var_dir=Path(folder),
                            signing_key_path=Path(folder) / "signing.key")
        services = open_services(settings)
        try:
            desk = services.staff
            staff_id = desk.accounts.add("clinic-a", "Dr Maria Rossi", "maria@example.org",
                                         ["clinician"], PASSWORD, ADMIN).recorded.id
            desk.sign_in.sign_in("maria@example.org", PASSWORD)  # warm
            signing_in = timed(lambda: desk.sign_in.sign_in("maria@example.org", PASSWORD),
                               rounds)
            hasher = desk.credentials._hasher
            hashed = hasher.hash(PASSWORD)
            argon = timed(lambda: hasher.verify(hashed, PASSWORD), rounds)
            signed = desk.sign_in.sign_in("maria@example.org", PASSWORD)
            staff = timed(lambda: desk.sign_in.admit(str(staff_id), "clinician", "clinic-a",
                                                     signed.session.id), checks)
            dev = timed(lambda: desk.sign_in.admit("u-clin-1", "clinician", "clinic-a",
                                                   None), checks)
        finally:
            services.close()
    cost = (f"argon2id t={settings.password_hash_time_cost}"
            f" m={settings.password_hash_memory_kib} KiB p={settings.password_hash_parallelism}")
    print(f"  sign-in ({cost}): p50 {statistics.median(signing_in) * 1e3:.0f} ms,"
          f" p90 {percentile(signing_in, 0.9) * 1e3:.0f} ms over {rounds};"
          f" argon2id verify alone p50 {statistics.median(argon) * 1e3:.0f} ms")
    print(f"  account check per request: sign-in token (account + session)"
          f" p50 {statistics.median(staff) * 1e6:.0f} µs, p90 {percentile(staff, 0.9) * 1e6:.0f}"
          f" µs; token naming no account p50 {statistics.median(dev) * 1e6:.1f} µs"
          f" over {checks}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--backend", choices=sorted(BACKENDS), action="append")
    args = parser.parse_args()
    for backend in args.backend or sorted(BACKENDS):
        print(backend)
        with BACKENDS[backend]() as url:
            measure(url, args.rounds, args.checks)


if __name__ == "__main__":
    main()
