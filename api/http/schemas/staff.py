"""Bodies of sign-in and of the staff accounts an admin looks after."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.common import ONE_LINE, Name, Text

Email = Annotated[str, Field(min_length=3, max_length=254, pattern=ONE_LINE,
                             description="The e-mail the account signs in with")]
Password = Annotated[str, Field(max_length=1024, description="At least 12 characters, not the"
                                " account's e-mail or name")]
Role = Annotated[str, Field(min_length=1, max_length=40, pattern=ONE_LINE)]
TotpCode = Annotated[str, Field(pattern=r"^\d{6}$", description="The 6-digit code of the"
                                " account's authenticator app")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignInIn(Strict):
    email: Email
    password: Annotated[str, Field(max_length=1024)]
    totp: TotpCode | None = None
    role: Role | None = Field(default=None, description="The role to act in, when the"
                              " account holds several")


class SessionOut(BaseModel):
    token: str = Field(description="A bearer token for `Authorization: Bearer`")
    expires_at: datetime
    staff_id: UUID
    role: str


class StaffIn(Strict):
    name: Name = Field(description="The printed name, as signatures show it")
    email: Email
    roles: list[Role] = Field(min_length=1, max_length=6)
    password: Password


class RoleIn(Strict):
    role: Role


class RoleRevocationIn(Strict):
    role: Role
    reason: Text = Field(min_length=1)


class ReasonIn(Strict):
    reason: Text = Field(min_length=1)


class PasswordIn(Strict):
    password: Password


class OwnPasswordIn(Strict):
    current_password: Annotated[str, Field(max_length=1024)]
    password: Password


class ConfirmIn(Strict):
    password: Annotated[str, Field(max_length=1024, description="The account's password,"
                                   " asked again")]


class StaffRecorded(BaseModel):
    staff_id: UUID
    version: int
    position: int


class SecondFactorOut(StaffRecorded):
    totp_secret: str = Field(description="Shown once: put it in an authenticator app")
    otpauth_uri: str


class NewStaffOut(StaffRecorded):
    totp_secret: str | None = Field(default=None, description="For an admin: shown once")
    otpauth_uri: str | None = None


class StaffOut(BaseModel):
    staff_id: UUID
    clinic: str
    name: str
    email: str
    roles: list[str]
    active: bool
    second_factor: bool


class StaffPage(BaseModel):
    staff: list[StaffOut]


class SignInEntryOut(BaseModel):
    id: int
    at: str
    outcome: str
    staff_id: str | None
    clinic: str | None
    session_id: str | None
    client: str | None
    detail: str | None


class SignInPage(BaseModel):
    entries: list[SignInEntryOut]
    next_after: int | None
