"""patient_directory: each clinic's patients — MRN, name, screening status, active courses.

Drives lists and search, and holds no personal data in clear: each patient's personal data
stays sealed under their own key (the event's sealed bytes), opened only for the page a
caller reads. Names are found through a blind index: keyed hashes of the name's folded words
and their prefixes (names.py), made where the view is written, so the log-reading helper
process only ever passes sealed data. Once the key is destroyed the name reads "[erased]";
an erasure removes the patient's index entries, and a rebuild indexes no erased name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol
from uuid import UUID

from domain.personal_data import (
    ERASED,
    KeyVault,
    PersonalData,
    PersonalDataErasedError,
    unseal,
)
from domain.vocabulary import CourseStatus
from projections.base import Change, Statement, ViewTransaction, write_all
from projections.patient_directory.facts import (
    FACTS,
    CoursePlanned,
    CourseStatusChanged,
    Erased,
    Fact,
    Registered,
    Renamed,
    Screened,
    Unrecorded,
)
from projections.patient_directory.names import mrn_key, name_tokens, query_words
from projections.patient_directory.tables import (
    CLOSE_COURSE,
    COLUMNS,
    ERASE,
    FORGET,
    FORGET_WORDS,
    OPEN_COURSE,
    PLAN,
    REGISTER,
    REMEMBER,
    RESCREEN,
    RESEAL,
    SCREEN,
    SET_STATUS,
    STATEMENTS,
    TABLES,
    UNAMEND,
    WORDS,
    create_tables,
)

ENTRIES_A_READ = 500  # ids a read asks for (well under any database's limit on parameters)

OpenSealed = Callable[[list[tuple[UUID, str]]], list[PersonalData | None]]
"""Opens patients' sealed personal data, many at a time; None for one whose key is gone."""


class WordHasher(Protocol):
    """The blind index's keyed hash of one folded word (its key never enters a database)."""

    key_id: str

    def __call__(self, word: str) -> str: ...


class IndexKeyChangedError(Exception):
    """The directory was indexed under another index key than the one given."""


UNSCREENED = "unscreened"
COUNT_WORD = ("SELECT count(*) FROM (SELECT 1 FROM directory_words WHERE word = ?"
              " LIMIT ?) AS found")
JOIN_WORD = " JOIN directory_words w ON w.patient_id = d.patient_id AND w.word = ?"
HAS_WORD = ("EXISTS (SELECT 1 FROM directory_words x WHERE x.word = ?"
            " AND x.patient_id = d.patient_id)")


def unsealer(vault: KeyVault) -> OpenSealed:
    """Open sealed personal data with the patients' keys from the vault (one lookup)."""

    def open_sealed(sealed: list[tuple[UUID, str]]) -> list[PersonalData | None]:
        keys = vault.keys_for({patient_id for patient_id, _ in sealed})
        return [_opened(keys.get(patient_id), patient_id, data) for patient_id, data in sealed]

    return open_sealed


def _opened(key: bytes | None, patient_id: UUID, sealed: str) -> PersonalData | None:
    try:
        return unseal(key, patient_id, sealed) if sealed else None
    except PersonalDataErasedError:
        return None


class PatientDirectory:
    """Per clinic: every patient's MRN, sealed personal data, latest screening result and
    open courses; found by MRN or by any word of the name."""

    name = "patient_directory"
    tables = TABLES
    common_word = 2000
    """Patients sharing a searched word beyond which the search walks the MRN order."""

    def __init__(self, open_sealed: OpenSealed, hash_word: WordHasher) -> None:
        self.open_sealed = open_sealed
        self.hash_word = hash_word

    def create(self, tx: ViewTransaction) -> None:
        recorded = create_tables(tx, self.name, self.hash_word.key_id)
        if recorded != self.hash_word.key_id:
            raise IndexKeyChangedError(f"the patient directory is indexed under index key"
                                       f" {recorded}, not {self.hash_word.key_id}")

    @staticmethod
    def facts(change: Change) -> Fact | None:
        """What the event contributes, by FACTS (None: nothing)."""
        take = FACTS.get(type(change.event))
        return None if take is None else take(change)

    def apply(self, tx: ViewTransaction, facts: list[Fact]) -> None:
        writes: dict[Statement, list[tuple]] = {statement: [] for statement in STATEMENTS}
        for fact in facts:
            for statement, row in self._writes(fact):
                writes[statement].append(row)
        write_all(tx, writes)
        self._index(tx, facts)

    def _writes(self, fact: Fact) -> list[tuple[Statement, tuple]]:
        """The rows one fact writes, each with its statement."""
        match fact:
            case Registered(patient_id, sealed, clinic, mrn, version):
                return [(REGISTER, (patient_id, clinic, mrn, mrn_key(mrn), sealed,
                                    UNSCREENED, 0)),
                        (REMEMBER, (patient_id, version, "personal_data", sealed))]
            case Renamed(patient_id, sealed, version):
                return [(RESEAL, (sealed, patient_id)),
                        (REMEMBER, (patient_id, version, "personal_data", sealed))]
            case Erased(patient_id):
                return [(ERASE, (patient_id,))]
            case Screened(patient_id, result, version):
                return [(SCREEN, (result, patient_id)),
                        (REMEMBER, (patient_id, version, "screening", result))]
            case Unrecorded(patient_id, version, "screening"):
                return [(FORGET, (patient_id, version)),
                        (RESCREEN, (patient_id, UNSCREENED, patient_id))]
            case Unrecorded(patient_id, version, _):
                return [(FORGET, (patient_id, version)), (UNAMEND, (patient_id, patient_id))]
            case CoursePlanned(course_id, patient_id):
                return [(PLAN, (course_id, patient_id, CourseStatus.ACTIVE)),
                        (OPEN_COURSE, (patient_id,))]
            case CourseStatusChanged(course_id, status):
                closing = [] if status.is_open else [(CLOSE_COURSE, (course_id,))]
                return [*closing, (SET_STATUS, (status, course_id))]
        raise TypeError(f"not a fact of the patient directory: {fact!r}")

    def _index(self, tx: ViewTransaction, facts: list[Fact]) -> None:
        """Each named patient's index entries, as the batch's last fact about them left
        them: the sealed names opened with one key lookup for the whole batch."""
        facts = [self._renamed(tx, fact) if isinstance(fact, Unrecorded) else fact
                 for fact in facts]
        named = [fact for fact in facts if isinstance(fact, Registered | Renamed)]
        opened = self.open_sealed([(UUID(fact.patient_id), fact.sealed) for fact in named])
        names = {fact.sealed: data and data.name for fact, data in zip(named, opened,
                                                                       strict=True)}
        tokens: dict[str, set[str]] = {}
        for fact in facts:
            if isinstance(fact, Registered | Renamed):
                tokens[fact.patient_id] = name_tokens(names[fact.sealed] or "")
            elif isinstance(fact, Erased):
                tokens[fact.patient_id] = set()
        new = {fact.patient_id for fact in facts if isinstance(fact, Registered)}
        tx.executemany(FORGET_WORDS, [(p,) for p in tokens if p not in new])
        tx.insert(WORDS.table, WORDS.columns, [(self.hash_word(token), patient_id)
                                               for patient_id, found in tokens.items()
                                               for token in found])

    @staticmethod
    def _renamed(tx: ViewTransaction, fact: Unrecorded) -> Fact:
        """A voided amendment names the patient as the data back in force (once written)."""
        row = tx.one("SELECT sealed FROM patient_directory WHERE patient_id = ?",
                     (fact.patient_id,))
        if fact.kind != "personal_data" or row is None or not row[0]:
            return fact
        return Renamed(fact.patient_id, row[0])

    # --- queries ------------------------------------------------------------------------

    def search(self, tx: ViewTransaction, clinic: str | None, mrn: str | None = None,
               name: str | None = None, limit: int = 50) -> list[dict]:
        """One clinic's (None: every clinic's) patients, in MRN order: with this MRN (as
        normalised) and/or whose name has every word of `name` (any case or accents) as a
        word or the start of one. A `name` with no word in it finds nobody."""
        clauses, params, joined, first = ["1 = 1"], [], "", []
        if clinic is not None:
            clauses.append("d.clinic = ?")
            params.append(clinic)
        if mrn is not None:
            clauses.append("d.mrn_key = ?")
            params.append(mrn_key(mrn))
        if name is not None:
            hashes = [self.hash_word(word) for word in query_words(name)]
            if not hashes:
                return []
            if not self._common(tx, hashes[0]):  # start from the few patients it finds
                joined, first, hashes = JOIN_WORD, hashes[:1], hashes[1:]
            clauses += [HAS_WORD] * len(hashes)  # else walk the MRN order: matches come soon
            params += hashes
        rows = tx.rows(f"SELECT {', '.join('d.' + c for c in COLUMNS)} FROM patient_directory"
                       f" d{joined} WHERE {' AND '.join(clauses)}"
                       " ORDER BY d.mrn, d.patient_id LIMIT ?", (*first, *params, limit))
        return self._shown(rows)

    def _common(self, tx: ViewTransaction, word: str) -> bool:
        """Whether so many patients have this word that walking the directory in MRN order
        meets a page of them sooner than gathering and sorting them all."""
        return tx.one(COUNT_WORD, (word, self.common_word + 1))[0] > self.common_word

    def entry(self, tx: ViewTransaction, patient_id: UUID | str) -> dict | None:
        """One patient's directory entry, or None if no such patient is registered."""
        row = tx.one(f"SELECT {', '.join(COLUMNS)} FROM patient_directory"
                     " WHERE patient_id = ?", (str(patient_id),))
        return self._shown([row])[0] if row else None

    def entries(self, tx: ViewTransaction, patient_ids: Iterable[UUID | str]) -> dict[str, dict]:
        """The directory entries of these patients (those registered), by their ids as text:
        one read per page of ids, the sealed data opened together."""
        ids, rows = list(dict.fromkeys(str(p) for p in patient_ids)), []
        for start in range(0, len(ids), ENTRIES_A_READ):
            page = ids[start:start + ENTRIES_A_READ]
            rows += tx.rows(f"SELECT {', '.join(COLUMNS)} FROM patient_directory WHERE"
                            f" patient_id IN ({', '.join('?' * len(page))})", tuple(page))
        return {entry["patient_id"]: entry for entry in self._shown(rows)}

    def _shown(self, rows: list[tuple]) -> list[dict]:
        """Rows as the caller reads them: the sealed data opened, only the name shown."""
        opened = self.open_sealed([(UUID(row[0]), row[3]) for row in rows])
        return [dict(zip(("patient_id", "clinic", "mrn"), row[:3], strict=True))
                | {"name": data.name if data else ERASED, "status": row[4],
                   "active_courses": row[5]} for row, data in zip(rows, opened, strict=True)]
