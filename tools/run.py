"""`make run`: migrate the database, train if needed, seed demo data, start Rasa and the server, say where to go."""

from __future__ import annotations

import os
import secrets
import signal
import sys
import time

from server.channels.signature import webhook_mode
from server.domain.db import upgrade
from server.settings import get_settings
from tools import demo, stack
from tools.model import ROOT, ensure_model


def _stop_on_term(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # A service manager (or `kill`) stops us with SIGTERM: stop Rasa and the server with us.
    signal.signal(signal.SIGTERM, _stop_on_term)
    env: dict[str, str] = {}
    admin = os.environ.get("ADMIN_TOKEN") or secrets.token_urlsafe(24)
    env["ADMIN_TOKEN"] = admin
    os.environ["ADMIN_TOKEN"] = admin
    # Without a Twilio account the demo's webhooks would refuse everything; on this machine, let them take
    # unsigned posts (curl, the benchmark) unless the operator said otherwise. Said loudly below.
    if not os.environ.get("TWILIO_AUTH_TOKEN") and "TWILIO_WEBHOOKS_UNSIGNED" not in os.environ:
        env["TWILIO_WEBHOOKS_UNSIGNED"] = "true"
        os.environ["TWILIO_WEBHOOKS_UNSIGNED"] = "true"
    # Set by us or by the operator: either way it is said on the screen, not only in the server's log.
    unsigned = webhook_mode() == "unsigned"
    upgrade(get_settings().database_url)
    model = ensure_model()
    seeded = demo.seed()
    server_port = int(os.environ.get("PORT", "8000"))
    rasa_port = int(os.environ.get("RASA_PORT", "5005"))
    print("Starting Rasa and the server (Rasa takes about 30 seconds)...", flush=True)
    running = stack.start(model, env, ROOT / "var" / "logs", server_port=server_port, rasa_port=rasa_port)
    base = running.server_url
    print(
        "\nReady.\n"
        f"  Chat:               {base}/\n"
        f"  Demo invitation:    {base}/start/{seeded.invite_token}   (or type the code {seeded.invite_code})\n"
        f"  Staff API:          {base}/api/cases   (see {base}/docs)\n"
        f"  Demo staff token:   {seeded.staff_token}\n"
        f"  Staff pages:        {base}/sign-in   council staff {demo.DEMO_STAFF_EMAIL}, "
        f"the team {demo.DEMO_TEAM_EMAIL}, password {seeded.password}\n"
        f"  Admin token:        {admin}\n"
        f"  Try: curl -H 'Authorization: Bearer {seeded.staff_token}' {base}/api/cases/{seeded.case_id}\n"
        "  Logs in var/logs/. Press Ctrl+C to stop.\n",
        flush=True,
    )
    if unsigned:
        print(
            "  WARNING: the Twilio webhooks (/twilio/sms, /twilio/voice, /twilio/status) accept unsigned requests\n"
            "  (TWILIO_WEBHOOKS_UNSIGNED=true): anything that reaches the server can text or call as anyone.\n"
            "  For this demo only. In production set TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL, never this.\n",
            flush=True,
        )
    try:
        while all(p.poll() is None for p in running.processes):
            time.sleep(1)
        print("A process stopped; see var/logs/.", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nStopping...")
    finally:
        running.stop()


if __name__ == "__main__":
    main()
