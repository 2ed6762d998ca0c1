// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IInsuranceFund
/// @notice Holds the stablecoin that liquidation penalties (and anyone who wants to) bring in,
///         and pays liquidation shortfalls, to the liquidation engine only. Its balance is the
///         stablecoin it holds; every inflow and every draw is an event.
/// @dev Amounts are in the stablecoin's own decimals (6 for the USDC-like token): the fund only
///      moves tokens and does no pricing.
interface IInsuranceFund {
    /* EVENTS */

    /// @notice `from` added `amount` to the fund.
    event Deposited(address indexed from, uint256 amount, uint256 balanceAfter);

    /// @notice The engine noted `amount` of penalty income for position `positionId` (already transferred).
    event PenaltyReceived(uint256 indexed positionId, uint256 amount, uint256 balanceAfter);

    /// @notice The fund paid `paid` of a `requested` shortfall of position `positionId` to `to`
    ///         (of the repaid value, or of the keeper's least bonus: `ILiquidationEngine`).
    event ShortfallPaid(
        uint256 indexed positionId, address indexed to, uint256 requested, uint256 paid, uint256 balanceAfter
    );

    /// @notice The liquidation engine allowed to draw on the fund changed.
    event EngineSet(address indexed engine);

    /* ERRORS */

    /// @notice Only the liquidation engine may call this; `caller` is not it.
    error InsuranceFundOnlyEngine(address caller);

    /// @notice The zero address was given.
    error InsuranceFundZeroAddress();

    /// @notice The amount must be positive.
    error InsuranceFundZeroAmount();

    /// @notice The call would change nothing.
    error InsuranceFundAlreadySet(address engine);

    /// @notice `positionIds` and `amounts` must be as long as each other.
    error InsuranceFundLengthMismatch(uint256 positionIds, uint256 amounts);

    /* FUNCTIONS */

    /// @notice The stablecoin the fund holds and pays out.
    function asset() external view returns (IERC20);

    /// @notice The only address that may draw on the fund.
    function engine() external view returns (address);

    /// @notice The fund's reserves: the stablecoin it holds, in the token's decimals. (Not named
    ///         `balance`, which tools such as Ape reserve for an address's ether balance.)
    function reserves() external view returns (uint256);

    /// @notice Pulls `amount` of the stablecoin from the caller into the fund.
    function deposit(uint256 amount) external;

    /// @notice Records `amount` of penalty income for `positionId`, which the engine has already
    ///         transferred to the fund. Engine only; emits `PenaltyReceived`.
    function notifyPenalty(uint256 positionId, uint256 amount) external;

    /// @notice Records the penalty income of several liquidations at once (`amounts[i]` for
    ///         `positionIds[i]`), which the engine has already transferred in one go. Engine only;
    ///         emits `PenaltyReceived` for each, with the balance as it stood after that one.
    function notifyPenalties(uint256[] calldata positionIds, uint256[] calldata amounts) external;

    /// @notice Pays up to `requested` to `to` for the shortfall of `positionId` (the keeper's
    ///         repaid value, then its least bonus: `ILiquidationEngine`, steps 5 and 6): all of it
    ///         when the balance allows, else the whole balance. Engine only.
    /// @return paid What was paid; `requested - paid` is left for redistribution.
    function coverShortfall(uint256 positionId, address to, uint256 requested) external returns (uint256 paid);

    /// @notice Sets the engine allowed to draw on the fund. Owner only.
    function setEngine(address engine) external;
}
