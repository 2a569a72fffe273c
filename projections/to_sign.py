"""to_sign: the entries of clinicians and nurses and the signatures they have, for a
clinician's to-sign queue (the nurses' entries naming them, not yet co-signed) and the
auditors' list of entries left unsigned (no authorship by their author, or no co-signature
by the supervisor they name). A voided entry needs no signature.

Whether an entry may be signed is never read from here (a view may lag): the record decides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import NamedTuple

from domain.course import TreatmentCourse
from domain.patient import Patient
from projections.base import Change, Insert, ViewTransaction, execute_in, write_all

SIGNING_ROLES = ("clinician", "nurse")


class RecordOpened(NamedTuple):
    record_id: str
    clinic: str
    patient_id: str


class EntryMade(NamedTuple):
    record_id: str
    version: int
    event_type: str
    author: str
    author_name: str
    supervisor: str | None
    occurred_at: str  # clinical time, in UTC


class EntryVoided(NamedTuple):
    record_id: str
    version: int


class Signed(NamedTuple):
    record_id: str
    signature_version: int
    entry_version: int
    meaning: str
    signer: str


class Revoked(NamedTuple):
    record_id: str
    signature_version: int


def _entry(change: Change) -> tuple[EntryMade, ...]:
    event, actor = change.event, change.event.actor
    if actor.role not in SIGNING_ROLES:
        return ()
    supervisor = getattr(getattr(event, "dose", None), "supervisor", None)
    return (EntryMade(change.record_id, event.originator_version, change.event_type,
                      actor.id, actor.name, supervisor,
                      event.occurred_at.astimezone(UTC).isoformat()),)


def _opened(clinic: Callable[[Change], str], patient: Callable[[Change], str]):
    return lambda c: (RecordOpened(c.record_id, clinic(c), patient(c)), *_entry(c))


ENTRIES = (Patient.PersonalDataAmended, Patient.ConsentGiven, Patient.ConsentWithdrawn,
           Patient.Screened, Patient.AllergyRecorded, Patient.ConditionRecorded,
           Patient.ConditionResolved, TreatmentCourse.PlanAmended, TreatmentCourse.Formulated,
           TreatmentCourse.Injected, TreatmentCourse.OutcomeAssessed,
           TreatmentCourse.AdverseEventReported, TreatmentCourse.Suspended,
           TreatmentCourse.Resumed, TreatmentCourse.Completed, TreatmentCourse.Discontinued)

FACTS: dict[type, Callable[[Change], tuple]] = {
    Patient.Registered: _opened(lambda c: c.event.clinic, lambda c: c.record_id),
    TreatmentCourse.Planned: _opened(lambda c: c.event.clinic, lambda c: str(c.event.patient_id)),
    **dict.fromkeys(ENTRIES, _entry),
    **dict.fromkeys((Patient.EntryVoided, TreatmentCourse.EntryVoided),
                    lambda c: (EntryVoided(c.record_id, c.event.entry_version),)),
    **dict.fromkeys((Patient.EntrySigned, TreatmentCourse.EntrySigned), lambda c: (Signed(
        c.record_id, c.event.originator_version, c.event.entry_version, c.event.meaning,
        c.event.actor.id),)),
    **dict.fromkeys((Patient.EntrySignatureRevoked, TreatmentCourse.EntrySignatureRevoked),
                    lambda c: (Revoked(c.record_id, c.event.signature_version),)),
}
"""Which events this view takes, and what each contributes (an entry by a receptionist
needs no signature)."""

ENTRY_COLUMNS = ("record_id", "version", "event_type", "author", "author_name", "supervisor",
                 "occurred_at")
RECORD_ROWS = Insert("to_sign_records", ("record_id", "record_type", "clinic", "patient_id"))
ENTRY_ROWS = Insert("to_sign_entries", ENTRY_COLUMNS)
SIGNATURE_ROWS = Insert("to_sign_signatures", ("record_id", "signature_version", "entry_version",
                                           "meaning", "signer", "revoked"))
LISTED = ("e.record_id", "r.record_type", "r.patient_id", "e.version", "e.event_type",
          "e.author", "e.author_name", "e.occurred_at", "e.supervisor")
STANDING = ("NOT EXISTS (SELECT 1 FROM to_sign_signatures s WHERE s.record_id = e.record_id"
            " AND s.entry_version = e.version AND s.meaning = '{meaning}'"
            " AND s.signer = e.{signer} AND s.revoked = 0)")
LACKS_COSIGNATURE = STANDING.format(meaning="cosignature", signer="supervisor")
LACKS_AUTHORSHIP = STANDING.format(meaning="authorship", signer="author")


class ToSign:
    name = "to_sign"
    tables = ("to_sign_records", "to_sign_entries", "to_sign_signatures")

    def create(self, tx: ViewTransaction) -> None:
        tx.execute("CREATE TABLE IF NOT EXISTS to_sign_records (record_id TEXT PRIMARY KEY,"
                   " record_type TEXT NOT NULL, clinic TEXT NOT NULL, patient_id TEXT NOT NULL)")
        tx.execute("CREATE TABLE IF NOT EXISTS to_sign_entries (record_id TEXT NOT NULL,"
                   " version INTEGER NOT NULL, event_type TEXT NOT NULL, author TEXT NOT NULL,"
                   " author_name TEXT NOT NULL, supervisor TEXT, occurred_at TEXT NOT NULL,"
                   " voided INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (record_id, version))")
        tx.execute("CREATE INDEX IF NOT EXISTS to_sign_by_supervisor"
                   " ON to_sign_entries (supervisor)")
        tx.execute("CREATE INDEX IF NOT EXISTS to_sign_by_author ON to_sign_entries (author)")
        tx.execute("CREATE TABLE IF NOT EXISTS to_sign_signatures (record_id TEXT NOT NULL,"
                   " signature_version INTEGER NOT NULL, entry_version INTEGER NOT NULL,"
                   " meaning TEXT NOT NULL, signer TEXT NOT NULL, revoked INTEGER NOT NULL,"
                   " PRIMARY KEY (record_id, signature_version))")
        tx.execute("CREATE INDEX IF NOT EXISTS to_sign_signatures_by_entry"
                   " ON to_sign_signatures (record_id, entry_version)")

    @staticmethod
    def facts(change: Change) -> tuple | None:
        take = FACTS.get(type(change.event))
        return None if take is None else take(change) or None

    def apply(self, tx: ViewTransaction, facts: list[tuple]) -> None:
        """A batch's new rows in one statement a table, then its voids and revocations (each
        names an entry or signature made before it, in this batch or an earlier one)."""
        of_kind: dict[type, list] = {kind: [] for kind in (
            RecordOpened, EntryMade, Signed, EntryVoided, Revoked)}
        for fact in (one for taken in facts for one in taken):
            of_kind[type(fact)].append(fact)
        write_all(tx, {
            RECORD_ROWS: [
                (record_id, "Patient" if record_id == patient_id else "TreatmentCourse", clinic,
                 patient_id) for record_id, clinic, patient_id in of_kind[RecordOpened]],
            ENTRY_ROWS: of_kind[EntryMade],
            SIGNATURE_ROWS: [(*signed, 0) for signed in of_kind[Signed]],
        })
        execute_in(tx, "UPDATE to_sign_entries SET voided = 1 WHERE", ("record_id", "version"),
                   [tuple(voided) for voided in of_kind[EntryVoided]])
        execute_in(tx, "UPDATE to_sign_signatures SET revoked = 1 WHERE",
                   ("record_id", "signature_version"),
                   [tuple(revoked) for revoked in of_kind[Revoked]])

    @staticmethod
    def queue(tx: ViewTransaction, clinician: str, clinic: str) -> list[dict]:
        """The entries naming this clinician as supervisor that lack their co-signature."""
        return _listed(tx, f"e.supervisor = ? AND r.clinic = ? AND {LACKS_COSIGNATURE}",
                       (clinician, clinic), lacks="cosignature")

    @staticmethod
    def awaiting(tx: ViewTransaction, person: str, clinic: str) -> list[dict]:
        """What awaits this person's signature, oldest first: their own entries lacking
        their authorship, and the nurses' entries naming them that lack their co-signature."""
        own = _listed(tx, f"e.author = ? AND r.clinic = ? AND {LACKS_AUTHORSHIP}",
                      (person, clinic), lacks="authorship")
        return sorted(own + ToSign.queue(tx, person, clinic),
                      key=lambda row: (row["occurred_at"], row["record_id"], row["version"]))

    @staticmethod
    def count_awaiting(tx: ViewTransaction, person: str, clinic: str) -> int:
        """How many entries await this person's signature (as `awaiting` lists them)."""
        row = tx.one("SELECT COUNT(*) FROM to_sign_entries e JOIN to_sign_records r"
                     " ON r.record_id = e.record_id WHERE e.voided = 0 AND r.clinic = ? AND"
                     f" ((e.author = ? AND {LACKS_AUTHORSHIP})"
                     f" OR (e.supervisor = ? AND {LACKS_COSIGNATURE}))",
                     (clinic, person, person))
        return row[0] if row else 0

    @staticmethod
    def unsigned(tx: ViewTransaction, clinic: str | None, before: str) -> list[dict]:
        """Entries made before an instant (UTC text) still lacking their author's signature
        or, where they name a supervisor, its co-signature; in every clinic if None."""
        where = f"e.occurred_at < ? AND ({LACKS_AUTHORSHIP} OR (e.supervisor IS NOT NULL" \
                f" AND {LACKS_COSIGNATURE}))"
        params: tuple = (before,)
        if clinic is not None:
            where, params = f"r.clinic = ? AND {where}", (clinic, before)
        return _listed(tx, where, params)


def _listed(tx: ViewTransaction, where: str, params: tuple, lacks: str | None = None
            ) -> list[dict]:
    rows = tx.rows(f"SELECT {', '.join(LISTED)}, {LACKS_AUTHORSHIP} FROM to_sign_entries e"
                   " JOIN to_sign_records r ON r.record_id = e.record_id"
                   f" WHERE e.voided = 0 AND {where} ORDER BY e.occurred_at, e.record_id,"
                   " e.version", params)
    keys = ("record_id", "record_type", "patient_id", "version", "event_type", "author",
            "author_name", "occurred_at", "supervisor")
    return [dict(zip(keys, row[:9], strict=True))
            | {"lacks": lacks or ("authorship" if row[9] else "cosignature")} for row in rows]
