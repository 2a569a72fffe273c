"""audit_trail: one entry per stored event, identifiers only."""

from projections.audit_trail import AuditFilter, AuditTrail
from tests.clinic import CLINICIAN, PERSON, dose


def test_every_stored_event_has_one_audit_entry(clinic, records, views):
    course_id = clinic.formulated_course()
    injected = records.inject(course_id, dose(), CLINICIAN)
    records.void_entry(course_id, injected.version, "wrong chart", CLINICIAN)
    entries = views(AuditTrail.page, AuditFilter(), limit=1000)
    assert [e["position"] for e in entries] == list(range(1, clinic.log_position() + 1))
    last = entries[-1]
    assert (last["action"], last["event_type"], last["actor_id"], last["actor_role"]) == \
        ("void", "EntryVoided", CLINICIAN.id, "clinician")
    assert {e["patient_id"] for e in entries} == {str(records.course(course_id).patient_id)}
    assert {e["clinic"] for e in entries} == {"clinic-a"}


def test_audit_entries_hold_no_name_or_date_of_birth(clinic, views):
    clinic.formulated_course()
    text = repr(views(AuditTrail.page, AuditFilter(), limit=1000))
    assert PERSON.name not in text and PERSON.date_of_birth.isoformat() not in text


def test_audit_pages_follow_the_cursor_and_filter_by_actor(clinic, records, views):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(), CLINICIAN)
    mine = views(AuditTrail.page, AuditFilter(actor_id=CLINICIAN.id), limit=2)
    rest = views(AuditTrail.page, AuditFilter(actor_id=CLINICIAN.id),
                 after=mine[-1]["position"], limit=100)
    assert len(mine) == 2 and len(rest) == 2
    assert all(e["actor_id"] == CLINICIAN.id for e in mine + rest)
