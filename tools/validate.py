"""`make validate`: Rasa's own checks of the domain and the NLU data, with every warning an error but one.

The one left out: "The intent '...' is not used in any story or rule." There are no stories or rules: the model
is trained for understanding only, and the dialogue is the server's (dialogue/). Warnings from Rasa's own
libraries (SQLAlchemy's deprecation notice) are not about our data either.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tools.model import RASA, ROOT, rasa_env

NOT_OURS = re.compile(r"is not used in any story or rule|MovedIn20Warning|sqlalche")
A_WARNING = re.compile(r"UserWarning|WARNING|ERROR")


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if A_WARNING.search(line) and not NOT_OURS.search(line)]


def main() -> int:
    command = [str(RASA), "data", "validate", "--config", "config.yml", "--domain", "bot/domain.yml"]
    command += ["--data", "data/nlu"]
    result = subprocess.run(command, cwd=ROOT, env=rasa_env(), capture_output=True, text=True)
    found = problems(result.stdout + result.stderr)
    for line in found:
        print(line.strip())
    if result.returncode != 0 or found:
        print(result.stdout[-3000:] + result.stderr[-3000:])
        print(f"rasa data validate: {len(found)} problems (exit {result.returncode})")
        return 1
    print("rasa data validate: the domain and the NLU data are consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
