"""Train the Rasa model only when the training data changed: models are named by a hash of their inputs.

The model understands typed words only (`rasa train nlu`): there are no stories or rules, since the dialogue is
the server's. Training shows its progress, a line for each tenth of the epochs, with the time it took.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODELS = ROOT / "models"
INPUTS = ("config.yml", "bot/domain.yml", "data/nlu")
# tqdm's bar for the classifier's epochs: "Epochs:  40%|####      | 40/100".
EPOCH = re.compile(r"Epochs:\s+(\d+)%")


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("RASA_CACHE_DIRECTORY", str(ROOT / ".rasa" / "cache"))
    # TensorFlow's start-up chatter says nothing a developer can act on.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def training_files() -> list[Path]:
    files: list[Path] = []
    for name in INPUTS:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.yml")) if path.is_dir() else [path])
    return files


def data_hash() -> str:
    digest = hashlib.sha256()
    for path in training_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODELS / f"{data_hash()}.tar.gz"


def ensure_model(quiet: bool = False) -> Path:
    """The model for the current data, training it first if there is none."""
    path = model_path()
    if path.exists():
        if not quiet:
            print(f"Model is up to date: {path.relative_to(ROOT)}")
        return path
    print("Training the Rasa model (about 1 to 3 minutes; a line per tenth of the epochs)...", flush=True)
    command = [str(RASA), "train", "nlu", "--config", "config.yml", "--domain", "bot/domain.yml", "--nlu", "data/nlu"]
    command += ["--out", str(MODELS), "--fixed-model-name", path.name.removesuffix(".tar.gz")]
    started = time.monotonic()
    output: list[str] = []
    with subprocess.Popen(
        command, cwd=ROOT, env=rasa_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        shown = -10
        # tqdm redraws its bar with carriage returns: read it in pieces, not lines.
        for piece in _pieces(process.stdout):
            output.append(piece)
            found = EPOCH.search(piece)
            if found and int(found.group(1)) >= shown + 10:
                shown = int(found.group(1)) // 10 * 10
                print(f"  training: {shown:3d}% of the epochs, {time.monotonic() - started:5.0f} s", flush=True)
    if process.returncode != 0 or not path.exists():
        sys.stderr.write("".join(output)[-6000:])
        raise SystemExit("Training failed: see the output above.")
    print(f"Trained {path.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    return path


def _pieces(stream: IO[str]) -> Iterator[str]:
    """The stream split at newlines and carriage returns, as it comes."""
    buffer = ""
    while chunk := stream.read(256):
        buffer += chunk
        *done, buffer = re.split(r"[\r\n]", buffer)
        yield from (line for line in done if line)
    if buffer:
        yield buffer


if __name__ == "__main__":
    ensure_model()
