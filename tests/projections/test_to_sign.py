"""to_sign: what awaits one person's signature (the To sign page and its count in the
navigation) — their own entries lacking their authorship and the nurses' entries naming them
lacking their co-signature; a signed or voided entry no longer waits, and nothing of another
clinic's shows."""

from domain.values import Actor
from projections.to_sign import ToSign
from tests.clinic import CLINICIAN, NURSE, dose, supervising_clinician
from tests.projections.test_exactly_once import view_rows


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



def test_a_batch_holding_entries_their_signatures_revocations_and_voids_ends_as_step_by_step(
    clinic, records, runner, views
):
    """A catch-up far behind (a rebuild, a worker back after an outage) applies a whole
    history in one batch: entries, their signatures, a signature's revocation and an entry's
    void end where taking them one at a time does."""
    course_id = clinic.formulated_course()
    supervisor = Actor(supervising_clinician(records), CLINICIAN.name, "clinician")
    steps = [lambda: records.inject(course_id, dose(), CLINICIAN),  # version 3: signed
             lambda: records.inject(course_id, dose(supervisor=supervisor.id), NURSE),
             lambda: records.inject(course_id, dose(), CLINICIAN),  # voided below
             lambda: records.sign_entry(course_id, first, "authorship", CLINICIAN),
             lambda: records.sign_entry(course_id, first + 1, "cosignature", supervisor),
             lambda: records.revoke_signature(course_id, first + 4, "signed before reading"
                                              " the dose", supervisor),
             lambda: records.void_entry(course_id, first + 2, "charted on the wrong patient",
                                        CLINICIAN)]
    first = records.course(course_id).version + 1
    for step in steps:
        step()
        runner.catch_up()  # the live view takes them one at a time
    live = view_rows(runner)

    runner.rebuild("to_sign")
    assert {t: view_rows(runner)[t] for t in ToSign.tables} == {t: live[t] for t in ToSign.tables}
    left = {(r["version"], r["lacks"]) for r in views(ToSign.awaiting, supervisor.id, "clinic-a")
            if r["record_id"] == str(course_id)}
    assert left == {(first + 1, "cosignature")}  # its co-signature was revoked
    mine = {r["version"] for r in views(ToSign.awaiting, CLINICIAN.id, "clinic-a")
            if r["record_id"] == str(course_id)}
    assert first not in mine and first + 2 not in mine  # signed; voided
