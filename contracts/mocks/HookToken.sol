// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * HookToken: a test-only ERC-20 with a transfer hook, standing in for a token that calls out on
 * transfer (ERC-777-like, or a malicious token). Once armed, every transfer calls a configured
 * target with configured calldata (once: the hook disarms itself first) and bubbles up its
 * revert, so that tests can show a reentrant call into the vault or the engine is refused.
 */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract HookToken is ERC20 {
    uint8 private immutable _decimals;

    /// @notice The contract the next transfer calls, and with what; zero while disarmed.
    address public hookTarget;
    bytes public hookData;

    /// @notice The hook ran and its call returned.
    event HookCalled(address indexed target, bytes data);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    /// @notice Anyone may mint: a test token on a local chain.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the hook: the next transfer (not a mint or a burn) calls `target` with `data`.
    function arm(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = hookTarget;
        if (target == address(0) || from == address(0) || to == address(0)) return;
        bytes memory data = hookData;
        // Disarmed before the call: the hook fires once, whatever the target does.
        delete hookTarget;
        delete hookData;
        (bool ok, bytes memory returned) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(returned, 32), mload(returned))
            }
        }
        emit HookCalled(target, data);
    }
}
