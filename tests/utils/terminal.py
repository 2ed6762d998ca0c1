"""A command run as a user runs it at a terminal: on a pseudo-terminal of its own, whose session it
leads, so that Ctrl-C is what a terminal makes of it (the line discipline turns the byte into SIGINT
for the terminal's foreground process group, whichever that is), not a signal a test picks a
target for."""

import contextlib
import fcntl
import os
import select
import signal
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

# What `make test` exports to its children; a make started inside must not take them for its own.
MAKE_VARIABLES = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")


def _lead_a_session_on_the_terminal() -> None:
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """The running command and what it has printed (`text`, with the terminal's \\r\\n made \\n)."""

    def __init__(self, process: subprocess.Popen, master: int):
        self.process = process
        self.master = master
        self._output = bytearray()

    @property
    def text(self) -> str:
        return self._output.decode(errors="replace").replace("\r\n", "\n")

    def _read(self, seconds: float) -> None:
        ready, _, _ = select.select([self.master], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):  # EIO: every process on the terminal has gone
                self._output += os.read(self.master, 65536)

    def read_until(self, text: str, timeout_s: float) -> str:
        """What was printed once `text` appears; fails with all of it after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while text not in self.text:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self._read(0.2)
                assert text in self.text, f"{text!r} never printed:\n{self.text}"
            self._read(0.2)
        return self.text

    def ctrl_c(self) -> None:
        os.write(self.master, b"\x03")

    def wait(self, timeout_s: float) -> int:
        """The command's exit status (negative: the signal that killed it), reading what it prints meanwhile."""
        deadline = time.monotonic() + timeout_s
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        self._read(0.2)
        return self.process.wait(timeout=1)


@contextlib.contextmanager
def terminal(args: list[str], cwd: Path, env: dict[str, str]) -> Iterator[Terminal]:
    """Runs `args` on a new pseudo-terminal; whatever still runs on it afterwards is stopped."""
    master, slave = os.openpty()
    env = {key: value for key, value in env.items() if key not in MAKE_VARIABLES}
    process = subprocess.Popen(args, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave,
                               preexec_fn=_lead_a_session_on_the_terminal)  # noqa: PLW1509 - no threads here yet
    os.close(slave)
    session = Terminal(process, master)
    try:
        yield session
    finally:
        for group in {process.pid, _foreground_group(master)} - {None, 0, os.getpgrp()}:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        os.close(master)


def _foreground_group(master: int) -> int | None:
    try:
        return os.tcgetpgrp(master)
    except OSError:
        return None
