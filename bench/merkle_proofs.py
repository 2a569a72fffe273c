"""Benchmark RFC 6962 proofs on a large log: domain.ledger, and pymerkle if installed.

    .venv/bin/python bench/merkle_proofs.py [--leaves 1000000] [--proofs 1000]

Builds a log of ``--leaves`` entries, then times ``--proofs`` inclusion proofs
(random leaf, full tree) and consistency proofs (random old <= new sizes), each
proved and verified. Roots are computed before timing. When pymerkle is
importable it runs the same workload and its output is checked against ours.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.figures import Figure, emit  # noqa: E402
from domain import ledger as merkle  # noqa: E402

GOAL_MS = 20.0


def entry(i: int) -> bytes:
    return f"entry-{i:09d}".encode()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mean_ms(start: float, count: int) -> float:
    return (time.perf_counter() - start) * 1000 / count


def bench_ours(n: int, indices: list[int], pairs: list[tuple[int, int]]) -> dict:
    t = time.perf_counter()
    tree = merkle.AppendOnlyTree()
    for i in range(n):
        tree.append(merkle.leaf_hash(entry(i)))
    out = {"build_s": time.perf_counter() - t, "tree": tree}
    top = tree.root()
    t = time.perf_counter()
    for i in indices:
        proof = tree.inclusion_proof(i)
        assert merkle.verify_inclusion(tree.levels[0][i], i, n, proof, top)
    out["inclusion_ms"] = mean_ms(t, len(indices))
    roots = {s: tree.root(s) for pair in pairs for s in pair}
    t = time.perf_counter()
    for old, new in pairs:
        proof = tree.consistency_proof(old, new)
        assert merkle.verify_consistency(old, new, roots[old], roots[new], proof)
    out["consistency_ms"] = mean_ms(t, len(pairs))
    return out


def bench_pymerkle(n: int, indices: list[int], pairs: list[tuple[int, int]]) -> dict:
    import pymerkle

    t = time.perf_counter()
    tree = pymerkle.InmemoryTree(algorithm="sha256")
    for i in range(n):
        tree.append_entry(entry(i))
    out = {"build_s": time.perf_counter() - t, "tree": tree}
    top = tree.get_root(n)
    t = time.perf_counter()
    for i in indices:  # pymerkle counts leaves from one
        proof = tree.prove_inclusion(i + 1, n)
        pymerkle.verify_inclusion(tree.get_leaf(i + 1), top, proof)  # raises if invalid
    out["inclusion_ms"] = mean_ms(t, len(indices))
    roots = {s: tree.get_root(s) for pair in pairs for s in pair}
    t = time.perf_counter()
    for old, new in pairs:
        proof = tree.prove_consistency(old, new)
        pymerkle.verify_consistency(roots[old], roots[new], proof)
    out["consistency_ms"] = mean_ms(t, len(pairs))
    return out


def compare(ours: merkle.AppendOnlyTree, theirs, pairs: list[tuple[int, int]]) -> None:
    """Report where pymerkle's hashes and proofs agree with RFC 6962."""
    import pymerkle

    n = ours.size
    sizes = [1, 2, 3, 5, 6, 7, 8, 1023, 1025, n // 3, n]
    print(f"  roots == RFC 6962 MTH at sizes {sizes}:",
          all(theirs.get_root(s) == ours.root(s) for s in sizes))
    print("  leaf hash == SHA-256(0x00 || data):",
          theirs.get_leaf(7) == merkle.leaf_hash(entry(6)))
    same = all(theirs.prove_inclusion(i + 1, s).path == [ours.levels[0][i],
               *ours.inclusion_proof(i, s)] for s in sizes for i in {0, s // 2, s - 1})
    print("  inclusion path == [leaf hash] + RFC audit path:", same)
    same = sum(theirs.prove_consistency(o, w).path == ours.consistency_proof(o, w)
               for o, w in pairs)
    lens = [(len(theirs.prove_consistency(o, w).path), len(ours.consistency_proof(o, w)))
            for o, w in pairs]
    print(f"  consistency path == RFC PROOF: {same}/{len(pairs)} pairs; mean length "
          f"pymerkle {sum(a for a, _ in lens) / len(lens):.1f} vs RFC "
          f"{sum(b for _, b in lens) / len(lens):.1f} hashes")
    grown = [(o, w) for o, w in pairs if o < w]
    same = sum(theirs.prove_consistency(o, w).path == [ours.levels[0][o],
               *ours.inclusion_proof(o, w)] for o, w in grown)
    print(f"  ... it is instead [leaf old] + RFC audit path of leaf `old` (0-based) in the"
          f" new tree, plus a subset mask: {same}/{len(grown)} pairs")
    plain = pymerkle.InmemoryTree(algorithm="sha256", disable_security=True)
    plain.append_entries([entry(0), entry(1)])
    print("  disable_security=True root == RFC root:",
          plain.get_root() == ours.root(2))


def report(name: str, result: dict) -> None:
    print(f"{name:14} build {result['build_s']:7.2f} s | inclusion prove+verify "
          f"{result['inclusion_ms']:7.3f} ms | consistency prove+verify "
          f"{result['consistency_ms']:7.3f} ms | peak RSS {peak_rss_mb():6.0f} MB")


def figures(ours: dict, rss_mb: float, theirs: dict | None = None,
            theirs_name: str | None = None) -> list[Figure]:
    """Our figures, each next to pymerkle's on the same workload when that ran."""

    def figure(key: str, name: str, unit: str, **goal) -> Figure:
        return Figure("merkle_proofs", "-", name, ours[key], unit, theirs_name,
                      theirs[key] if theirs else None, **goal)

    size = f"{ours['tree'].size:,} leaves"
    return [figure("build_s", f"build ({size})", "s"),
            figure("inclusion_ms", f"inclusion prove+verify ({size})", "ms",
                   goal=f"≤ {GOAL_MS} ms", met=ours["inclusion_ms"] <= GOAL_MS),
            figure("consistency_ms", f"consistency prove+verify ({size})", "ms"),
            Figure("merkle_proofs", "-", "peak RSS (ours)", rss_mb, "MB")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=6962)
    args = parser.parse_args()
    n, rng = args.leaves, random.Random(args.seed)
    indices = [rng.randrange(n) for _ in range(args.proofs)]
    olds = [rng.randint(1, n) for _ in range(args.proofs)]
    pairs = [(old, rng.randint(old, n)) for old in olds]
    print(f"{n:,} leaves, {args.proofs:,} proofs of each kind, Python {sys.version.split()[0]}")
    ours = bench_ours(n, indices, pairs)
    ours_rss = peak_rss_mb()
    report("ours", ours)
    ok = ours["inclusion_ms"] <= GOAL_MS
    print(f"{'':14} goal <= {GOAL_MS} ms per inclusion proof: {'met' if ok else 'MISSED'}")
    try:
        import pymerkle
    except ImportError:
        print("pymerkle not installed: comparison skipped")
        emit(*figures(ours, ours_rss))
        return
    warnings.simplefilter("ignore", DeprecationWarning)
    theirs = bench_pymerkle(n, indices, pairs)
    report(f"pymerkle {pymerkle.__version__}", theirs)
    emit(*figures(ours, ours_rss, theirs, f"pymerkle {pymerkle.__version__}"))
    print("ratio pymerkle/ours: " + ", ".join(
        f"{key} {theirs[key] / ours[key]:.2f}x"
        for key in ("build_s", "inclusion_ms", "consistency_ms")))
    compare(ours["tree"], theirs["tree"], pairs[:200])


if __name__ == "__main__":
    main()
