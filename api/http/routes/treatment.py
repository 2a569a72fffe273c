"""What is prepared and given during a course: formulations, injections, outcomes,
adverse events."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.http.auth import Prescriber, Treater
from api.http.respond import course_recorded
from api.http.routing import ClinicRoute
from api.http.schemas.common import CourseRecorded
from api.http.schemas.courses import AdverseEventIn, FormulationIn, InjectionIn, OutcomeIn
from api.http.scope import CourseInScope
from api.http.services import ExpectedVersion, Records

router = APIRouter(prefix="/v1/courses/{course_id}", tags=["treatment"],
                   route_class=ClinicRoute)


@router.post("/formulations", status_code=201)
def formulate(course: CourseInScope, body: FormulationIn, caller: Prescriber,
              records: Records, expected: ExpectedVersion,
              response: Response) -> CourseRecorded:
    """Record the next version of the course's mix, with its lots and expiry dates."""
    return course_recorded(response, records.formulate(
        course.id, body.to_formula(), caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))


@router.post("/injections", status_code=201)
def inject(course: CourseInScope, body: InjectionIn, caller: Treater, records: Records,
           expected: ExpectedVersion, response: Response) -> CourseRecorded:
    """Record one injection into one area during a session (a nurse names a supervisor)."""
    return course_recorded(response, records.inject(
        course.id, body.to_dose(), caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))


@router.post("/outcomes", status_code=201)
def assess_outcome(course: CourseInScope, body: OutcomeIn, caller: Treater, records: Records,
                   expected: ExpectedVersion, response: Response) -> CourseRecorded:
    """Record a baseline or follow-up score for a treated area."""
    return course_recorded(response, records.assess_outcome(
        course.id, body.to_outcome(), caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))


@router.post("/adverse-events", status_code=201)
def report_adverse_event(course: CourseInScope, body: AdverseEventIn, caller: Treater,
                         records: Records, expected: ExpectedVersion,
                         response: Response) -> CourseRecorded:
    """Report an adverse event; a serious one suspends the course."""
    return course_recorded(response, records.report_adverse_event(
        course.id, body.to_report(), caller.actor, body.occurred_at, expected,
        late_entry_reason=body.late_entry_reason))
