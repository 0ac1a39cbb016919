"""Signing in and out of the pages, with an email and a password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from server.domain.users import MAX_PASSWORD
from server.limits import client_address
from server.pages import security
from server.pages.common import Form, field, home_for, redirect, render, signed_in
from server.services import users
from server.settings import get_settings

router = APIRouter(include_in_schema=False)


def _safe_next(value: str) -> str | None:
    """Only a path on this site: never "//elsewhere" or "https://elsewhere" (an open redirect)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) < 500:
        return value
    return None


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "", signed_out: bool = False) -> Response:
    found = signed_in(request)
    if found is not None:
        return redirect(home_for(found.principal))
    return render(request, "pages/sign_in.html", {"next": next, "errors": {}, "email": "", "signed_out": signed_out})


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, form: Form) -> Response:
    email = field(form, "email", 254)
    password = form.get("password")
    password = password[:MAX_PASSWORD] if isinstance(password, str) else ""
    next_path = field(form, "next", 500)
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "error_email_missing"
    if not password:
        errors["password"] = "error_password_missing"
    if not errors:
        address = client_address(request)
        hours = get_settings().session_hours
        result = users.sign_in(email, password, address, hours)
        if result.token is not None and result.principal is not None:
            response = redirect(_safe_next(next_path) or home_for(result.principal))
            security.set_session(response, result.token, hours)
            return response
        errors["email"] = "error_locked" if result.problem == "locked" else "error_wrong"
    context = {"next": next_path, "errors": errors, "email": email, "signed_out": False}
    return render(request, "pages/sign_in.html", context, status=400)


@router.post("/sign-out")
def sign_out(request: Request, form: Form) -> Response:
    token = security.session_token(request)
    if token is not None:
        users.sign_out(token)
    response = redirect("/sign-in?signed_out=true")
    security.clear_session(response)
    return response
