"""Signed consent forms kept sealed under the patient's key, on both stores' key vaults."""

from uuid import uuid4

import pytest

from infra.consent_documents import (
    ConsentDocuments,
    DocumentNotFoundError,
    DocumentRefusedError,
)
from tests.clinic import Clinic

FORM = b"%PDF-1.4\n% signed by the patient\n%%EOF\n"


@pytest.fixture
def documents(records, tmp_path):
    return ConsentDocuments(tmp_path / "consent-documents", records.vault)


def test_a_kept_form_opens_again_exactly_and_is_sealed_on_disk(documents, clinic: Clinic):
    patient = clinic.patient()
    digest = documents.keep(patient, "application/pdf", FORM)
    kept = documents.open(patient, digest)
    assert (kept.content, kept.media_type) == (FORM, "application/pdf")
    on_disk = next((documents.folder / str(patient)).iterdir()).read_bytes()
    assert b"signed by the patient" not in on_disk


def test_a_form_moved_to_another_patients_folder_does_not_open(documents, clinic: Clinic):
    first, second = clinic.patient(), clinic.patient(mrn="MRN-0002")
    digest = documents.keep(first, "application/pdf", FORM)
    (documents.folder / str(second)).mkdir(parents=True)
    (documents.folder / str(first) / f"{digest}.sealed").rename(
        documents.folder / str(second) / f"{digest}.sealed"
    )
    with pytest.raises(DocumentNotFoundError):  # sealed to the first patient's id and key
        documents.open(second, digest)


def test_a_form_of_another_kind_or_empty_is_refused_and_nothing_kept(documents, clinic):
    patient = clinic.patient()
    for media_type, content in (("text/html", b"<script>"), ("application/pdf", b"")):
        with pytest.raises(DocumentRefusedError):
            documents.keep(patient, media_type, content)
    assert not (documents.folder / str(patient)).exists()


def test_an_unknown_or_malformed_hash_is_not_found(documents, clinic):
    patient = clinic.patient()
    for digest in ("0" * 64, "../../etc/passwd", "AB" * 32):
        with pytest.raises(DocumentNotFoundError):
            documents.open(patient, digest)
    with pytest.raises(DocumentNotFoundError):
        documents.open(uuid4(), "0" * 64)
