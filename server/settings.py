"""Typed settings, read from the environment once. The only configuration module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = f"sqlite:///{ROOT / 'var' / 'casetracking.db'}"
    public_base_url: str = "http://127.0.0.1:8000"
    # Signs the people's calendar links (/meeting/<token>.ics). Unset: a random key made once in var/secret_key.
    # Set it when several servers share the database, so each accepts the others' links.
    secret_key: str | None = None
    # A primary case with no answer this many days after its invitation gets a reserve proposed.
    reserve_after_days: int = 7
    # Each case is due this many days before its council's fieldwork starts (so it can still be used) ...
    case_due_days_before_fieldwork: int = 5
    # ... and is at risk when its due-by date is this close and no meeting is booked.
    at_risk_days: int = 7
    # Who the notice about cases that became at risk is addressed to (it goes to the outbox).
    team_email: str = "assessment-team@example.org"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    # Twilio's webhooks (/twilio/sms, /twilio/voice, /twilio/status) need a signature made with TWILIO_AUTH_TOKEN.
    # Without a token they refuse everything (403), unless this is set: then anyone can post to them, so it is
    # for a demo or a benchmark on one machine only, never production. The server warns at start-up.
    twilio_webhooks_unsigned: bool = False
    twilio_from_number: str | None = None
    # Only for tests: where the twilio library sends REST calls (a local fake of Twilio's API).
    twilio_api_base_url: str | None = None
    admin_token: str | None = None
    # How long a sign-in to the staff and team pages lasts before signing in again.
    session_hours: int = 8
    rasa_url: str = "http://127.0.0.1:5005"
    # Rasa's --auth-token: the server asks Rasa's token-protected /model/parse only.
    rasa_token: str | None = None
    rasa_timeout_seconds: float = 10.0
    # Rasa slower than this: the person gets "We got your message" at once, and the answer when it comes.
    holding_reply_after_seconds: float = 4.0
    # How often messages left unanswered while Rasa was down are tried again.
    retry_interval_seconds: float = 5.0
    # Who decides why and how the person's information is used: named in the consent record download.
    controller_name: str = "Care Quality Commission"
    # Signed checkpoints of the audit chain's head (count, newest hash, time), appended to a file outside the
    # database at least this often by the scheduled jobs and at every `make audit-verify`, so deleting the newest
    # events or rewriting the chain shows. The key signs them (HMAC-SHA256); unset: a random key made once in
    # var/audit_checkpoint_key. Keep the key and the file where whoever can write the database cannot.
    audit_checkpoint_key: str | None = None
    audit_checkpoint_minutes: int = 60
    audit_checkpoint_path: Path = ROOT / "var" / "audit-checkpoints.jsonl"
    # Personal data of a council's cases is purged (`make purge`) this many days after its assessment closed.
    retention_days: int = 90
    # A "yes" or "no" to the consent question below this NLU confidence is asked again, never recorded.
    consent_min_confidence: float = 0.8
    # Wrong typed invitation codes in any hour (server/domain/invite_codes.py). Per address or phone number: over
    # it the address is slowed (a growing wait between tries), never locked, as a care home, a day centre or a
    # library shares one address. Per conversation: over it that one chat (or number) gets no more tries this
    # hour. Over all conversations: over CODE_ATTEMPTS_OVERALL_PER_HOUR everyone is slowed and staff are told;
    # over CODE_ATTEMPTS_BEFORE_PERSON codes are not checked and people are told how to reach a person. The
    # invitation link is never counted or refused, and neither is a text or call from a case's own number.
    # Counted in the database, shared by every server on it, or in Redis when REDIS_URL is set.
    code_attempts_per_hour: int = 30
    code_attempts_before_person: int = 1000
    # The first wait between tries when codes are slowed; it doubles as the count grows (at most 5 minutes).
    code_wait_seconds: int = 10
    # Working days after a yes within which the team gets in touch ("by Friday 13 March").
    contact_within_days: int = 10
    # Told to people who ask "is this real?", beside their council's number; and how long a talk usually takes.
    helpline_number: str = "03000 616161"
    talk_minutes: int = 60
    code_attempts_per_conversation: int = 5
    code_attempts_overall_per_hour: int = 200
    # An invitation code works for at most this many days after its case was made, and never after the
    # council's assessment closed.
    invite_code_days: int = 60
    # Messages one sender may send in any RATE_LIMIT_WINDOW_SECONDS (more get 429 and an easy-read "please
    # wait"): per phone number (texts and calls), per web chat (nobody types one a second for a minute), and
    # per address (a care home or an office may share one, and the load test sends every chat from one).
    # Counted per server (the `limits` package's moving window), or in Redis when REDIS_URL is set.
    rate_limit_window_seconds: int = 60
    messages_per_number: int = 60
    messages_per_chat: int = 60
    messages_per_address: int = 3000
    redis_url: str | None = None
    # The proxies and load balancers in front of the server, whose X-Forwarded-For is believed: addresses or
    # networks, comma separated ("10.0.0.0/8,192.168.1.5"), or "*" for any (only when nothing else can reach the
    # server). Every limit counts the person's own address, the nearest one in X-Forwarded-For that is not one of
    # these; `make run` passes the same list to uvicorn as its forwarded-allow-ips. Behind a load balancer not
    # listed here, everyone would be the load balancer's one address.
    trusted_proxies: str = "127.0.0.1"
    # A request body over this many bytes gets 413 before it is read (a text is at most 1,600 characters).
    max_body_bytes: int = 65536
    default_language: str = "en"
    # How often the server runs scheduled work (re-confirmation before meetings); 0 turns it off.
    jobs_interval_seconds: int = 300
    # Phone and "Listen" audio: espeak-ng's voice (English, Great Britain) and a slow, clear speed in words per
    # minute. Each prompt is rendered once into audio_cache_dir, named by a hash of its text, voice and rate.
    voice_name: str = "gmw/en"
    voice_rate: int = 140
    audio_cache_dir: Path = ROOT / "var" / "audio"
    # Rendering that takes longer falls back to Twilio's own <Say>: the whole answer must stay inside 15 s.
    audio_render_timeout_seconds: float = 5.0
    # Prompts not used for this many days are deleted (read-backs can repeat what a person said).
    audio_keep_days: int = 30
    # Only for the fault tests (tests/e2e/test_faults.py): a turn waits this long just before its unit of work
    # commits, or just after it committed and before the reply goes, so a test can kill the server right there.
    fault_pause_before_commit_seconds: float = 0.0
    fault_pause_after_commit_seconds: float = 0.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
