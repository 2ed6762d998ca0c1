// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The few Forge cheatcodes the Forge suites use, declared here instead of importing forge-std
 * (which npm does not carry in a usable version). Signatures as in Forge's `Vm.sol`; the
 * cheatcode contract lives at the address every Forge version uses.
 */

interface Vm {
    /// @notice A log `getRecordedLogs` returns.
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    /// @notice Sets `block.timestamp`.
    function warp(uint256 newTimestamp) external;

    /// @notice Makes the next call's `msg.sender` `sender`.
    function prank(address sender) external;

    /// @notice Makes every following call's `msg.sender` `sender`, until `stopPrank`.
    function startPrank(address sender) external;

    /// @notice Ends `startPrank`.
    function stopPrank() external;

    /// @notice The next event emitted must equal the one emitted right after this call (every
    ///         topic, the data and the emitter).
    function expectEmit() external;

    /// @notice The next call must revert with exactly `revertData`.
    function expectRevert(bytes calldata revertData) external;

    /// @notice The next call must revert with a custom error whose selector is `revertSelector`.
    function expectRevert(bytes4 revertSelector) external;

    /// @notice Sets `block.chainid`.
    function chainId(uint256 newChainId) external;

    /// @notice Names `account` in traces.
    function label(address account, string calldata newLabel) external;

    /// @notice Records the whole state; `revertToState` returns to it (a dry run of a call).
    function snapshotState() external returns (uint256 snapshotId);

    /// @notice Restores the state recorded by `snapshotState`.
    function revertToState(uint256 snapshotId) external returns (bool success);

    /// @notice The address of private key `privateKey`.
    function addr(uint256 privateKey) external pure returns (address keyAddr);

    /// @notice Records the logs emitted from now on, for `getRecordedLogs`.
    function recordLogs() external;

    /// @notice The logs recorded since `recordLogs` or the last call (which it clears).
    function getRecordedLogs() external returns (Log[] memory logs);

    /// @notice Signs `digest` with `privateKey`.
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
}

/// @dev keccak256("hevm cheat code") as an address.
Vm constant VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
