"""Signing in to the pages: argon2 passwords, a signed session cookie with safe flags, CSRF on every form,
limits on guessing, and users made only by an admin through the API."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from server.domain import users
from server.settings import get_settings
from tests.support import PASSWORD, council_with_staff, csrf_of, page_user, sign_in


def test_sign_in_sets_a_safe_session_cookie_and_sign_out_ends_it(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    email = page_user(client, "council_staff", council.council_id)
    assert client.get("/staff/cases", follow_redirects=False).headers["location"] == "/sign-in?next=/staff/cases"

    response = sign_in(client, email.upper())
    assert response.url.path == "/staff/cases"
    cookie = next(h for h in response.history[0].headers.get_list("set-cookie") if h.startswith("ct_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "North Council" in client.get("/staff/cases").text

    token = csrf_of(client.get("/staff/cases").text)
    assert client.post("/sign-out", data={"csrf_token": token}).url.path == "/sign-in"
    assert client.get("/staff/cases", follow_redirects=False).status_code == 303, "the session ended on the server"


def test_a_tampered_cookie_is_no_session(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    sign_in(client, page_user(client, "council_staff", council.council_id))
    value = client.cookies["ct_session"]
    client.cookies.set("ct_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/staff/cases", follow_redirects=False).status_code == 303


def test_the_cookie_is_secure_when_the_public_address_is_https(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    council = council_with_staff(client, "North Council")
    email = page_user(client, "council_staff", council.council_id)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://casetracking.example.org")
    get_settings.cache_clear()
    client.base_url = "https://testserver"  # a Secure cookie only goes back over https
    response = sign_in(client, email)
    cookie = next(h for h in response.history[0].headers.get_list("set-cookie") if h.startswith("ct_session="))
    assert "Secure" in cookie


def test_wrong_passwords_say_nothing_about_which_and_are_limited(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    email = page_user(client, "council_staff", council.council_id)
    wrong = sign_in(client, email, "not the password at all")
    unknown = sign_in(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert (
        "The email address or password is wrong" in wrong.text
        and "The email address or password is wrong" in unknown.text
    )
    for _ in range(users.FAILURES_PER_EMAIL):
        sign_in(client, email, "still not the password")
    locked = sign_in(client, email)
    assert locked.status_code == 400 and "tried too many times" in locked.text


def test_every_form_needs_its_csrf_token(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    email = page_user(client, "council_staff", council.council_id)
    page = client.get("/sign-in").text
    assert client.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 403
    assert (
        client.post("/sign-in", data={"csrf_token": "x" * 64, "email": email, "password": PASSWORD}).status_code == 403
    )
    headers = {"Origin": "https://elsewhere.example"}
    form = {"csrf_token": csrf_of(page), "email": email, "password": PASSWORD}
    assert client.post("/sign-in", data=form, headers=headers).status_code == 403, "another site's page"
    sign_in(client, email)
    case = client.post(
        "/api/cases",
        json={"reference": "C-1", "theme": "older_people", "phone": "+447700900123"},
        headers=council.staff,
    ).json()
    refused = client.post(f"/staff/cases/{case['id']}/invite", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 403, "a token from before sign-in is not the session's"
    assert "This form has expired" in refused.text


def test_a_form_token_from_another_persons_session_is_refused(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = client.post(
        "/api/cases",
        json={"reference": "C-1", "theme": "older_people", "phone": "+447700900124"},
        headers=council.staff,
    ).json()
    sign_in(client, page_user(client, "council_staff", council.council_id))
    theirs = csrf_of(client.get(f"/staff/cases/{case['id']}").text)
    client.cookies.clear()
    sign_in(client, page_user(client, "council_staff", council.council_id))
    mine = csrf_of(client.get(f"/staff/cases/{case['id']}").text)
    assert mine != theirs
    refused = client.post(f"/staff/cases/{case['id']}/invite", data={"csrf_token": theirs})
    assert refused.status_code == 403 and "This form has expired" in refused.text
    assert client.post(f"/staff/cases/{case['id']}/invite", data={"csrf_token": mine}).status_code < 400


def test_next_only_goes_to_this_site(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    email = page_user(client, "council_staff", council.council_id)
    token = csrf_of(client.get("/sign-in").text)
    form = {"csrf_token": token, "email": email, "password": PASSWORD, "next": "//evil.example/"}
    response = client.post("/sign-in", data=form, follow_redirects=False)
    assert response.headers["location"] == "/staff/cases"


def test_each_role_sees_only_its_own_pages(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    sign_in(client, page_user(client, "team"))
    assert client.get("/sign-in", follow_redirects=False).headers["location"] == "/team/handoffs"
    forbidden = client.get("/staff/cases")
    assert forbidden.status_code == 403 and "You cannot see this page" in forbidden.text
    client.cookies.clear()
    sign_in(client, page_user(client, "council_staff", council.council_id))
    assert client.get("/team/handoffs").status_code == 403


def test_pages_send_security_headers_and_no_inline_script(client: TestClient) -> None:
    for path in ("/sign-in", "/", "/start/ABCD2345"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-frame-options"] == "DENY"
        for script in re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S):
            attributes, _body = script
            assert "src=" in attributes or 'type="application/json"' in attributes, f"inline script on {path}"
        assert " style=" not in response.text
    assert client.get("/sign-in").headers["cache-control"] == "no-store"
