// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SyntheticToken: one ERC-20 per synthetic asset (sUSD, sXAU, sETH, ...). It holds no logic of its
 * own: the vault mints it against collateral and burns it on repayment, and nobody else can.
 */

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";

contract SyntheticToken is ISyntheticToken, ERC20Permit, AccessControl {
    /// @inheritdoc ISyntheticToken
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @inheritdoc ISyntheticToken
    bytes32 public constant BURNER_ROLE = keccak256("BURNER_ROLE");

    /// @inheritdoc ISyntheticToken
    bytes32 public immutable asset;

    /// @param name_ E.g. "Synthvault Gold"; also the ERC-2612 domain name.
    /// @param symbol_ E.g. "sXAU".
    /// @param asset_ The `OracleHub` asset id the synth tracks, e.g. `bytes32("XAU")`.
    /// @param admin Holds `DEFAULT_ADMIN_ROLE`: grants the minter and burner roles.
    constructor(string memory name_, string memory symbol_, bytes32 asset_, address admin)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
    {
        if (admin == address(0)) revert SyntheticTokenZeroAddress();
        asset = asset_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /* SUPPLY */

    /// @inheritdoc ISyntheticToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @inheritdoc ISyntheticToken
    function burn(address from, uint256 amount) external onlyRole(BURNER_ROLE) {
        _burn(from, amount);
    }

    /* PERMIT */

    /// @inheritdoc IERC20Permit
    /// @dev `ISyntheticToken` and `ERC20Permit` both declare it; the implementation is OpenZeppelin's.
    function nonces(address owner) public view override(ERC20Permit, IERC20Permit) returns (uint256) {
        return super.nonces(owner);
    }
}
