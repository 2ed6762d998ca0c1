// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SyntheticToken's ERC-2612 permit: a signed approval uses the owner's nonce once.
 */

import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

contract SyntheticTokenPermitTest is Assertions {
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    uint256 internal constant OWNER_KEY = 0xA11CE;
    address internal constant SPENDER = address(0x5BE1D);

    function test_permit__signed__approvesAndUsesNonce() public {
        SyntheticToken token = new SyntheticToken("Synthvault USD", "sUSD", "USD", address(this));
        address owner = VM.addr(OWNER_KEY);
        assertEq(token.nonces(owner), 0, "fresh nonce");

        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(OWNER_KEY, _digest(token, owner, 0, deadline));
        token.permit(owner, SPENDER, 5e18, deadline, v, r, s);
        assertEq(token.allowance(owner, SPENDER), 5e18, "approved");
        assertEq(token.nonces(owner), 1, "nonce used");

        // The same signature again: its nonce is spent, so it recovers another signer.
        address recovered = ecrecover(_digest(token, owner, 1, deadline), v, r, s);
        VM.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, owner));
        token.permit(owner, SPENDER, 5e18, deadline, v, r, s);
    }

    function _digest(SyntheticToken token, address owner, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        return keccak256(
            abi.encodePacked(
                "\x19\x01",
                token.DOMAIN_SEPARATOR(),
                keccak256(abi.encode(PERMIT_TYPEHASH, owner, SPENDER, 5e18, nonce, deadline))
            )
        );
    }
}
