"""The server's logs are JSON lines and carry no personal data: no phone numbers, no invitation codes, no names and
nothing anybody typed. Named to run after the other end-to-end tests, so it reads every server log this test run
wrote (each stack writes server.log): the shared stack's, and those of the durability and scale-out stacks.

It also sends traffic of its own that is easy to find if it leaked: unusual words, a helper's name, numbers in
the forms people write them, wrong codes, refused and oversized messages.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.people import Texter, WebPerson
from tests.support import ADMIN, council_with_staff, new_case
from tools.stack import Stack

pytestmark = pytest.mark.e2e

# Ofcom's drama range as the tests use it: +447700900123, 447700900123, 07700900123, 07700 900123.
PHONE = re.compile(r"(?:\+?44|0)\s?7700\s?900\s?\d{3}")


def server_logs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    roots = [tmp_path_factory.getbasetemp()]
    if os.environ.get("E2E_LOGS"):
        roots.append(Path(os.environ["E2E_LOGS"]))
    return sorted({path for root in roots for path in root.rglob("server.log")})


def test_server_logs_are_json_and_hold_no_personal_data(
    http: httpx.Client, live: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    marker = uuid.uuid4().hex[:8]
    council = council_with_staff(http, f"Council {marker}")
    case = new_case(http, council.staff, "LOG-1", phone="+447700900951")
    codes = [case["invite_code"]]
    http.post(f"/api/cases/{case['id']}/invite", headers=council.staff)
    sent: list[str] = []

    person = WebPerson(http, case["invite_code"])
    http.get(f"/start/{case['invite_code']}")
    for words in (
        "/greet",
        "its me",
        f"can my cousin Zebedee Quillfeather{marker} come with me",
        f"my number is 07700 900952 and my email is quill{marker}@example.org",
    ):
        sent.append(words)
        person.say(words)
    person.to_question()
    sent.append(f"yes I am happy to take part {marker}")
    person.say(sent[-1])

    texter = Texter(http, live.server_url, "+447700900953")
    for body in ("hi", f"who are you {marker} please tell me", "WRONGCODE", "ZZZZ9999"):
        sent.append(body)
        texter.send(body)
    helper_case = new_case(http, council.staff, "LOG-2", phone="+447700900954")
    codes.append(helper_case["invite_code"])
    helper = Texter(http, live.server_url, "+447700900955")
    helper.send(f"I am texting for my dad Barnaby{marker}")
    helper.send(helper_case["invite_code"])
    sent.append(f"I am texting for my dad Barnaby{marker}")

    # Refused and odd requests log too: none of them may put what was sent in the log.
    refused = f"refused words {marker} " * 5
    http.post("/chat/messages", json={"sender": uuid.uuid4().hex, "message": refused + "x" * 3000})
    http.post("/chat/messages", json={"sender": uuid.uuid4().hex, "message": f"nul {marker}\x00"})
    http.post("/chat/messages", content=b'{"sender": "' + marker.encode() + b'", "message": ')
    http.get(f"/api/cases/{marker}", headers=ADMIN)
    http.get(f"/start/{marker}ABC")
    sent.append(refused.strip())

    logs = server_logs(tmp_path_factory)
    assert logs, "no server.log found"
    secrets = [*codes, *(s for s in sent if len(s) >= 8), f"Quillfeather{marker}", f"Barnaby{marker}"]
    problems: list[str] = []
    for log in logs:
        for number, line in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{log}:{number}"
            try:
                json.loads(line)
            except ValueError:
                problems.append(f"{where}: not a JSON line: {line[:120]}")
                continue
            if PHONE.search(line):
                problems.append(f"{where}: a phone number: {line[:200]}")
            problems += [f"{where}: {secret!r}" for secret in secrets if secret in line]
            if marker in line:
                problems.append(f"{where}: this test's marker: {line[:200]}")
    assert not problems, "\n".join(problems[:20])


def test_rasa_keeps_nothing_people_typed_and_its_open_webhook_changes_nothing(
    http: httpx.Client, live: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    marker = uuid.uuid4().hex[:8]
    council = council_with_staff(http, f"Council {marker}")
    case = new_case(http, council.staff, "LOG-3", phone="+447700900956")
    person = WebPerson(http, case["invite_code"])
    for words in ("/greet", f"can my friend Ptolemy{marker} come with me", "yes"):
        person.say(words)
    # Rasa's REST channel takes no token: a local process posting "as" the person reaches only Rasa, which holds
    # no dialogue (NLU only) and calls nothing back, so no record changes.
    before = http.get(f"/api/cases/{case['id']}", headers=council.staff).json()
    body = {"sender": f"web:{person.sender}", "message": "STOP"}
    httpx.post(f"{live.rasa_url}/webhooks/rest/webhook", json=body, timeout=30)
    assert http.get(f"/api/cases/{case['id']}", headers=council.staff).json() == before
    # And /model/parse without Rasa's token is refused.
    assert httpx.post(f"{live.rasa_url}/model/parse", json={"text": "hi"}, timeout=30).status_code == 401
    rasa_logs = sorted(tmp_path_factory.getbasetemp().rglob("rasa.log"))
    assert rasa_logs, "no rasa.log found"
    for log in rasa_logs:
        assert f"Ptolemy{marker}" not in log.read_text(encoding="utf-8", errors="replace"), log
