"""The server's one secret key: signs sessions and calendar links, and keys the hashes of who tried a code and the
pages' CSRF tokens.

SECRET_KEY when set (several servers must share one); otherwise a random key made once in var/secret_key,
like the SQLite database, so links and sessions survive restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from server.settings import ROOT, get_settings

SECRET_FILE = ROOT / "var" / "secret_key"
CHECKPOINT_KEY_FILE = ROOT / "var" / "audit_checkpoint_key"


def secret_key() -> bytes:
    configured = get_settings().secret_key
    if configured:
        return configured.encode()
    return _file_secret(SECRET_FILE)


def checkpoint_key() -> bytes:
    """Signs the audit checkpoints: never in the database, so rewriting the database cannot re-sign them."""
    configured = get_settings().audit_checkpoint_key
    if configured:
        return configured.encode()
    return _file_secret(CHECKPOINT_KEY_FILE)


def keyed_hash(purpose: str, value: str) -> str:
    """A hash nobody can reverse (by trying every phone number) or forge (a page's CSRF token) without the key;
    `purpose` keeps one use's hash from passing for another's."""
    return hmac.new(secret_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _file_secret(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(32))
    return path.read_bytes().strip()
