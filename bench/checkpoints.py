"""Benchmark what witnessed, complete checkpoints cost.

    .venv/bin/python bench/checkpoints.py [--patients 20000] [--rounds 50]

- The patients' root a checkpoint carries: building the tree of every patient's chain
  (`--patients`, e.g. 1M events at 50 entries a patient is 20,000), against building the
  RFC 6962 tree of the same number of leaves, the cost it adds per checkpoint.
- A witness's cosigning round trip on loopback (`mesoledger witness` in its own process,
  `--rounds` growing checkpoints, each with its consistency proof), against a bare HTTP
  round trip to the same process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.figures import Figure, show  # noqa: E402
from domain.ledger import AppendOnlyTree, leaf_hash  # noqa: E402
from domain.ledger.checkpoint_text import CheckpointText  # noqa: E402
from domain.ledger.completeness import PatientChain, PatientTree  # noqa: E402
from domain.ledger.signed_note import NoteSigner  # noqa: E402
from infra.integrity import load_signing_key  # noqa: E402
from infra.witness_client import WitnessAddress, ask_to_cosign  # noqa: E402

MESOLEDGER = str(Path(sys.executable).with_name("mesoledger"))


def patients_tree_ms(patients: int) -> tuple[float, float, float]:
    """The patients' root from scratch (a process's first checkpoint), then with the leaves
    of unmoved chains kept (every later one), and the RFC 6962 tree of as many leaves."""
    chains = {uuid.uuid4(): PatientChain().then(leaf_hash(b"%d" % n)) for n in range(patients)}
    started = time.perf_counter()
    PatientTree(chains).root  # noqa: B018 - what a first checkpoint computes
    first = (time.perf_counter() - started) * 1000
    leaves = {patient: chain.leaf(patient) for patient, chain in chains.items()}
    started = time.perf_counter()
    PatientTree.of_leaves(leaves).root  # noqa: B018 - and each one after
    later = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    AppendOnlyTree(list(leaves.values())).root()
    return first, later, (time.perf_counter() - started) * 1000


def witness_round_trips(rounds: int) -> tuple[float, float]:
    folder = Path(tempfile.mkdtemp())
    log = NoteSigner("bench.example/log", load_signing_key(folder / "log.key"))
    port = 18700 + os.getpid() % 1000
    process = subprocess.Popen([MESOLEDGER, "witness", "--port", str(port), "--key",
                                str(folder / "w.key"), "--data", str(folder / "w"), "--log",
                                log.verifier.vkey], stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        vkey = _wait_for(url)
        witness, tree = WitnessAddress.parse(f"{vkey}@{url}"), AppendOnlyTree()
        cosign, bare, held = [], [], 0
        for n in range(rounds):
            for i in range(100):
                tree.append(leaf_hash(b"%d-%d" % (n, i)))
            note = log.sign(CheckpointText(log.name, tree.size, tree.root()).text)
            started = time.perf_counter()
            answer = ask_to_cosign(witness, note, tree.size, held, tree.consistency_proof)
            cosign.append((time.perf_counter() - started) * 1000)
            assert answer.cosignature, answer.problem
            held = tree.size
            started = time.perf_counter()
            httpx.get(url)
            bare.append((time.perf_counter() - started) * 1000)
        return statistics.median(cosign), statistics.median(bare)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(url: str) -> str:
    for _ in range(200):
        try:
            return httpx.get(url, timeout=1).text.split("\n")[0].split()[1]
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the witness did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    first, later, rfc = patients_tree_ms(args.patients)
    show(Figure("checkpoints", "-", f"patients' root, first (n={args.patients:,})", first,
                "ms", "RFC 6962 tree, same n", rfc), "(a process's first checkpoint)")
    show(Figure("checkpoints", "-", f"patients' root, later (n={args.patients:,})", later,
                "ms", "RFC 6962 tree, same n", rfc), "(added per checkpoint)")
    cosign, bare = witness_round_trips(args.rounds)
    show(Figure("checkpoints", "-", "witness cosign round trip", cosign, "ms",
                "bare HTTP round trip", bare), "(p50, loopback, own process)")


if __name__ == "__main__":
    main()
