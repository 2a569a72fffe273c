"""Protocols: a clinic's named mixes. A mix made from one names it and follows it exactly;
another clinic's protocol, or a mix that differs, is refused and nothing is recorded."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.protocol import Component, MixDiffersFromProtocolError, ProtocolNotInClinicError
from tests.clinic import CLINICIAN, formula, ingredient

LIPOLYTIC = (Component("caffeine", "other", Decimal("100"), "mg"),
             Component("l-carnitine", "amino_acid", Decimal("250"), "mg"))


def test_a_mix_made_from_a_protocol_records_it(clinic, records):
    course_id = clinic.course()
    protocol = records.define_protocol("clinic-a", "lipolytic 1:2.5", LIPOLYTIC, CLINICIAN)
    records.formulate(course_id, replace(formula(), protocol_id=protocol.id), CLINICIAN)

    [mix] = records.course(course_id).formulations
    assert mix.formula.protocol_id == protocol.id


def test_a_mix_that_differs_from_its_protocol_is_refused(clinic, records):
    course_id = clinic.course()
    protocol = records.define_protocol("clinic-a", "lipolytic 1:2.5", LIPOLYTIC, CLINICIAN)
    stronger = formula(ingredient(amount="200"), ingredient(
        "l-carnitine", "CAR-002", amount="250", category="amino_acid"))
    with clinic.refuses(MixDiffersFromProtocolError):
        records.formulate(course_id, replace(stronger, protocol_id=protocol.id), CLINICIAN)


def test_another_clinics_protocol_cannot_be_followed(clinic, records):
    course_id = clinic.course()
    theirs = records.define_protocol("clinic-b", "lipolytic 1:2.5", LIPOLYTIC, CLINICIAN)
    with clinic.refuses(ProtocolNotInClinicError):
        records.formulate(course_id, replace(formula(), protocol_id=theirs.id), CLINICIAN)
