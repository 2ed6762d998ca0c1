// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * TestToken: a plain OpenZeppelin ERC-20 with a faucet, standing in for USDC (margin) and WBTC
 * (spot) on local chains. The faucet is open to anyone on a local chain and to the owner elsewhere.
 */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {ITestToken} from "../../interfaces/mocks/ITestToken.sol";

contract TestToken is ITestToken, ERC20, Ownable2Step {
    /// @dev Anvil's and Hardhat's chain id: the only chain where minting is open.
    uint256 private constant LOCAL_CHAIN_ID = 31337;

    uint8 private immutable _decimals;

    /// @param name_ E.g. "USD Coin (test)".
    /// @param symbol_ E.g. "USDC".
    /// @param decimals_ The token's decimals: 6 for the USDC-like token, 8 for the WBTC-like one.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        ERC20(name_, symbol_)
        Ownable(owner_)
    {
        _decimals = decimals_;
    }

    /// @inheritdoc ITestToken
    function mint(address to, uint256 amount) external {
        if (block.chainid != LOCAL_CHAIN_ID && msg.sender != owner()) {
            revert TestTokenMintNotAllowed(msg.sender, block.chainid);
        }
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public view override(ERC20, IERC20Metadata) returns (uint8) {
        return _decimals;
    }
}
