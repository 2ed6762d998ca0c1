"""Forge (used for invariant fuzzing and coverage) compiles the same sources with the same
compiler as Ape, offline: the interfaces and OpenZeppelin resolve, and no solc is fetched.

The sources are Ape's, `contracts/` and `interfaces/` (with what they import); the Forge suites of
`test-forge/`, two thirds of a whole build's time, are compiled by `make invariants` and
`make coverage`, which fail if they do not."""

import shutil
import subprocess

from synthvault.config import ROOT


def test_forge_build__project_sources__compile_offline_with_project_solc(tmp_path):
    forge = shutil.which("forge")
    assert forge, "forge is on PATH when run through make"
    result = subprocess.run(
        [forge, "build", "--root", str(ROOT), str(ROOT / "contracts"), str(ROOT / "interfaces"),
         "--out", str(tmp_path / "out"), "--cache-path", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Compiler run successful" in result.stdout
    assert (tmp_path / "out" / "OracleHub.sol" / "OracleHub.json").is_file()
    assert (tmp_path / "out" / "IVault.sol" / "IVault.json").is_file()  # the interfaces too
