"""`mesoledger keys rotate` rewraps every patient key under a new key-encryption key and
touches no event: every patient reads, `verify` passes, an export made before still
verifies, and a rotation cut off half way is finished by running it again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.demo import CLINIC_STAFF, STORIES
from infra.key_files import KeyMissingError
from infra.key_rotation import rotate
from infra.keys import beside, kek_source, open_key_vault
from infra.records import open_records
from infra.settings import Settings
from tests.api.test_cli import cli_env, demo_loaded, opened, run, store  # noqa: F401
from tests.clinic import PERSON, RECEPTIONIST

ROOT = Path(__file__).resolve().parents[2]


class CutOff(Exception):
    """Stands for a crash between two batches of a rotation."""


@pytest.fixture
def keyed(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url, var_dir=tmp_path / "keys")


def stored_events(services) -> list[tuple]:
    """Every stored event as its bytes and place in the log."""
    return [(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
            for n in services.records.recorder.select_notifications(start=1, limit=10**6)]


def patients(settings: Settings, count: int) -> list:
    records = open_records(settings)
    try:
        return [records.register_patient("clinic-a", f"MRN-{i}", PERSON, RECEPTIONIST).id
                for i in range(count)]
    finally:
        records.close()


def wrapped_under(settings: Settings) -> frozenset[str]:
    vault = open_key_vault(settings)
    try:
        return vault.kek_ids_in_use()
    finally:
        vault.close()


def everyone_reads(settings: Settings, patient_ids: list) -> bool:
    records = open_records(settings)
    try:
        return all(records.personal_data(p) == PERSON for p in patient_ids)
    finally:
        records.close()


def test_after_rotation_every_patient_reads_verify_passes_and_an_old_export_verifies(
        store, tmp_path):  # noqa: F811
    demo_loaded()
    with opened(store) as services:
        patient_ids = [services.records.patient_by_mrn(s.clinic, s.mrn) for s in STORIES]
        events_before = stored_events(services)
    exported = run("export", str(patient_ids[0]))
    assert exported.exit_code == 0, exported.output
    old_export = tmp_path / "before-rotation.json"
    old_export.write_text(exported.output)
    key_before = kek_source(store).read()

    rotated = run("keys", "rotate", "--batch", "3")

    assert rotated.exit_code == 0, rotated.output
    admins_with_a_second_factor = len(CLINIC_STAFF)  # the demo opens one a clinic
    assert f"{len(STORIES) + admins_with_a_second_factor} keys rewrapped" in rotated.output
    assert kek_source(store).read() != key_before
    assert not beside(kek_source(store).path, ".previous").exists()
    with opened(store) as services:
        assert stored_events(services) == events_before  # no event touched
        names = {services.records.personal_data(p).name for p in patient_ids}
    assert names == {s.person.name for s in STORIES}
    verified = run("verify")
    assert verified.exit_code == 0, verified.output
    offline = subprocess.run([sys.executable, "-m", "api.verify_export", str(old_export),
                              "--trust-on-first-use"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert json.loads(exported.output)["events"]


def test_a_rotation_cut_off_after_a_batch_is_finished_by_a_rerun(keyed):
    patient_ids = patients(keyed, 7)
    old = wrapped_under(keyed)

    def crash(rewrapped: int) -> None:
        raise CutOff(rewrapped)

    with pytest.raises(CutOff):
        rotate(keyed, batch=3, after_batch=crash)
    assert len(wrapped_under(keyed) - old) == 1 and old <= wrapped_under(keyed)  # both
    assert everyone_reads(keyed, patient_ids)  # half way, every key still opens
    assert rotate(keyed, batch=3).rewrapped == 4
    assert everyone_reads(keyed, patient_ids)
    assert len(wrapped_under(keyed)) == 1 and not old & wrapped_under(keyed)


def test_a_rotation_killed_mid_way_is_finished_by_a_rerun(keyed):
    patient_ids = patients(keyed, 7)
    old = wrapped_under(keyed)
    killed = subprocess.run(
        [sys.executable, "-c", "import os, signal, sys\n"
         "from infra.key_rotation import rotate\nfrom infra.settings import Settings\n"
         "rotate(Settings(database_url=sys.argv[1], var_dir=sys.argv[2]), batch=2,"
         " after_batch=lambda n: n >= 4 and os.kill(os.getpid(), signal.SIGKILL))",
         keyed.database_url, str(keyed.var_dir)], cwd=ROOT, capture_output=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    assert len(wrapped_under(keyed)) == 2
    assert rotate(keyed).rewrapped == 3
    assert everyone_reads(keyed, patient_ids)
    assert len(wrapped_under(keyed)) == 1 and not old & wrapped_under(keyed)


def test_a_key_encryption_key_held_in_the_environment_rotates_from_the_previous_one(keyed):
    old, new = "o" * 43 + "=", "n" * 43 + "="
    patient_ids = patients(keyed.model_copy(update={"key_encryption_key": old}), 3)
    moved_on = keyed.model_copy(update={"key_encryption_key": new})
    with pytest.raises(KeyMissingError):
        open_records(moved_on)  # the old key is needed until the rotation is done
    during = moved_on.model_copy(update={"previous_key_encryption_key": old})
    assert rotate(during).rewrapped == 3
    assert everyone_reads(moved_on, patient_ids)
    assert not kek_source(keyed).path.exists()
