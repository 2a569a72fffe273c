"""Staff accounts over HTTP on a real store: accounts opened through the API as an admin
would, signed in with real argon2id hashes (cheap parameters: the cost is bench's)."""

from __future__ import annotations

from datetime import timedelta

import pyotp

from tests.api.conftest import as_role

PASSWORD = "correct horse battery staple"


class Staff:
    """Accounts opened by the clinic's admin (a dev token), and sign-ins with them."""

    def __init__(self, client, clock) -> None:
        self.client, self.clock = client, clock

    def add(self, role: str = "clinician", email: str = "maria@clinic-a.example.org",
            name: str = "Dr Maria Rossi", password: str = PASSWORD,
            clinic_admin: dict | None = None) -> dict:
        response = self.client.post("/v1/staff", json={
            "name": name, "email": email, "roles": [role], "password": password},
            headers=clinic_admin or as_role("admin"))
        assert response.status_code == 201, response.text
        return response.json()

    def sign_in(self, email: str = "maria@clinic-a.example.org", password: str = PASSWORD,
                **more):
        return self.client.post("/v1/sessions", json={"email": email, "password": password,
                                                       **more})

    def bearer(self, **sign_in) -> dict:
        response = self.sign_in(**sign_in)
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def code(self, secret: str, later: timedelta = timedelta()) -> str:
        return pyotp.TOTP(secret).at(self.clock() + later)


def clinician_account(client, clinic: str = "clinic-a") -> str:
    """The staff id of an active clinician account (a nurse names it as supervisor)."""
    from tests.api.conftest import as_role, as_staff_of

    admin = as_role("admin") if clinic == "clinic-a" else as_staff_of(clinic, "admin")
    response = client.post("/v1/staff", headers=admin, json={
        "name": "Dr Maria Rossi", "email": f"maria.rossi@{clinic}.example.org",
        "roles": ["clinician"], "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()["staff_id"]
