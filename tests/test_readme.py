"""The README as written works: its walk-through ("A course with curl"), taken from the
README's own text, runs under a POSIX shell against a real `mesoledger serve` started as
the README says, in a fresh directory with nothing configured; and the token command the
server's banner prints runs as printed from another directory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from tests.api.test_server import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
SHELL = shutil.which("dash") or shutil.which("sh")


def walk_through() -> str:
    """The first sh block after the README's "A course with curl" heading."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## A course with curl"):]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def test_the_readme_walk_through_records_a_course_under_a_posix_shell(tmp_path):
    clinic = tmp_path / "clinic"  # where a reader cloned the project and made .venv
    clinic.mkdir()
    (clinic / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("MESOLEDGER_")}  # nothing configured
    port = free_port()
    with open(tmp_path / "server.out", "w+") as out:
        server = subprocess.Popen([".venv/bin/mesoledger", "serve", "--port", str(port)],
                                  cwd=clinic, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_up(f"http://127.0.0.1:{port}", server)
            script = walk_through() + 'printf "\\nRESULT %s %s %s\\n" "$P" "$C" "$POS"\n'
            ran = subprocess.run([SHELL, "-eu"], input=script, cwd=clinic, capture_output=True,
                                 text=True, env=env | {"API": f"http://127.0.0.1:{port}/v1"},
                                 timeout=60)
            token = _banner_token(out, env, elsewhere=tmp_path)
            doctor = {"Authorization": f"Bearer {token}"}
            assert ran.returncode == 0, ran.stderr
            patient, course, position = ran.stdout.rsplit("RESULT ", 1)[1].split()
            uuid.UUID(patient), uuid.UUID(course)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}/v1", headers=doctor,
                              timeout=10) as api:
                progress = api.get(f"/patients/{patient}/progress",
                                   params={"min_position": position})
                read_course = api.get(f"/courses/{course}")
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert progress.status_code == 200, progress.text
    assert [(a["area"], a["sessions_done"], a["volume_ml"]) for a in progress.json()] == [
        ("thighs.lateral", 1, "2")]
    assert read_course.json()["patient_id"] == patient
    assert '"sessions_done": 1' in ran.stdout and '"lot": "CAF-001"' in ran.stdout
    assert "Traceback" not in ran.stderr


def _banner_token(out, env: dict, elsewhere: Path) -> str:
    """Run the token command the server printed, as printed, from another directory."""
    out.seek(0)
    printed = re.search(r"^  token: (.*)$", out.read(), re.MULTILINE).group(1)
    minted = subprocess.run([SHELL, "-c", printed], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=60)
    assert minted.returncode == 0, (printed, minted.stderr)
    return minted.stdout.strip()
