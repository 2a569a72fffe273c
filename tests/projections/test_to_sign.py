"""to_sign: what awaits one person's signature (the To sign page and its count in the
navigation) — their own entries lacking their authorship and the nurses' entries naming them
lacking their co-signature; a signed or voided entry no longer waits, and nothing of another
clinic's shows."""

from domain.values import Actor
from projections.to_sign import ToSign
from tests.clinic import CLINICIAN, NURSE, dose, supervising_clinician


def awaiting(views, person) -> list[tuple[str, int, str]]:
    rows = views(ToSign.awaiting, person.id, "clinic-a")
    assert views(ToSign.count_awaiting, person.id, "clinic-a") == len(rows)
    return [(row["record_id"], row["version"], row["lacks"]) for row in rows]


def test_an_entry_waits_for_its_author_until_signed_and_a_voided_one_not_at_all(
    clinic, records, views
):
    course_id = clinic.formulated_course()
    first = records.inject(course_id, dose(), CLINICIAN)
    second = records.inject(course_id, dose(), CLINICIAN)
    course = str(course_id)
    mine = [e for e in awaiting(views, CLINICIAN) if e[0] == course]
    assert (course, first.version, "authorship") in mine
    assert (course, second.version, "authorship") in mine
    assert [v for _, v, _ in mine] == sorted(v for _, v, _ in mine)  # oldest first

    records.sign_entry(course_id, first.version, "authorship", CLINICIAN)
    records.void_entry(course_id, second.version, "charted on the wrong patient", CLINICIAN)
    left = {(r, v) for r, v, _ in awaiting(views, CLINICIAN)}
    assert (course, first.version) not in left and (course, second.version) not in left


def test_a_nurses_entry_waits_for_her_and_for_the_supervisor_she_names(clinic, records, views):
    course_id = clinic.formulated_course()
    supervisor = Actor(supervising_clinician(records), CLINICIAN.name, "clinician")
    given = records.inject(course_id, dose(supervisor=supervisor.id), NURSE)
    entry = (str(course_id), given.version)
    assert entry + ("authorship",) in awaiting(views, NURSE)
    assert entry + ("cosignature",) in awaiting(views, supervisor)

    records.sign_entry(course_id, given.version, "cosignature", supervisor)
    assert entry + ("cosignature",) not in awaiting(views, supervisor)
    assert entry + ("authorship",) in awaiting(views, NURSE)  # hers still waits


def test_another_clinics_person_is_shown_nothing_of_this_clinic(clinic, records, views):
    course_id = clinic.formulated_course()
    records.inject(course_id, dose(), CLINICIAN)
    assert views(ToSign.awaiting, CLINICIAN.id, "clinic-b") == []
    assert views(ToSign.count_awaiting, CLINICIAN.id, "clinic-b") == 0
