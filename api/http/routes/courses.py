"""Treatment courses: plan one, read it, amend the plan, change its status, void an entry."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.http.auth import ClinicalReader, Corrector, Prescriber
from api.http.respond import course_recorded, tagged
from api.http.routing import ClinicRoute
from api.http.schemas.common import AsOf, CourseRecorded
from api.http.schemas.courses import PlanAmendmentIn, PlanIn, StatusIn, VoidIn
from api.http.schemas.records import CourseOut
from api.http.scope import CourseInScope, PatientInScope
from api.http.services import ExpectedVersion, Records

router = APIRouter(prefix="/v1", tags=["courses"], route_class=ClinicRoute)


@router.post("/patients/{patient_id}/courses", status_code=201)
def plan_course(patient: PatientInScope, body: PlanIn, caller: Prescriber, records: Records,
                response: Response) -> CourseRecorded:
    """Plan a course for one indication; needs a current eligible screening and consent."""
    return course_recorded(response, records.plan_course(
        patient.id, body.to_plan(), caller.actor, body.occurred_at,
        late_entry_reason=body.late_entry_reason))


@router.get("/courses/{course_id}")
def read_course(course: CourseInScope, caller: ClinicalReader, records: Records,
                response: Response, as_of: AsOf = None) -> CourseOut:
    """The course now, or replayed to how it stood at `as_of` (server time)."""
    found = records.course(course.id, as_of)
    tagged(response, found.version)
    return CourseOut.of(found)


@router.post("/courses/{course_id}/plan", status_code=201)
def amend_plan(course: CourseInScope, body: PlanAmendmentIn, caller: Prescriber,
               records: Records, expected: ExpectedVersion,
               response: Response) -> CourseRecorded:
    """Change the session count, interval or areas of the course, with a reason."""
    return course_recorded(response, records.amend_plan(
        course.id, body.to_plan(), body.reason, caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason, supersedes=body.supersedes))


@router.post("/courses/{course_id}/status", status_code=201)
def change_status(course: CourseInScope, body: StatusIn, caller: Prescriber,
                  records: Records, expected: ExpectedVersion,
                  response: Response) -> CourseRecorded:
    """Suspend, resume, complete or discontinue the course, with a reason."""
    return course_recorded(response, records.change_course_status(
        course.id, body.action, body.reason, caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))


@router.post("/courses/{course_id}/voids", status_code=201)
def void_entry(course: CourseInScope, body: VoidIn, caller: Corrector, records: Records,
               expected: ExpectedVersion, response: Response) -> CourseRecorded:
    """Void an entry made in error: it stays in the history and leaves progress and recall.
    A clinician voids any entry; a nurse her own, within 24 hours of recording it."""
    return course_recorded(response, records.void_entry(
        course.id, body.version, body.reason, caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason, kind=body.kind))
