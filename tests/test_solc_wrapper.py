"""The compiler wrapper `tools/solc/solc.js` (solc-js behind the native solc command line),
tested as py-solc-x, ape-solidity and forge run it: the executable registered as
`.solcx/solc-v0.8.28`."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import solcx
from packaging.version import Version


def repo_root() -> Path:
    """The folder holding ape-config.yaml, above this file."""
    return next(p for p in Path(__file__).resolve().parents if (p / "ape-config.yaml").is_file())


SOLCX_FOLDER = repo_root() / ".solcx"
SOLC = SOLCX_FOLDER / "solc-v0.8.28"
TIMEOUT_S = 60
USAGE = "usage: solc --version | solc --standard-json [--base-path DIR] [--include-path DIR]... [--allow-paths A,B]"

LIB_SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

library Lib {
    function two() internal pure returns (uint256) {
        return 2;
    }
}
"""
MAIN_SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
{import_line}
contract Main {{
    function answer() external pure returns (uint256) {{
        return {expression};
    }}
}}
"""
SELF_CONTAINED = MAIN_SOURCE.format(import_line="", expression="42")
IMPORTING_LIB = MAIN_SOURCE.format(import_line='import {Lib} from "lib/Lib.sol";', expression="Lib.two()")
MAIN_ABI = [
    {
        "inputs": [],
        "name": "answer",
        "outputs": [{"internalType": "uint256", "name": "", "type": "uint256"}],
        "stateMutability": "pure",
        "type": "function",
    }
]


def run_solc(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SOLC), *args], input=stdin, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=cwd
    )


def standard_json(sources: dict[str, Any]) -> dict[str, Any]:
    return {
        "language": "Solidity",
        "sources": sources,
        "settings": {"outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}}},
    }


def compile_json(sources: dict[str, Any], *args: str, cwd: Path) -> dict[str, Any]:
    """Compiles standard-JSON `sources` through the wrapper, run from `cwd`; it must exit 0."""
    result = run_solc("--standard-json", *args, stdin=json.dumps(standard_json(sources)), cwd=cwd)
    assert (result.returncode, result.stderr) == (0, "")
    return json.loads(result.stdout)


def assert_compiled_main(output: dict[str, Any], source_ids: set[str]) -> None:
    """`Main` compiled without any error or warning, from exactly `source_ids`."""
    assert output.get("errors", []) == []
    assert set(output["sources"]) == source_ids
    main = output["contracts"]["Main.sol"]["Main"]
    assert main["abi"] == MAIN_ABI
    bytecode = main["evm"]["bytecode"]["object"]
    assert len(bytecode) > 0 and bytes.fromhex(bytecode)


@pytest.fixture
def roots(tmp_path) -> dict[str, Path]:
    """An empty base path, an include path holding lib/Lib.sol, and an empty folder to run in
    (so that nothing resolves against the working directory)."""
    folders = {name: tmp_path / name for name in ("base", "include", "cwd")}
    for folder in folders.values():
        folder.mkdir()
    (folders["include"] / "lib").mkdir()
    (folders["include"] / "lib" / "Lib.sol").write_text(LIB_SOURCE)
    return folders


def test_version__flag__prints_native_version():
    result = run_solc("--version")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "solc, the solidity compiler commandline interface",
        "Version: 0.8.28+commit.7893614a.Linux.g++",
    ]


def test_standard_json__source_on_stdin__compiles(tmp_path):
    output = compile_json({"Main.sol": {"content": SELF_CONTAINED}}, cwd=tmp_path)
    assert_compiled_main(output, {"Main.sol"})


def test_standard_json__import_under_base_path__resolved(roots):
    output = compile_json(
        {"Main.sol": {"content": IMPORTING_LIB}}, "--base-path", str(roots["include"]), cwd=roots["cwd"]
    )
    assert_compiled_main(output, {"Main.sol", "lib/Lib.sol"})


@pytest.mark.parametrize("inline", [False, True], ids=["separate_value", "equals_value"])
def test_standard_json__import_under_include_path__resolved(roots, inline):
    include = str(roots["include"])
    flag = [f"--include-path={include}"] if inline else ["--include-path", include]
    output = compile_json(
        {"Main.sol": {"content": IMPORTING_LIB}}, "--base-path", str(roots["base"]), *flag, cwd=roots["cwd"]
    )
    assert_compiled_main(output, {"Main.sol", "lib/Lib.sol"})


def test_standard_json__import_missing__reports_error_in_json(roots):
    # The library exists under the include path, which is not given: the import must fail.
    output = compile_json(
        {"Main.sol": {"content": IMPORTING_LIB}}, "--base-path", str(roots["base"]), cwd=roots["cwd"]
    )
    [error] = output["errors"]
    assert (error["severity"], error["type"], error["sourceLocation"]["file"]) == ("error", "ParserError", "Main.sol")
    assert error["message"].startswith('Source "lib/Lib.sol" not found: File not found: lib/Lib.sol')
    assert "contracts" not in output


@pytest.mark.parametrize("relative", [False, True], ids=["absolute_url", "url_under_base_path"])
def test_standard_json__urls_source__read_from_file(roots, relative):
    (roots["base"] / "Main.sol").write_text(SELF_CONTAINED)
    url = "Main.sol" if relative else str(roots["base"] / "Main.sol")
    output = compile_json({"Main.sol": {"urls": [url]}}, "--base-path", str(roots["base"]), cwd=roots["cwd"])
    assert_compiled_main(output, {"Main.sol"})


def test_standard_json__malformed_input__reports_error_in_json(tmp_path):
    result = run_solc("--standard-json", stdin="not json", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    [error] = json.loads(result.stdout)["errors"]
    assert (error["severity"], error["type"]) == ("error", "JSONError")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--bogus"], "unsupported option --bogus"),
        (["--standard-json", "--optimize"], "unsupported option --optimize"),
        (["--standard-json", "--base-path"], "--base-path needs a value"),
        ([], USAGE),
    ],
    ids=["unknown_option", "native_option_not_supported", "missing_value", "no_mode"],
)
def test_cli__unsupported_arguments__exits_non_zero(tmp_path, args, message):
    result = run_solc(*args, stdin="{}", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == message
    assert result.stderr.splitlines()[-1] == USAGE


def test_py_solc_x__binary_path_as_makefile_sets_it__finds_0_8_28(monkeypatch):
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(SOLCX_FOLDER))
    assert Version("0.8.28") in solcx.get_installed_solc_versions()
    assert solcx.install.get_executable("0.8.28") == SOLC
    assert solcx.wrapper.get_solc_version(SOLC, with_commit_hash=True) == Version("0.8.28+commit.7893614a")


def test_py_solc_x__compile_standard__compiles_through_wrapper(monkeypatch, roots):
    # As ape-solidity calls it: a version, a base path and allowed paths.
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(SOLCX_FOLDER))
    output = solcx.compile_standard(
        standard_json({"Main.sol": {"content": IMPORTING_LIB}}),
        base_path=roots["include"],
        allow_paths=[roots["include"]],
        solc_version="0.8.28",
    )
    assert_compiled_main(output, {"Main.sol", "lib/Lib.sol"})
