// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * TempSpotToken: TEMPORARY stand-in for the exchange branch's TestToken (a WBTC-like ERC-20 with
 * open minting) so the vault can be tested before the exchange lands. Delete it then.
 */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract TempSpotToken is ERC20 {
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}
