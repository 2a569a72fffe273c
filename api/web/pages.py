"""How every page answers: HTML from a template, with the headers, cookies and refusals of
the web app (DESIGN §6). The pages call the same use cases and views as the API; this module
only decides how an answer looks in a browser."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from api.http.access_logging import access_logged, on_a_worker_thread
from api.http.auth import SESSION_COOKIE, Caller, caller_in
from api.http.errors import Problem, problem_of
from api.http.write_turns import in_turn
from api.web import session
from api.web.wording import SIGNED_AS, entry_name, options, summary, words
from infra.tokens import InvalidTokenError
from projections.to_sign import ToSign

LOG = logging.getLogger("mesoledger.web")
Handler = Callable[[Request], Awaitable[Response]]
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",  # the back button after sign-out shows nothing kept
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
SAFE = frozenset({"GET", "HEAD"})
SAFETY_PAGES = [("/signals", "Signals"), ("/recalls", "Recalls"), ("/outcomes", "Outcomes")]
OVERSIGHT_PAGES = [
    ("/lots", "Lot recall"),
    *SAFETY_PAGES,
    ("/audit", "Audit trail"),
    ("/access-log", "Access log"),
    ("/sign-in-log", "Sign-in log"),
    ("/integrity", "Integrity"),
]
TO_SIGN = "/to-sign"
NAV = {  # role → the pages of its daily work
    "clinician": [
        ("/patients", "Patients"),
        (TO_SIGN, "To sign"),
        ("/lots", "Lot recall"),
        *SAFETY_PAGES,
    ],
    "nurse": [("/patients", "Patients"), (TO_SIGN, "To sign"), ("/outcomes", "Outcomes")],
    "receptionist": [("/patients", "Patients")],
    "auditor": [("/patients", "Patients"), *OVERSIGHT_PAGES],
    "regulator": [("/patients", "Patients"), *OVERSIGHT_PAGES],
    "admin": [("/staff", "Staff"), ("/sign-in-log", "Sign-in log")],
}


def home_of(role: str) -> str:
    """Where a person's daily work starts."""
    return NAV[role][0][0] if NAV.get(role) else "/"


def _printed_at() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


TEMPLATES.globals.update(nav=lambda caller: NAV.get(caller.role, []), now=_printed_at)
TEMPLATES.filters.update(
    options=options,
    words=words,
    entry_name=entry_name,
    signed_as=lambda meaning: SIGNED_AS.get(meaning, meaning),
    summary=summary,
    stringify=lambda values: {k: str(v) for k, v in values.items()},
)


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    caller: Caller | None = getattr(request.state, "caller", None)
    html = TEMPLATES.get_template(template).render(
        caller=caller,
        csrf=request.state.csrf,
        path=request.url.path,
        to_sign=_count_to_sign(request, caller),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _count_to_sign(request: Request, caller: Caller | None) -> int | None:
    """How many entries await the signed-in person's signature (None: they do not sign)."""
    if caller is None or not any(href == TO_SIGN for href, _ in NAV.get(caller.role, [])):
        return None
    views = request.app.state.services.views
    with views.transaction(write=False) as tx:
        return ToSign.count_awaiting(tx, caller.id, caller.clinic)


def see_other(url: str, recorded=None) -> RedirectResponse:
    """Go on to the next page; after a write, it waits until its views show what was
    recorded (`at`, the write's log position, as the API's ?min_position= does)."""
    if recorded is not None:
        path, _, fragment = url.partition("#")
        joint = "&" if "?" in path else "?"
        url = f"{path}{joint}at={recorded.position}" + (f"#{fragment}" if fragment else "")
    return RedirectResponse(url, status_code=303)


async def fresh_views(request: Request, at: int | None = None) -> None:
    """A page read from the views shows at least the write that led to it."""
    if at:
        services = request.app.state.services
        if 0 < at <= services.log_position():
            await run_in_threadpool(services.wait_for_views, at)


FreshViews = Depends(fresh_views)


class WebRoute(APIRoute):
    """A page: GET is access-logged like the API's reads, POST waits its turn on the record
    and must come from one of our own forms (same origin, CSRF token)."""

    def __init__(self, path: str, endpoint: Callable, **options) -> None:
        answered = options.get("status_code") or 200
        options.update(response_class=HTMLResponse, include_in_schema=False)
        super().__init__(path, on_a_worker_thread(endpoint, answered), **options)

    def get_route_handler(self) -> Handler:
        inner = super().get_route_handler()
        inner = access_logged(inner) if "GET" in self.methods else in_turn(inner)

        async def page(request: Request) -> Response:
            fresh_csrf = await _prepare(request)
            try:
                if request.method not in SAFE:
                    await _require_our_form(request)
                response = await inner(request)
            except Exception as error:  # every refusal becomes a page, never a JSON body
                problem = problem_of(error)
                if problem.status >= 500:
                    LOG.error("web page %s failed", request.url.path, exc_info=error)
                response = refusal_page(request, problem)
            return _finish(request, response, fresh_csrf)

        return page


async def _prepare(request: Request) -> str | None:
    """Who is signed in (the staff session cookie, as the API's auth layer reads it) and
    the CSRF token for the page's forms. A cookie whose session ended (signed out, idle,
    deactivated) leaves a signed-out visitor, told why on the sign-in page."""
    keys = session.keys_of(request)
    csrf_cookie = session.csrf_cookie_of(request)
    fresh = None
    if not csrf_cookie:
        csrf_cookie = fresh = session.new_csrf_cookie()
    request.state.csrf_cookie = csrf_cookie
    request.state.csrf = keys.csrf_token(csrf_cookie)
    request.state.signed_out = False
    if SESSION_COOKIE in request.cookies:
        try:
            await run_in_threadpool(caller_in, request)
        except (InvalidTokenError, Problem):
            request.state.caller = None
            request.state.signed_out = True
    return fresh


async def _require_our_form(request: Request) -> None:
    """Refuse a POST another site's page made: its Origin is not ours, or it lacks the
    CSRF token bound to this browser's cookie."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.url.netloc:
        raise Problem(403, "cross_site_request", "this form was not sent from mesoledger")
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise Problem(403, "cross_site_request", "this form was not sent from mesoledger")
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, request.state.csrf):
        raise Problem(403, "csrf_token_missing", "the form has expired: open the page again")


def _finish(request: Request, response: Response, fresh_csrf: str | None) -> Response:
    response.headers.update(SECURITY_HEADERS)
    secure = request.url.scheme == "https"
    if fresh_csrf:
        response.set_cookie(
            session.CSRF_COOKIE,
            fresh_csrf,
            httponly=True,
            samesite="strict",
            secure=secure,
            path="/",
        )
    if request.state.signed_out or getattr(request.state, "signing_out", False):
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def refusal_page(request: Request, problem: Problem) -> Response:
    """A refusal in a browser: signed-out visitors go to sign in; the rest see the rule."""
    if problem.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        expired = "&expired=1" if request.state.signed_out else ""
        return see_other(f"/?next={quote(target, safe='')}{expired}")
    title = {403: "Not permitted", 404: "Not found"}.get(
        problem.status, HTTPStatus(problem.status).phrase
    )
    return render(
        request, "refusal.html", status=problem.status, title=title, detail=problem.detail
    )
