"""Our local code systems as CodeSystem resources: a bundle carries the ones it uses, so a
regulator reads every code without looking anything up."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid5

from api.formats.fhir.codes import CODE_SYSTEMS, LOCAL, system
from api.formats.fhir.draft import NAMESPACE, urn


def nodes(value: object) -> Iterator[dict]:
    """Every JSON object inside a resource, itself included."""
    if isinstance(value, dict):
        yield value
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return
    for child in children:
        yield from nodes(child)


def local_codings(resources: dict[str, dict]) -> Iterator[tuple[str, str]]:
    """(code system name, code) of every coding from one of our code systems."""
    prefix = f"{CODE_SYSTEMS}/"
    for node in nodes(list(resources.values())):
        if str(node.get("system", "")).startswith(prefix) and "code" in node:
            yield node["system"].removeprefix(prefix), node["code"]


def code_systems(resources: dict[str, dict]) -> dict[str, dict]:
    """The CodeSystem resources of the local code systems the resources use, by full URL."""
    used = sorted({name for name, _ in local_codings(resources) if name in LOCAL})
    return {urn(uuid5(NAMESPACE, system(name))): _code_system(name) for name in used}


def _code_system(name: str) -> dict:
    url = system(name)
    return {"resourceType": "CodeSystem", "id": str(uuid5(NAMESPACE, url)), "url": url,
            "name": "Mesoledger" + "".join(w.title() for w in name.split("-")),
            "title": f"mesoledger {name.replace('-', ' ')}", "status": "active",
            "content": "complete", "caseSensitive": True,
            "concept": [{"code": code, "display": display}
                        for code, display in LOCAL[name].items()]}
