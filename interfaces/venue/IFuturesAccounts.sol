// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @title IFuturesAccounts
/// @notice The registry of `FuturesExchange` margin accounts: one ERC-721 token per account
///         ("Synthvault Futures Account", "svFA"), token id = account id. Whoever owns a token, or
///         is approved for it (`approve`, `setApprovalForAll`), controls the account on the
///         exchange: trades, withdraws, settles before a settlement price exists. Transfers,
///         approvals and `ownerOf` are this contract's standard ERC-721; the margin and positions
///         stay on the exchange, under the same id.
/// @dev The exchange deploys this registry in its constructor (`IFuturesExchange.accounts`), so
///      its address is fixed and only that exchange can mint. Accounts are numbered from 1 up by
///      the exchange and never burned: an id exists exactly when the exchange has opened it.
interface IFuturesAccounts is IERC721 {
    /// @notice Only the exchange that deployed the registry may mint; `caller` is not it.
    error FuturesAccountsNotExchange(address caller);

    /// @notice The exchange whose accounts these tokens are: the registry's deployer, the only minter.
    function exchange() external view returns (address);

    /// @notice Mints account token `accountId` to `to`, calling `onERC721Received` when `to`
    ///         is a contract (OpenZeppelin's `_safeMint`). Only the exchange (`openAccount`).
    function mint(address to, uint256 accountId) external;

    /// @notice What the exchange's controller check needs, in one call: whether account
    ///         `accountId` exists, and whether `caller` controls it (owns it, or is approved for it
    ///         or for all of its owner's tokens). `authorized` is false for an unknown account.
    function isController(uint256 accountId, address caller) external view returns (bool exists, bool authorized);
}
