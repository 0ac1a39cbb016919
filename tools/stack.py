"""Start Rasa and the server as child processes on loopback and wait until both answer.

Used by `make run`, the end-to-end test fixtures and the benchmarks, so all three run the same way.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from server.settings import get_settings
from tools.model import RASA, ROOT, rasa_env

UVICORN = ROOT / ".venv" / "bin" / "uvicorn"
# Rasa is asked only to understand words: it calls nothing back and keeps no conversation.
ENDPOINTS = "bot/endpoints.yml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    server_url: str
    rasa_url: str
    rasa_token: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # What it takes to start Rasa again after stopping it (the durability tests do).
    model: Path | None = None
    rasa_env: dict[str, str] = field(default_factory=dict)
    logs: Path | None = None
    endpoints: str = ENDPOINTS

    @property
    def rasa(self) -> subprocess.Popen[bytes]:
        return self.processes[1]

    def stop_rasa(self) -> None:
        self.rasa.terminate()
        self.rasa.wait(timeout=30)

    def start_rasa_again(self) -> None:
        assert self.model is not None and self.logs is not None
        port = int(self.rasa_url.rsplit(":", 1)[1])
        log = self.logs / "rasa.log"
        self.processes[1] = start_rasa(self.model, port, self.rasa_env, self.rasa_token, log, self.endpoints)
        wait_until_up(f"{self.rasa_url}/status?token={self.rasa_token}", self.rasa, 240, log, ready="model_file")

    def stop(self) -> None:
        stop_all(self.processes)


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """Ask each process to stop (the last started first), and kill any still running 15 s later."""
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path, ready: str = "") -> None:
    """Until `url` answers 200 (with `ready` in its body); RuntimeError if the process stops or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early; see {log}:\n{log.read_text()[-3000:]}")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200 and ready in response.text:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s; see {log}")


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [str(UVICORN), "server.app:app", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    # uvicorn believes X-Forwarded-For from the same proxies the limits do (TRUSTED_PROXIES).
    trusted = env.get("TRUSTED_PROXIES") or os.environ.get("TRUSTED_PROXIES") or get_settings().trusted_proxies
    command += ["--proxy-headers", "--forwarded-allow-ips", trusted]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)


# Rasa answering, not training: TensorFlow runs each step of a parse on one thread (its default is a thread per
# core). A message is a handful of words, too little to share out, and Rasa shares the cores with the server and
# the database; a parse alone was faster so here (README, "Running at scale"). The environment may still set them.
ANSWERING = {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}


def start_rasa(
    model: Path, port: int, env: dict[str, str], token: str, log: Path, endpoints: str = ENDPOINTS
) -> subprocess.Popen[bytes]:
    command = [str(RASA), "run", "--model", str(model), "--endpoints", endpoints]
    command += ["--credentials", "bot/credentials.yml", "-i", "127.0.0.1", "-p", str(port)]
    command += ["--enable-api", "--auth-token", token]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env={**ANSWERING, **rasa_env(), **env}, stdout=out, stderr=subprocess.STDOUT
        )


@dataclass(frozen=True)
class Rasa:
    """A Rasa that answers, started on its own (`start_rasa_alone`): servers started with it share it."""

    url: str
    token: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        stop_all([self.process])


def start_rasa_alone(model: Path, logs: Path) -> Rasa:
    """Rasa alone, up and answering: loading the model takes 10 to 40 s, so tests that never stop Rasa share one."""
    logs.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), os.urandom(16).hex()
    url = f"http://127.0.0.1:{port}"
    process = start_rasa(model, port, {"RASA_URL": url, "RASA_TOKEN": token}, token, logs / "rasa.log")
    try:
        wait_until_up(f"{url}/status?token={token}", process, 240, logs / "rasa.log", ready="model_file")
    except BaseException:
        Rasa(url, token, process).stop()
        raise
    return Rasa(url, token, process)


def start(
    model: Path,
    env: dict[str, str],
    logs: Path,
    server_port: int | None = None,
    rasa_port: int | None = None,
    endpoints: str = ENDPOINTS,
    rasa_settings: dict[str, str] | None = None,
    rasa: Rasa | None = None,
) -> Stack:
    """Both processes; the server is given Rasa's address and token. `env` holds the server's settings
    (DATABASE_URL, ...), `rasa_settings` anything more Rasa's environment needs. With `rasa`, the server uses that
    one, which stays up when the stack stops."""
    server_port = server_port or free_port()
    rasa_port = rasa_port or free_port()
    logs.mkdir(parents=True, exist_ok=True)
    rasa_token = rasa.token if rasa else os.urandom(16).hex()
    server_url = f"http://127.0.0.1:{server_port}"
    rasa_url = rasa.url if rasa else f"http://127.0.0.1:{rasa_port}"
    shared = {"SERVER_URL": server_url, "RASA_URL": rasa_url, "RASA_TOKEN": rasa_token}
    env = {"PUBLIC_BASE_URL": server_url, **env}
    for_rasa = {**(rasa_settings or {}), **shared}
    stack = Stack(server_url, rasa_url, rasa_token, model=model, rasa_env=for_rasa, logs=logs, endpoints=endpoints)
    try:
        server = start_server(server_port, {**env, **shared}, logs / "server.log")
        stack.processes.append(server)
        if rasa is None:
            own = start_rasa(model, rasa_port, for_rasa, rasa_token, logs / "rasa.log", endpoints)
            stack.processes.append(own)
        wait_until_up(f"{server_url}/healthz", server, 60, logs / "server.log")
        if rasa is None:
            wait_until_up(f"{rasa_url}/status?token={rasa_token}", own, 240, logs / "rasa.log", ready="model_file")
    except BaseException:
        stack.stop()
        raise
    return stack
