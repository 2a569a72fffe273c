"""The leaf of a stored event (DESIGN §5.1): the hash of a compact JSON array of its log
position, record id, version, topic and its state bytes as stored, in base64."""

from __future__ import annotations

import json
from binascii import b2a_base64

from domain.ledger.hashes import leaf_hash


def event_leaf_data(position: int, originator_id: object, version: int, topic: str,
                    state: bytes) -> bytes:
    """The canonical bytes of one stored event: `[position,"record id",version,"topic",
    "state in base64"]`, exactly as `json.dumps(..., separators=(",", ":"))` writes it."""
    record = str(originator_id)
    if type(position) is int and type(version) is int and _plain(record) and _plain(topic):
        # Every event the clinic records takes this path, and every catch-up and `verify`
        # computes it once per event: the JSON encoder would cost more than the hash. Only
        # texts the encoder writes unchanged take it (base64 always does); a test holds it
        # byte for byte to the encoder.
        return b'[%d,"%s",%d,"%s","%s"]' % (position, record.encode(), version, topic.encode(),
                                            b2a_base64(state, newline=False))
    fields = [position, record, version, topic, b2a_base64(state, newline=False).decode()]
    return json.dumps(fields, separators=(",", ":")).encode()


def _plain(text: str) -> bool:
    """Whether json.dumps writes this text unchanged: printable ASCII without quote or
    backslash."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def event_leaf_hash(stored, record_id: str | None = None) -> bytes:
    """Leaf hash of a stored event (a Notification: id, originator, version, topic, state);
    `record_id`, the originator id as text, when the caller has it already."""
    return leaf_hash(event_leaf_data(stored.id, record_id or stored.originator_id,
                                     stored.originator_version, stored.topic, stored.state))
