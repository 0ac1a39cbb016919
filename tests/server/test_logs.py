"""The JSON log formatter: one object a line, extra fields kept, exception messages and phone numbers never."""

from __future__ import annotations

import json
import logging
import sys

from server.logs import JsonFormatter, mask


def formatted(message: str, *args: object, exc: BaseException | None = None, **extra: object) -> dict[str, object]:
    record = logging.LogRecord("server.test", logging.WARNING, __file__, 1, message, args, None)
    if exc is not None:
        try:
            raise exc
        except BaseException:
            record.exc_info = sys.exc_info()
    for key, value in extra.items():
        setattr(record, key, value)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry: dict[str, object] = json.loads(line)
    return entry


def test_a_line_is_one_json_object_with_the_extra_fields() -> None:
    entry = formatted("jobs ran %s", "ok", asked=2, channel="sms")
    assert entry["message"] == "jobs ran ok" and entry["level"] == "warning" and entry["logger"] == "server.test"
    assert entry["asked"] == 2 and entry["channel"] == "sms"


def test_an_exception_is_logged_by_its_type_and_place_never_its_message() -> None:
    error = ValueError("INSERT INTO cases (phone) VALUES ('+447700900123') and the words 'my secret'")
    entry = formatted("retry failed", exc=error)
    line = json.dumps(entry)
    assert entry["error"] == "ValueError" and entry["where"]
    assert "7700900123" not in line and "my secret" not in line


def test_phone_numbers_are_masked_in_every_form() -> None:
    for number in ("+447700900123", "447700900123", "07700900123", "07700 900123", "+44 7700 900123"):
        assert mask(f"from {number} today") == "from [phone] today", number
    assert mask("port 127.0.0.1:50035 took 12.5 ms") == "port 127.0.0.1:50035 took 12.5 ms"
    assert "7700" not in json.dumps(formatted("sent to %s", "+447700900123", to="07700 900123"))
