"""The scripts as a user runs them, from a test: against the test chain's own node."""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from synthvault.config import ROOT
from tests.utils.terminal import MAKE_VARIABLES


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


def run_make(
    chain, target: str, *variables: str, folder: Path, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """`make TARGET` as a user runs it, on the test chain's node (`NODE_PORT`), with the manifests
    of `folder`; without the variables of the `make test` that runs the test."""
    env = {key: value for key, value in os.environ.items() if key not in MAKE_VARIABLES}
    env["SYNTHVAULT_DEPLOYMENTS"] = str(folder)
    port = urlparse(chain.provider.uri).port
    return subprocess.run(["make", "--no-print-directory", target, f"NODE_PORT={port}", *variables], cwd=ROOT,
                          env=env, input=stdin, capture_output=True, text=True, timeout=300, start_new_session=True)
