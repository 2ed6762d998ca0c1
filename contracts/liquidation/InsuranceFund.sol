// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * InsuranceFund: the first line against bad debt. Penalties flow in; when a liquidation cannot
 * recover what the keeper repaid, the engine draws the difference from here, up to the balance.
 */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IInsuranceFund} from "../../interfaces/liquidation/IInsuranceFund.sol";

contract InsuranceFund is IInsuranceFund, Ownable2Step, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @inheritdoc IInsuranceFund
    IERC20 public immutable asset;

    /// @inheritdoc IInsuranceFund
    address public engine;

    constructor(IERC20 asset_, address owner_) Ownable(owner_) {
        if (address(asset_) == address(0)) revert InsuranceFundZeroAddress();
        asset = asset_;
    }

    modifier onlyEngine() {
        if (msg.sender != engine) revert InsuranceFundOnlyEngine(msg.sender);
        _;
    }

    /* INFLOWS */

    /// @inheritdoc IInsuranceFund
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert InsuranceFundZeroAmount();
        asset.safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, amount, asset.balanceOf(address(this)));
    }

    /// @inheritdoc IInsuranceFund
    function notifyPenalty(uint256 positionId, uint256 amount) external onlyEngine {
        emit PenaltyReceived(positionId, amount, asset.balanceOf(address(this)));
    }

    /// @inheritdoc IInsuranceFund
    function notifyPenalties(uint256[] calldata positionIds, uint256[] calldata amounts) external onlyEngine {
        if (positionIds.length != amounts.length) {
            revert InsuranceFundLengthMismatch(positionIds.length, amounts.length);
        }
        uint256 total;
        for (uint256 i; i < amounts.length; ++i) {
            total += amounts[i];
        }
        // The balance before the batch arrived, then after each of its penalties in turn.
        uint256 balance = asset.balanceOf(address(this)) - total;
        for (uint256 i; i < amounts.length; ++i) {
            balance += amounts[i];
            emit PenaltyReceived(positionIds[i], amounts[i], balance);
        }
    }

    /* DRAWS */

    /// @inheritdoc IInsuranceFund
    function coverShortfall(uint256 positionId, address to, uint256 requested)
        external
        onlyEngine
        nonReentrant
        returns (uint256 paid)
    {
        uint256 available = asset.balanceOf(address(this));
        paid = requested < available ? requested : available;
        emit ShortfallPaid(positionId, to, requested, paid, available - paid);
        if (paid != 0) asset.safeTransfer(to, paid);
    }

    /* OWNER */

    /// @inheritdoc IInsuranceFund
    function setEngine(address engine_) external onlyOwner {
        if (engine_ == address(0)) revert InsuranceFundZeroAddress();
        if (engine_ == engine) revert InsuranceFundAlreadySet(engine_);
        engine = engine_;
        emit EngineSet(engine_);
    }

    /* VIEWS */

    /// @inheritdoc IInsuranceFund
    function reserves() external view returns (uint256) {
        return asset.balanceOf(address(this));
    }
}
