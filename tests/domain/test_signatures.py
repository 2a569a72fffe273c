"""Electronic signatures on a record, in memory: given events, when signing, then the
signature or the refusal that names the rule."""

from __future__ import annotations

import pytest

from domain.errors import InvalidEntry
from domain.signatures import (
    AlreadySignedError,
    EntryNames,
    EntryNotSignableError,
    NotTheAuthorError,
    VoidedEntryNotSignableError,
)
from domain.values import Actor
from tests.domain.given import CLINICIAN, NOW, course, patient, recorded

LEAF = bytes(32)
SCREENED = 3  # registered, consented, screened
OTHER = Actor("u-other", "Dr Ana Costa", "clinician")


def test_signature_holds_its_entry_meaning_and_the_leaf_it_covers():
    someone = patient()
    someone.sign(SCREENED, "authorship", LEAF, CLINICIAN, NOW, EntryNames(CLINICIAN.id, None))
    [event] = someone.collect_events()
    assert (event.entry_version, event.meaning, event.leaf_hash) == (SCREENED, "authorship",
                                                                     LEAF.hex())
    assert [(s.entry_version, s.signer, s.revoked) for s in someone.signature_list()] == [
        (SCREENED, CLINICIAN.id, False)]


def test_unknown_meaning_is_malformed_and_records_nothing():
    someone = patient()
    with pytest.raises(InvalidEntry, match="meaning"):
        someone.sign(SCREENED, "witnessed", LEAF, CLINICIAN, NOW)
    assert recorded(someone) == []


def test_a_patients_voided_mark_makes_its_entry_unsignable():
    """Patient voids arrive as a `voided` list of versions, like a course's."""
    someone = patient()
    someone.voided = [SCREENED]
    with pytest.raises(VoidedEntryNotSignableError):
        someone.sign(SCREENED, "review", LEAF, OTHER, NOW)
    assert recorded(someone) == []


def test_a_course_void_makes_its_entry_unsignable():
    treated = course()
    treated.void(2, "wrong mix", CLINICIAN, NOW)
    treated.collect_events()
    with pytest.raises(VoidedEntryNotSignableError):
        treated.sign(2, "review", LEAF, OTHER, NOW)


def test_the_same_signature_twice_is_refused_until_revoked():
    treated = course()
    treated.sign(2, "review", LEAF, OTHER, NOW)
    signature = treated.version
    with pytest.raises(AlreadySignedError):
        treated.sign(2, "review", LEAF, OTHER, NOW)
    treated.revoke_signature(signature, "signed the wrong mix", OTHER, NOW)
    treated.sign(2, "review", LEAF, OTHER, NOW)
    assert [s.revoked for s in treated.signature_list()] == [True, False]
    with pytest.raises(EntryNotSignableError):
        treated.sign(signature, "review", LEAF, CLINICIAN, NOW)  # a signature is no entry


def test_authorship_claimed_by_another_is_refused():
    treated = course()
    with pytest.raises(NotTheAuthorError):
        treated.sign(2, "authorship", LEAF, OTHER, NOW, EntryNames(CLINICIAN.id, None))
    assert recorded(treated) == []
