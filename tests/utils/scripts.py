"""The scripts as a user runs them, from a test: against the test chain's own node."""

import os
import shutil
import subprocess
from pathlib import Path

from synthvault.config import ROOT


def run_deploy(chain, *args: str, folder: Path | None = None, answers: str | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`ape run deploy` on the test chain's own node (ape-foundry attaches to it, starts nothing),
    writing its manifest or failure record into `folder` (never the user's deployments/), with
    `answers` typed at its prompts (read from stdin: in a session of its own, it has no terminal to
    ask on)."""
    env = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri, **(env or {})}
    if folder is not None:
        env["SYNTHVAULT_DEPLOYMENTS"] = str(folder)
    return subprocess.run([shutil.which("ape"), "run", "deploy", "--network", "ethereum:local:foundry", *args],
                          cwd=ROOT, env=env, input=answers, capture_output=True, text=True, timeout=500,
                          start_new_session=True)
