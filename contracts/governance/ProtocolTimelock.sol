// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * ProtocolTimelock: OpenZeppelin's `TimelockController`, unchanged, compiled with the project so
 * that the deployment can deploy it. It is the only caller of `ProtocolOwner.execute`: every
 * owner change waits out its delay (48 hours in a live network's config), in public.
 */

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

contract ProtocolTimelock is TimelockController {
    /// @param minDelay Seconds a scheduled call waits before it may run.
    /// @param proposers Who may schedule (and cancel) calls: the protocol's governors (a multisig).
    /// @param executors Who may run a call once ready (the zero address: anyone).
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors)
        TimelockController(minDelay, proposers, executors, address(0))
    {}
}
