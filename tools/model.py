"""Train the Rasa model only when the training data changed: models are named by a hash of their inputs."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODELS = ROOT / "models"
INPUTS = ("config.yml", "bot/domain.yml", "bot/rules", "data/nlu")


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
    print("Training the Rasa model (about 1 to 2 minutes)...", flush=True)
    command = [str(RASA), "train", "--config", "config.yml", "--domain", "bot/domain.yml", "--data"]
    command += [str(p) for p in INPUTS[2:]]
    command += ["--out", str(MODELS), "--fixed-model-name", path.name.removesuffix(".tar.gz")]
    result = subprocess.run(command, cwd=ROOT, env=rasa_env(), capture_output=True, text=True)
    if result.returncode != 0 or not path.exists():
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("Training failed: see the output above.")
    print(f"Trained {path.relative_to(ROOT)}")
    return path


if __name__ == "__main__":
    ensure_model()
