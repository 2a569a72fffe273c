"""What every copy says it was proven against."""

from __future__ import annotations


def proven_against(export: dict) -> dict:
    """The checkpoint an export was proven against, as its copies name it: the log's
    origin, the tree size, the root, and the witnesses that cosigned it."""
    origin, size, root = export["checkpoint"].split("\n")[:3]
    return {"origin": origin, "size": int(size), "root": root,
            "witnesses": [vkey.split("+")[0] for vkey in export["witnesses"]]}
