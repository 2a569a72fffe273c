"""What a bearer token costs a request: HS256 with the secret vs. an OpenID provider's RS256
access token checked against its cached JWKS (and matched to the staff account).

    .venv/bin/python bench/token_verification.py [--rounds 6] [--seconds 5] [--clients 4]
                                                 [--store postgres|sqlite]

One `mesoledger serve` (views in-process) trusts both the secret and a real OpenID provider
(tests/oidc/provider.js on loopback, started here); one clinician's staff account signs in
either way. Paired rounds: each round POSTs injections for `--seconds` with the HS256 token,
then with the provider's token (the order alternating between rounds, so drift on a shared
machine falls on both); the figure is the median over the rounds of each round's ratio, and
the server's CPU per request beside it (steadier on a busy machine). Goal: the provider's
token within 10% of HS256 on POST injection throughput.

Before that, in this process: the cost of verifying each kind of token the first time it is
seen (signature, claims; the JWKS already cached) and once remembered.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import jwt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, emit  # noqa: E402
from bench.http_api import (  # noqa: E402
    BIN,
    cpu_seconds,
    load,
    prepare_courses,
    server_env,
    start,
    stop,
)
from bench.stores import BACKENDS  # noqa: E402
from domain.values import Actor  # noqa: E402
from infra.records import open_records  # noqa: E402
from infra.settings import Settings  # noqa: E402
from infra.tokens import TokenKeys  # noqa: E402
from tests.api import bodies  # noqa: E402
from tests.oidc.browser import access_token  # noqa: E402
from tests.oidc.loopback import API, ROLES, LoopbackProvider, installed  # noqa: E402

EMAIL, NAME = "maria.rossi@clinic-a.test", "Dr Maria Rossi"  # an account of the provider's
ADMIN = Actor("bench-admin", "Bench Admin", "admin")
GOAL = 0.10


def provider_env(provider: LoopbackProvider) -> dict[str, str]:
    return {"MESOLEDGER_OIDC_ISSUER": provider.issuer, "MESOLEDGER_OIDC_AUDIENCE": API,
            "MESOLEDGER_OIDC_ROLES": str(ROLES).replace("'", '"')}


def staff_account(env: dict[str, str]) -> str:
    """The clinician's staff account, registered in the store the server will open."""
    settings = Settings(database_url=env["MESOLEDGER_DATABASE_URL"],
                        var_dir=Path(env["MESOLEDGER_VAR_DIR"]),
                        signing_key_path=Path(env["MESOLEDGER_SIGNING_KEY_PATH"]))
    records = open_records(settings)
    try:
        return str(records.register_staff("clinic-a", NAME, EMAIL, ["clinician"], ADMIN).id)
    finally:
        records.close()


def verification_costs(provider: LoopbackProvider, env: dict[str, str], staff_id: str,
                       secret: str, count: int = 300) -> dict[str, float]:
    """µs per decode of fresh tokens (each seen once) and of one remembered token, per kind."""
    settings = Settings(jwt_secret=secret, oidc_issuer=provider.issuer, oidc_audience=API,
                        oidc_roles=ROLES, var_dir=Path(env["MESOLEDGER_VAR_DIR"]))
    keys = TokenKeys.from_settings(settings)  # no staff lookup here: the signature alone
    keys.identity.caller_claims = lambda claims: claims
    now = int(time.time())
    hs = [jwt.encode({"sub": staff_id, "name": NAME, "role": "clinician", "clinic": "clinic-a",
                      "iat": now, "exp": now + 3600, "jti": str(i)}, secret, algorithm="HS256")
          for i in range(count)]
    rs = [provider.sign(EMAIL, jti=str(i)) for i in range(count)]
    keys.decode(rs[0])  # discovery and JWKS fetched once, before timing
    costs = {}
    for kind, tokens in (("HS256", hs[1:]), ("RS256", rs[1:])):
        began = time.perf_counter()
        for token in tokens:
            keys.decode(token)
        costs[f"{kind} first sight"] = (time.perf_counter() - began) / len(tokens) * 1e6
        began = time.perf_counter()
        for _ in range(count):
            keys.decode(tokens[0])
        costs[f"{kind} remembered"] = (time.perf_counter() - began) / count * 1e6
    return costs


def paired_rounds(server, url: str, tokens: dict[str, str], rounds: int, seconds: float,
                  clients: int) -> dict[str, list[tuple[float, float]]]:
    """POST injection throughput, and the server's CPU ms per request, per round and token
    kind, the order alternating."""
    patients = prepare_courses(url, {"Authorization": f"Bearer {tokens['HS256']}"}, clients)
    injection = bodies.injection(1, volume="0.01")
    turns = [itertools.cycle(courses) for _, courses in patients]
    results: dict[str, list[tuple[float, float]]] = {kind: [] for kind in tokens}
    for round_ in range(rounds):
        for kind in (list(tokens) if round_ % 2 == 0 else list(reversed(tokens))):
            http = [httpx.Client(base_url=f"{url}/v1", headers={
                "Authorization": f"Bearer {tokens[kind]}"}) for _ in range(clients)]
            cpu = cpu_seconds(server)
            try:
                rate, latencies = load(http, seconds, lambda c, i: c.post(
                    f"/courses/{next(turns[i])}/injections", json=injection))
            finally:
                for client in http:
                    client.close()
            results[kind].append((rate, (cpu_seconds(server) - cpu) * 1000 / len(latencies)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--store", choices=tuple(BACKENDS), default="postgres")
    args = parser.parse_args()
    installed()
    with (BACKENDS[args.store]() as url, tempfile.TemporaryDirectory() as var):
        provider = LoopbackProvider(Path(var)).start()
        try:
            env = server_env(url, var) | provider_env(provider)
            staff_id = staff_account(env)
            costs = verification_costs(provider, env, staff_id, env["MESOLEDGER_JWT_SECRET"])
            server, server_url = start([str(BIN / "mesoledger"), "serve"], env)
            try:
                secret = env["MESOLEDGER_JWT_SECRET"]
                tokens = {"HS256": TokenKeys("HS256", secret, secret).issue(
                              staff_id, NAME, "clinician", "clinic-a"),
                          "OIDC RS256": access_token(provider.issuer, EMAIL)}
                results = paired_rounds(server, server_url, tokens, args.rounds, args.seconds,
                                        args.clients)
            finally:
                stop(server)
        finally:
            provider.stop()
    show(args, costs, results)


def show(args, costs: dict[str, float], results: dict[str, list[tuple[float, float]]]
         ) -> None:
    print(f"token verification: {args.rounds} paired rounds of {args.seconds:g} s,"
          f" {args.clients} clients, {args.store}")
    for name, micros in costs.items():
        print(f"  decode, {name:<22} {micros:8.1f} µs")
        emit(Figure("token_verification", "-", f"decode, {name}", micros, "µs"))
    for kind, rounds in results.items():
        print(f"  POST injection, {kind:<10} {statistics.median(r for r, _ in rounds):8.1f}"
              f" req/s, {statistics.median(c for _, c in rounds):6.2f} ms CPU/request"
              f" (rounds: {', '.join(f'{r:.0f}' for r, _ in rounds)})")
    hs, rs = results["HS256"], results["OIDC RS256"]
    ratio = statistics.median(o[0] / h[0] for h, o in zip(hs, rs, strict=True))
    cpu_ratio = statistics.median(o[1] / h[1] for h, o in zip(hs, rs, strict=True))
    met = abs(1 - ratio) <= GOAL
    print(f"  OIDC / HS256 throughput, median of the paired rounds: {ratio:.3f}"
          f" (goal within {GOAL:.0%}) {'MET' if met else 'MISSED'};"
          f" CPU per request: {cpu_ratio:.3f}")
    emit(Figure("token_verification", args.store, "POST injection, OIDC RS256 token",
                statistics.median(r for r, _ in rs), "req/s", "HS256 token",
                statistics.median(r for r, _ in hs), f"within {GOAL:.0%} of HS256", met),
         Figure("token_verification", args.store, "CPU per POST, OIDC RS256 token",
                statistics.median(c for _, c in rs), "ms", "HS256 token",
                statistics.median(c for _, c in hs)))


if __name__ == "__main__":
    main()
