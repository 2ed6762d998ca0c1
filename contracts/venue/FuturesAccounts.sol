// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * FuturesAccounts: the ERC-721 registry of the exchange's margin accounts, deployed by the
 * exchange, which alone mints. Owning (or being approved for) a token is controlling the account;
 * the exchange asks `isController` before every action that needs control.
 */

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

import {IFuturesAccounts} from "../../interfaces/venue/IFuturesAccounts.sol";

contract FuturesAccounts is IFuturesAccounts, ERC721 {
    /// @inheritdoc IFuturesAccounts
    address public immutable exchange;

    /// @dev The deployer is the exchange (its constructor creates the registry).
    constructor() ERC721("Synthvault Futures Account", "svFA") {
        exchange = msg.sender;
    }

    /// @inheritdoc IFuturesAccounts
    function mint(address to, uint256 accountId) external {
        if (msg.sender != exchange) revert FuturesAccountsNotExchange(msg.sender);
        _safeMint(to, accountId);
    }

    /// @inheritdoc IFuturesAccounts
    function isController(uint256 accountId, address caller) external view returns (bool exists, bool authorized) {
        address owner_ = _ownerOf(accountId);
        exists = owner_ != address(0);
        authorized = exists && _isAuthorized(owner_, caller, accountId);
    }
}
