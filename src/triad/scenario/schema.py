"""The scenario schema: every field a scenario file may hold, with units and bounds.

A scenario is data only: nothing here runs a model. Field descriptions carry the unit in
square brackets; ``docs/scenarios.md`` is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticKnownError

from triad.model.metrics import condition_variable
from triad.model.policies.registry import policy_names
from triad.scenario.month import Month

CHECK_ERROR = "triad_check"
"""The pydantic error type of a cross-field check; its context holds the :class:`Check` s."""


@dataclass(frozen=True)
class Check:
    """One problem a cross-field check found, with what it is about, so it can be located.

    Attributes:
        message: What is wrong, for people.
        event: The name of the event it is about.
        field: The event's field it is about (``at``, ``name``).
        target: The parameter path an event's action names.
        uncertain: The ``uncertain`` key it is about.
        driver: The world driver it is about.
        variable: The unknown variable a condition names.
    """

    message: str
    event: str | None = None
    field: str | None = None
    target: str | None = None
    uncertain: str | None = None
    driver: str | None = None
    variable: str | None = None


def check_error(checks: list[Check]) -> PydanticCustomError:
    """The validation error of failed cross-field checks (their messages joined by ``; ``)."""
    message = "; ".join(check.message for check in checks)
    return PydanticCustomError(CHECK_ERROR, "{message}", {"message": message, "checks": checks})


def _check_month(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a month as a quoted or plain YYYY-MM, got {value!r}")
    Month.parse(value)
    return value


class Strict(BaseModel):
    """Base of every schema model: unknown keys are errors, NaN and inf are refused.

    Numbers are not guessed from other types: a number field refuses ``true`` and text
    (``'12'``), a flag refuses anything but ``true`` and ``false``, and ``-0.0`` is read as
    ``0.0`` (so a non-negative field never holds a negative zero), see :func:`exact_value`.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _exact_types(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        return value if field is None else exact_value(field.annotation, value)


def exact_value(annotation: Any, value: Any) -> Any:
    """Check a value against a field's type without lax coercion; ``-0.0`` becomes ``0.0``.

    Pydantic's lax mode turns ``true`` into 1, ``'12'`` into 12 and ``'yes'`` into True;
    a scenario means none of these, so they are refused here. Unions, ``Annotated``, lists
    and tuples are followed; other types are left to pydantic.

    Args:
        annotation: The field's type.
        value: The value given for it.

    Returns:
        The value (a negative zero as a positive one).

    Raises:
        PydanticKnownError: ``int_type``, ``float_type`` or ``bool_type`` (pydantic's strict
            type errors) if the value is a bool or text for a number, or not a bool for a
            flag.
    """
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return exact_value(args[0], value)
    if origin in (Union, UnionType):
        if value is None and type(None) in args:
            return value
        kinds = [arg for arg in args if arg is not type(None)]
        return exact_value(kinds[0], value) if len(kinds) == 1 else value
    if origin is list and isinstance(value, list) and args:
        return [exact_value(args[0], item) for item in value]
    if origin is tuple and isinstance(value, list | tuple) and len(args) == len(value):
        return [exact_value(arg, item) for arg, item in zip(args, value, strict=True)]
    if annotation is bool and not isinstance(value, bool):
        raise PydanticKnownError("bool_type")
    if annotation in (int, float):
        if isinstance(value, bool | str):
            raise PydanticKnownError("int_type" if annotation is int else "float_type")
        if isinstance(value, float) and value == 0.0:
            return 0.0
    return value


YearMonth = Annotated[str, Field(description="A month, YYYY-MM [date]")]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


# --------------------------------------------------------------------------- DPRK
class DprkMunitions(Strict):
    """DPRK's shells: stock, production and what it will part with."""

    initial_stock_m: float = Field(
        12.0,
        gt=0,
        le=200,
        description="Shell stockpile at the start [M rounds, 152/122 mm equivalent]",
    )
    kpa_floor: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the initial stockpile the KPA will not give up [share]",
    )
    capacity_m: float = Field(
        0.25, ge=0, le=5, description="Shell production at full utilisation [M rounds/month]"
    )
    utilisation: float = Field(
        0.3, ge=0, le=1, description="Utilisation of the plants not working for Russia [share]"
    )
    export_lines_share: float = Field(
        0.4,
        ge=0,
        le=1,
        description="Share of capacity on lines for Russia, run at full capacity [share]",
    )
    rounds_per_container: float = Field(
        465.0, gt=0, le=5000, description="Rounds per shipping container [rounds/container]"
    )
    max_offer_containers: float = Field(
        1300.0,
        ge=0,
        le=5000,
        description="Most containers DPRK offers in a month; at most the offer lever's 5,000 [containers/month]",
    )
    materials_gain: float = Field(
        1.0,
        ge=0,
        le=100,
        description="Rate at which payment lifts the other plants toward full utilisation, per US$100m a month [1/(US$100m/month)]",
    )
    supply_adjust: float = Field(
        0.15,
        gt=0,
        le=1,
        description="Share of the gap to the target utilisation closed each month [share/month]",
    )


class DprkEconomy(Strict):
    """DPRK's economy: GDP, needs and reserves."""

    gdp_bn: float = Field(24.0, gt=0, le=1000, description="GDP at the start [US$ bn/yr]")
    trend_growth: float = Field(
        0.01,
        ge=-0.5,
        le=0.5,
        description="Growth of potential GDP with every input at need [share/yr]",
    )
    input_elasticity: float = Field(
        0.7, ge=0, le=5, description="Elasticity of GDP to the input index [1]"
    )
    input_cap: float = Field(
        1.2,
        ge=1,
        le=10,
        description="Supply-to-need ratio of imports and oil beyond which output gains nothing [ratio]",
    )
    hysteresis: float = Field(
        2.30649,
        ge=0,
        le=5,
        description="Erosion of potential GDP per unit of log shortfall of the input index below need [1/yr]",
    )
    shell_book_value: float = Field(
        100.0,
        ge=0,
        le=1000,
        description="Book value of a shell in DPRK's accounts: new shells count in GDP at it, a shell sold counts its price less it [US$/round]",
    )
    munitions_value_added: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the value of new shells (at DPRK's reservation price) that is domestic value added [share]",
    )
    arms_smoothing: float = Field(
        0.2,
        gt=0,
        le=1,
        description="Share of the gap to this month's munitions output and arms revenue that GDP books each month [share/month]",
    )
    erosion_tolerance: float = Field(
        0.204482,
        ge=0,
        le=0.9,
        description="Chronic shortfall of the eroding inputs that erodes no capacity, share of need [share]",
    )
    import_erosion: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Share of the imports' weight that counts in the shortage eroding potential output; oil and food count in full [share]",
    )
    import_substitution: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Share of non-food, non-oil import needs that can be met at home [share]",
    )
    adjustment_rate: float = Field(
        0.0203223,
        gt=0,
        le=1,
        description="Share of the gap to target GDP closed each month [1/month]",
    )
    import_need_m: float = Field(
        130.0,
        gt=0,
        le=100000,
        description="Non-food, non-oil imports the economy needs at potential [US$ m/month]",
    )
    food_need_m: float = Field(
        134.0,
        gt=0,
        le=100000,
        description="Food need at world prices (about 5 Mt grain/yr) [US$ m/month]",
    )
    oil_need_kbbl: float = Field(
        340.0, gt=0, le=100000, description="Oil need, crude and refined [thousand bbl/month]"
    )
    fx_m: float = Field(
        2500.0, ge=0, le=1e6, description="Hard-currency reserves at the start [US$ m]"
    )
    weight_imports: float = Field(
        0.4, ge=0, le=1, description="Weight of imports in the input index [1]"
    )
    weight_oil: float = Field(0.35, ge=0, le=1, description="Weight of oil in the input index [1]")
    weight_food: float = Field(
        0.25, ge=0, le=1, description="Weight of food in the input index [1]"
    )
    other_trade_m: float = Field(
        3.0,
        ge=0,
        le=100000,
        description="Trade with partners other than China and Russia, both directions [US$ m/month]",
    )
    income_spend_share: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Share of net hard-currency income spent on imports in the same month [share]",
    )
    fx_spend_rate: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of reserves drawn each month for extra imports [1/month]",
    )


class DprkSatellite(Strict):
    """DPRK's space programme."""

    capability: float = Field(
        0.35, ge=0, le=1, description="Per-launch success probability at the start [probability]"
    )
    learning: float = Field(
        0.06, ge=0, le=1, description="Share of the gap to 1 closed by each attempt [share/attempt]"
    )
    launch_rate: float = Field(
        0.1, ge=0, le=1, description="Monthly probability DPRK's policy attempts a launch [1/month]"
    )
    tech_gain: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Share of the gap to 1 closed per month per Russian tech tier [share/month/tier]",
    )
    launch_cost_m: float = Field(
        50.0,
        ge=0,
        le=10000,
        description="What a launch attempt costs DPRK's reserves: rocket, satellite, site [US$ m/attempt]",
    )


class DprkMissiles(Strict):
    """DPRK's short-range ballistic missiles (KN-23/KN-24) and their export to Russia."""

    initial_stock: float = Field(
        100.0, ge=0, le=100000, description="SRBMs in stock at the start [missiles]"
    )
    production: float = Field(
        4.0, ge=0, le=1000, description="SRBMs built a month [missiles/month]"
    )
    kpa_floor: float = Field(
        0.5, ge=0, le=1, description="Share of the initial SRBM stock the KPA keeps [share]"
    )
    max_offer: float = Field(
        0.0,
        ge=0,
        le=1000,
        description="Most SRBMs DPRK's policies offer a month; 0 until a scenario opens the trade [missiles/month]",
    )
    reserve_k: float = Field(
        1000.0,
        gt=0,
        le=100000,
        description="DPRK's reservation price of an SRBM: what it is worth to the KPA [US$ k]",
    )
    trust_threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description="DPRK's trust in Russia below which its policies offer no SRBMs [index]",
    )
    malfunction: float = Field(
        0.5, ge=0, le=1, description="Share of SRBMs that malfunction at the start [share]"
    )
    learning: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Share of the malfunction rate removed per 10 SRBMs fired in combat [share]",
    )


class DprkHeavy(Strict):
    """DPRK's heavy artillery systems (170 mm self-propelled guns, 240 mm rocket launchers)."""

    initial_stock: float = Field(
        600.0, ge=0, le=100000, description="Heavy systems in stock at the start [systems]"
    )
    production: float = Field(
        2.0, ge=0, le=1000, description="Heavy systems built or refurbished a month [systems/month]"
    )
    kpa_floor: float = Field(
        0.7,
        ge=0,
        le=1,
        description="Share of the initial heavy-system stock the KPA keeps [share]",
    )
    max_offer: float = Field(
        0.0,
        ge=0,
        le=1000,
        description="Most heavy systems DPRK's policies offer a month; 0 until a scenario opens the trade [systems/month]",
    )
    reserve_k: float = Field(
        1500.0,
        gt=0,
        le=100000,
        description="DPRK's reservation price of a heavy system: what it is worth to the KPA [US$ k]",
    )


class DprkTroops(Strict):
    """DPRK's troops deployed to Russia."""

    max_k: float = Field(
        15.0, ge=0, le=1000, description="Most troops DPRK's policies deploy abroad [thousand]"
    )
    committed_k: float = Field(
        0.0,
        ge=0,
        le=1000,
        description="Troops DPRK has agreed to keep deployed whatever its policy [thousand]",
    )
    reservation_usd: float = Field(
        1000.0,
        ge=0,
        le=100000,
        description="Least monthly pay per soldier for which DPRK's policies deploy [US$/month]",
    )
    casualty_rate: float = Field(
        0.065,
        ge=0,
        le=1,
        description="Share of deployed troops killed or wounded a month at war intensity 1 [1/month]",
    )
    experience_gain: float = Field(
        0.03,
        ge=0,
        le=1,
        description="Share of the gap to full combat experience closed a month per 10,000 deployed [share/month]",
    )
    visibility: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Exposure added a month per 10,000 deployed [index/month]",
    )


class DprkBehaviour(Strict):
    """Parameters of DPRK's policies."""

    price_ask: float = Field(
        100.0,
        gt=0,
        le=10000,
        description="DPRK's reservation price: the least it accepts for a round (cost and deterrent value given up); at most the price lever's 10,000 [US$/round]",
    )
    pay_memory: float = Field(
        0.3,
        gt=0,
        le=1,
        description="Weight of the latest payment in DPRK's expectation of the share Russia delivers [share/month]",
    )
    tier_discount: float = Field(
        0.1,
        ge=0,
        le=0.3,
        description="Share of the cash price DPRK forgoes for each technology tier Russia transfers [share/tier]",
    )
    bargaining_power: float = Field(
        0.2,
        ge=0,
        le=1,
        description="DPRK's bargaining power in the price bargain with no shortfall and no need [share]",
    )
    salience_markup: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Rise of DPRK's bargaining weight with Russia's shortfall [share per unit shortfall]",
    )
    need_discount: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Rise of Russia's bargaining weight with DPRK's need (food gap) [share per unit need]",
    )
    forgiveness: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Probability of forgiving an under-payment (generous tit-for-tat) [probability]",
    )
    cut_level: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Offer after an unforgiven under-payment, share of the full offer [share]",
    )
    tolerance: float = Field(
        0.1, ge=0, le=1, description="Under-payment tolerated before it counts as defection [share]"
    )
    china_caution: float = Field(
        0.5, ge=0, le=1, description="How much China's resentment restrains exports [share]"
    )
    trust_offer_base: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Offer of the transactional policy at zero trust in Russia, share of the full offer [share]",
    )
    trust_offer_slope: float = Field(
        0.8,
        ge=0,
        le=10,
        description="Rise of that share per unit of trust in Russia (capped at 1) [share/index]",
    )
    juche_markup: float = Field(
        1.5,
        ge=1,
        le=10,
        description="Price mark-up of the juche policy [x base price]",
    )
    restraint_slope: float = Field(
        2.0,
        ge=0,
        le=20,
        description="Fall of the transactional offer per unit of China's resentment above its tolerance, at full trust in China [share/index]",
    )
    juche_share: float = Field(
        0.3, ge=0, le=1, description="Offer of the juche policy, share of the full offer [share]"
    )


class DprkSecurity(Strict):
    """Weights of DPRK's regime security: a logistic of weighted changes since the start."""

    weight_food: float = Field(
        1.5, ge=0, le=100, description="Weight of the log of food supply over need [1/log ratio]"
    )
    weight_economy: float = Field(
        2.0, ge=0, le=100, description="Weight of the log of GDP over its start [1/log ratio]"
    )
    weight_oil: float = Field(
        0.5, ge=0, le=100, description="Weight of the log of oil supply over need [1/log ratio]"
    )
    surplus_weight: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Share of a log point of food or oil above need that counts, against one below need [share]",
    )
    weight_deterrence: float = Field(
        1.0,
        ge=0,
        le=100,
        description="Weight of deterrence: the log of conventional strength over its start plus strategic capability [1/log ratio]",
    )
    satellite_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of deterrence from strategic capability (satellite, alliance); the rest from conventional strength [share]",
    )
    other_deterrent_m: float = Field(
        30.0,
        ge=0,
        le=1000,
        description="The rest of the KPA's conventional deterrent, in shell equivalents [M rounds]",
    )
    weight_alliance: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Strategic capability of a full alliance commitment, in units of satellite capability [1]",
    )
    weight_reserves: float = Field(
        0.3,
        ge=0,
        le=100,
        description="Weight of the log of reserves plus a month of imports over the same at the start [1/log ratio]",
    )
    weight_exposure: float = Field(
        0.25, ge=0, le=100, description="Weight of the rise of sanctions exposure [1/index]"
    )
    weight_anger: float = Field(
        0.25, ge=0, le=100, description="Weight of the rise of China's resentment [1/index]"
    )
    weight_missiles: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Strategic capability of the working SRBM force, per log ratio to its start, in units of satellite capability [1/log ratio]",
    )
    weight_experience: float = Field(
        0.3,
        ge=0,
        le=10,
        description="Rise of the rest of the KPA's deterrent with full combat experience [share]",
    )
    weight_systems: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Rise of the rest of the KPA's deterrent with a full set of modern Russian conventional systems [share]",
    )
    weight_heavy: float = Field(
        0.1,
        ge=0,
        le=10,
        description="Rise of the rest of the KPA's deterrent per unit rise of its heavy-system stock over the start (a fall lowers it) [share]",
    )
    weight_nbc: float = Field(
        1.0,
        ge=0,
        le=10,
        description="Strategic capability of full nuclear/biological/chemical help, in units of satellite capability [1]",
    )
    weight_casualties: float = Field(
        0.05,
        ge=0,
        le=100,
        description="Cost to the regime per 10,000 troops killed or wounded abroad [1/(10,000 people)]",
    )


class DprkTrust(Strict):
    """DPRK's initial trust toward its partners."""

    russia: float = Field(0.45, ge=0, le=1, description="Initial trust toward Russia [index]")
    china: float = Field(0.5, ge=0, le=1, description="Initial trust toward China [index]")


class RussiaTrust(Strict):
    """Russia's initial trust toward its partners."""

    dprk: float = Field(0.4, ge=0, le=1, description="Initial trust toward DPRK [index]")
    china: float = Field(0.6, ge=0, le=1, description="Initial trust toward China [index]")


class ChinaTrust(Strict):
    """China's initial trust toward its partners."""

    dprk: float = Field(0.45, ge=0, le=1, description="Initial trust toward DPRK [index]")
    russia: float = Field(0.6, ge=0, le=1, description="Initial trust toward Russia [index]")


class DprkRevenue(Strict):
    """DPRK's hard currency from abroad: workers in Russia and China, and cyber theft."""

    workers_k: float = Field(
        50.0,
        ge=0,
        le=200,
        description="Workers abroad the built-in policies keep; at most the lever's 200 [thousand]",
    )
    russia_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of the workers abroad who are in Russia; the rest in China [share]",
    )
    remit_usd: float = Field(
        400.0,
        ge=0,
        le=10000,
        description="What one worker abroad remits to the state a month [US$/worker/month]",
    )
    labour_block: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of remittances stopped where enforcement reaches fully [share]",
    )
    labour_visibility: float = Field(
        0.001,
        ge=0,
        le=1,
        description="Exposure gain a month per 10,000 workers abroad at full detection [1/month]",
    )
    labour_ties: float = Field(
        0.01,
        ge=0,
        le=1,
        description="Growth of the Russia-DPRK relationship a month per 100,000 workers in Russia [1/month]",
    )
    cyber_effort: float = Field(
        1.0,
        ge=0,
        le=3,
        description="Cyber effort the built-in policies keep, 1 = the 2023 effort; at most the lever's 3 [x 2023]",
    )
    cyber_m: float = Field(
        80.0,
        ge=0,
        le=10000,
        description="Funds stolen a month at the 2023 effort, before laundering [US$ m/month]",
    )
    cyber_returns: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Elasticity of theft to effort (diminishing returns) [1]",
    )
    cyber_cashout: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of stolen funds that laundering turns into usable hard currency [share]",
    )
    cyber_block: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of the cash-out stopped (freezes, designations) where enforcement reaches fully [share]",
    )
    cyber_sd: float = Field(
        1.0,
        ge=0,
        le=3,
        description="Standard deviation of the log of a month's theft (heists are lumpy) [log]",
    )
    cyber_visibility: float = Field(
        0.005,
        ge=0,
        le=1,
        description="Exposure gain a month at the 2023 cyber effort and full detection [1/month]",
    )


class Dprk(Strict):
    """North Korea."""

    policy: str = Field("transactional", description="Policy from the DPRK catalogue [name]")
    munitions: DprkMunitions = Field(
        default_factory=DprkMunitions, description="Shell stock and production"
    )
    economy: DprkEconomy = Field(default_factory=DprkEconomy, description="Economy")
    satellite: DprkSatellite = Field(default_factory=DprkSatellite, description="Space programme")
    missiles: DprkMissiles = Field(
        default_factory=DprkMissiles, description="Short-range ballistic missiles"
    )
    heavy: DprkHeavy = Field(
        default_factory=DprkHeavy, description="Heavy artillery systems (170 mm, 240 mm)"
    )
    troops: DprkTroops = Field(default_factory=DprkTroops, description="Troops deployed to Russia")
    revenue: DprkRevenue = Field(
        default_factory=DprkRevenue, description="Hard currency from workers abroad and cyber theft"
    )
    behaviour: DprkBehaviour = Field(default_factory=DprkBehaviour, description="Policy parameters")
    security: DprkSecurity = Field(
        default_factory=DprkSecurity, description="Regime-security weights"
    )
    trust: DprkTrust = Field(default_factory=DprkTrust, description="Initial trust toward partners")
    exposure: float = Field(0.3, ge=0, le=1, description="Sanctions exposure at the start [index]")

    @field_validator("policy")
    @classmethod
    def _policy(cls, value: str) -> str:
        return _check_policy("dprk", value)


# --------------------------------------------------------------------------- Russia
class RussiaWar(Strict):
    """Russia's artillery war: fire, stock and production."""

    fire_rate_m: float = Field(
        0.30,
        ge=0,
        le=10,
        description="Fire at war intensity 1 (about 10,000 rounds/day) [M rounds/month]",
    )
    initial_stock_m: float = Field(
        2.0, ge=0, le=200, description="Shell stock at the start [M rounds]"
    )
    restock_target_m: float = Field(
        15.0, ge=0, le=200, description="Stock Russia wants to rebuild [M rounds]"
    )
    restock_months: float = Field(
        12.0,
        ge=1,
        le=600,
        description="Months over which Russia wants to close the stock gap [months]",
    )
    dud_rate: float = Field(
        0.2, ge=0, le=0.9, description="Share of DPRK rounds unusable (age, wear, duds) [share]"
    )
    production_m: float = Field(
        0.2, ge=0, le=10, description="Own production at the start [M rounds/month]"
    )
    production_growth_m: float = Field(
        0.008, ge=0, le=1, description="Monthly rise of own production [M rounds/month per month]"
    )
    production_max_m: float = Field(
        0.3, ge=0, le=10, description="Ceiling of own production [M rounds/month]"
    )
    production_min_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of its production capacity Russia keeps running when it needs less [share]",
    )


class RussiaPayment(Strict):
    """What Russia pays with and how reliably."""

    value_per_round: float = Field(
        1200.0,
        gt=0,
        le=100000,
        description="Worth of a round to Russia at full shortfall [US$/round]",
    )
    value_floor: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Worth of a round to Russia with no shortfall, share of value_per_round [share]",
    )
    outside_price: float = Field(
        1000.0,
        gt=0,
        le=100000,
        description="Cost of Russia's outside option for a round (own production beyond plan, refurbishment, other suppliers) [US$/round]",
    )
    demand_span: float = Field(
        0.6,
        gt=0,
        le=1,
        description="Share of a round's net worth over which Russia's demand falls from all its need to nothing [share]",
    )
    food_share: float = Field(0.04, ge=0, le=1, description="Share of payment in food [share]")
    oil_share: float = Field(
        0.03, ge=0, le=1, description="Share of payment in refined oil [share]"
    )
    cash_share: float = Field(
        0.93, ge=0, le=1, description="Share of payment in hard currency [share]"
    )
    reliability: float = Field(
        0.95,
        ge=0,
        le=1,
        description="Share of the agreed payment the default policies choose to deliver [share]",
    )
    noise: float = Field(
        0.05, ge=0, le=1, description="Standard deviation of the delivered share [share]"
    )


class RussiaTech(Strict):
    """Russia's technology transfer to DPRK."""

    max_tier: int = Field(
        1,
        ge=0,
        le=3,
        description="Highest tier Russia will transfer: 0 none, 1 conventional and space, 2 advanced weapons, 3 nuclear/biological/chemical [tier]",
    )
    allow_nbc: bool = Field(
        False,
        description="Whether tier 3 (nuclear, biological, chemical help) is allowed at all [flag]",
    )
    shortfall_months: int = Field(
        4,
        ge=0,
        le=600,
        description="Months of persistent shortfall before Russia raises the tier [months]",
    )
    shortfall_threshold: float = Field(
        0.15, ge=0, le=1, description="Shortfall share that counts as persistent shortfall [share]"
    )
    delivery_threshold: float = Field(
        0.9,
        ge=0,
        le=1,
        description="Share of the request DPRK must deliver for the reciprocal policy to raise the tier [share]",
    )
    cautious_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the request the cautious policy asks for at zero exposure [share]",
    )
    reciprocal_base: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the request the reciprocal policy keeps at zero trust; trust adds to it up to 1 [share]",
    )
    trust_threshold: float = Field(
        0.5, ge=0, le=1, description="Trust toward DPRK needed to raise the tier [index]"
    )
    conventional_gain: float = Field(
        0.03,
        ge=0,
        le=1,
        description="Share of the gap to full modern conventional systems (air defence, electronic warfare, drones, aircraft) closed a month at tier 2 or above [share/month]",
    )
    nbc_gain: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Share of the gap to full nuclear/biological/chemical help closed a month at tier 3 [share/month]",
    )

    @model_validator(mode="after")
    def _nbc(self) -> RussiaTech:
        if self.max_tier >= 3 and not self.allow_nbc:
            raise ValueError(
                "max_tier 3 (nuclear, biological, chemical help) needs allow_nbc: true; use max_tier <= 2"
            )
        return self


class RussiaMissiles(Strict):
    """Russia's demand for DPRK's short-range ballistic missiles."""

    need: float = Field(
        15.0,
        ge=0,
        le=10000,
        description="SRBMs Russia would buy a month at war intensity 1 [missiles/month]",
    )
    value_k: float = Field(
        3000.0,
        gt=0,
        le=100000,
        description="Worth of a working SRBM to Russia: its own missile's cost [US$ k]",
    )


class RussiaHeavy(Strict):
    """Russia's demand for DPRK's heavy artillery systems."""

    need: float = Field(
        10.0,
        ge=0,
        le=10000,
        description="Heavy systems Russia would buy a month at war intensity 1 [systems/month]",
    )
    value_k: float = Field(
        3000.0,
        gt=0,
        le=100000,
        description="Worth of a heavy system to Russia: what a replacement from its own industry costs [US$ k]",
    )


class RussiaTroops(Strict):
    """Russia's demand for DPRK troops."""

    need_k: float = Field(
        12.0,
        ge=0,
        le=1000,
        description="Troops Russia asks of DPRK at war intensity 1 once committed [thousand]",
    )
    pay_usd: float = Field(
        2000.0,
        ge=0,
        le=100000,
        description="Monthly pay per deployed soldier Russia offers [US$/month]",
    )
    value_usd: float = Field(
        3000.0,
        ge=0,
        le=100000,
        description="What a deployed DPRK soldier is worth to Russia a month at war intensity 1 [US$/month]",
    )
    min_commitment: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Alliance commitment from which Russia asks DPRK for troops [index]",
    )


class RussiaTrade(Strict):
    """Russia's civilian trade and aid to DPRK."""

    civil_trade_m: float = Field(
        4.0,
        ge=0,
        le=100000,
        description="Civilian trade with DPRK at the start, both directions [US$ m/month]",
    )
    trade_growth: float = Field(
        0.04, ge=0, le=1, description="Monthly growth of civilian trade at full trust [1/month]"
    )
    sanctioned_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of civilian trade under UN bans [share]",
    )
    concessional_aid_m: float = Field(
        0.0,
        ge=0,
        le=100000,
        description="Aid and friendship-price deliveries to DPRK (Soviet-era) [US$ m/month]",
    )
    aid_oil_share: float = Field(
        0.5, ge=0, le=1, description="Share of concessional aid delivered as oil [share]"
    )
    substitution: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of China's cut in exports DPRK buys from Russia instead [share]",
    )
    dprk_import_share: float = Field(
        0.85,
        ge=0,
        le=1,
        description="Share of civilian trade that is DPRK imports from Russia [share]",
    )


class RussiaTransport(Strict):
    """Civil transport between Russia and DPRK: the Khasan-Tumangang rail and the Tumen road bridge."""

    rail_m: float = Field(
        20.0,
        gt=0,
        le=100000,
        description="Civil goods the rail link (and the sea route) carries a month [US$ m/month]",
    )
    bridge_m: float = Field(
        10.0,
        ge=0,
        le=100000,
        description="Civil goods the Tumen road bridge adds once open [US$ m/month]",
    )
    bridge_open: bool = Field(
        False,
        description="Whether the road bridge is open (the trigger bridge_opens opens it) [flag]",
    )
    access_elasticity: float = Field(
        0.5,
        ge=0,
        le=3,
        description="Rise of civil trade per unit rise of the log of civil capacity (cheaper transport) [1]",
    )


class Russia(Strict):
    """Russia."""

    policy: str = Field("war_first", description="Policy from the Russia catalogue [name]")
    war: RussiaWar = Field(
        default_factory=RussiaWar, description="War demand, stock and production"
    )
    payment: RussiaPayment = Field(default_factory=RussiaPayment, description="Payment package")
    tech_transfer: RussiaTech = Field(default_factory=RussiaTech, description="Technology transfer")
    trade: RussiaTrade = Field(default_factory=RussiaTrade, description="Civilian trade and aid")
    transport: RussiaTransport = Field(
        default_factory=RussiaTransport, description="Civil transport capacity"
    )
    missiles: RussiaMissiles = Field(
        default_factory=RussiaMissiles, description="Demand for DPRK's missiles"
    )
    heavy: RussiaHeavy = Field(
        default_factory=RussiaHeavy, description="Demand for DPRK's heavy artillery systems"
    )
    troops: RussiaTroops = Field(default_factory=RussiaTroops, description="Demand for DPRK troops")
    visibility_weight: float = Field(
        2.0,
        ge=0,
        le=20,
        description="Cost Russia puts on visible violations, reflecting its ROK trade stake (US$21.2bn in 2022) and UNSC posture [share of a round's value per unit of exposure x pressure]",
    )
    payment_weight: float = Field(
        1.0,
        ge=0,
        le=100,
        description="Weight of what Russia pays in its objective [1/(US$ bn/month)]",
    )
    tech_cost: float = Field(
        0.05,
        ge=0,
        le=10,
        description="Weight of each technology tier given away in Russia's objective [1/tier]",
    )
    proliferation_weight: float = Field(
        0.5,
        ge=0,
        le=100,
        description="Cost Russia puts on DPRK's military gains (missile reliability, modern systems, NBC help) [1/index]",
    )
    alliance_aid_m: float = Field(
        0.0,
        ge=0,
        le=10000,
        description="Concessional aid Russia gives under a full alliance commitment [US$ m/month]",
    )
    trust: RussiaTrust = Field(
        default_factory=RussiaTrust, description="Initial trust toward partners"
    )

    @field_validator("policy")
    @classmethod
    def _policy(cls, value: str) -> str:
        return _check_policy("russia", value)


# --------------------------------------------------------------------------- China
class ChinaTrade(Strict):
    """China's trade with and aid to DPRK."""

    exports_m: float = Field(
        160.0,
        ge=0,
        le=100000,
        description="Exports to DPRK at normal policy and open border [US$ m/month]",
    )
    imports_m: float = Field(
        25.0, ge=0, le=100000, description="Imports from DPRK before sanctions bite [US$ m/month]"
    )
    aid_m: float = Field(
        25.0,
        ge=0,
        le=2000,
        description="Aid at normal policy; at most the aid lever's 2,000 [US$ m/month]",
    )
    level_sd: float = Field(
        0.1,
        ge=0,
        le=2,
        description="Standard deviation of the log of China's trade appetite across worlds and years (customs campaigns, politics) [log]",
    )
    level_persistence: float = Field(
        0.95,
        ge=0,
        le=0.999,
        description="Monthly AR(1) coefficient of China's trade appetite [1]",
    )
    oil_aid_kbbl: float = Field(
        300.0,
        ge=0,
        le=100000,
        description="Crude oil through the pipeline (about 0.5 Mt/yr) [thousand bbl/month]",
    )
    food_share: float = Field(0.04, ge=0, le=1, description="Share of exports that is food [share]")
    oil_share: float = Field(
        0.03, ge=0, le=1, description="Share of exports that is refined oil [share]"
    )
    aid_food_share: float = Field(
        0.3, ge=0, le=1, description="Share of China's aid delivered as food [share]"
    )
    overdraft_share: float = Field(
        0.9, ge=0, le=1, description="Share of DPRK's trade deficit China absorbs [share]"
    )
    sanctions_exempt: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Share of China's exports outside UN bans (food, consumer goods) [share]",
    )


class China(Strict):
    """China."""

    policy: str = Field("dependency_builder", description="Policy from the China catalogue [name]")
    trade: ChinaTrade = Field(default_factory=ChinaTrade, description="Trade and aid")
    enforcement: float = Field(
        0.3, ge=0, le=1, description="Sanctions enforcement at the border at normal policy [share]"
    )
    stability_weight: float = Field(
        0.7, ge=0, le=1, description="Weight China puts on stability on the peninsula [share]"
    )
    rok_weight: float = Field(
        1.0,
        ge=0,
        le=10,
        description="Weight China puts on its ROK and US relationship: scales its response to DPRK's exposure under pressure and that exposure's cost in its objective [1]",
    )
    cost_weight: float = Field(
        0.5,
        ge=0,
        le=100,
        description="Weight of what DPRK costs China (aid, absorbed deficit, exports lost to its own cuts) in its objective [1/(US$ bn/month)]",
    )
    rok_trade_bn: float = Field(
        310.0,
        ge=0,
        le=100000,
        description="China-ROK trade (2022): the stake that makes China yield to ROK/US pressure [US$ bn/yr]",
    )
    resentment: float = Field(
        0.1, ge=0, le=1, description="Resentment of DPRK's tilt at the start [index]"
    )
    resentment_tolerance: float = Field(
        0.35, ge=0, le=1, description="Resentment above which punisher cuts trade [index]"
    )
    punish_level: float = Field(
        0.5, ge=0, le=1, description="Trade level while punishing, share of normal [share]"
    )
    punish_enforcement: float = Field(
        0.8, ge=0, le=1, description="Enforcement while punishing or enforcing [share]"
    )
    chill_level: float = Field(
        0.85,
        ge=0,
        le=1,
        description="Trade level of dependency_builder while resentment exceeds tolerance (a chill), share of normal [share]",
    )
    forgiveness: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Monthly probability that China, while resentful above tolerance, forgives [probability/month]",
    )
    forgive_relief: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of China's resentment an act of forgiveness removes [share]",
    )
    outbid_ratio: float = Field(
        0.5, ge=0, le=10, description="Extra aid of the competitor per US$ Russia pays DPRK [1]"
    )
    leverage_target: float = Field(
        0.9,
        ge=0,
        le=1,
        description="China's share of DPRK trade below which dependency_builder steps up aid [share]",
    )
    leverage_aid_boost: float = Field(
        5.0,
        ge=0,
        le=100,
        description="Extra aid per unit of share below the target, times normal aid [1/share]",
    )
    competitor_trade_level: float = Field(
        1.1,
        ge=0,
        le=2,
        description="Trade level of the competitor policy [x normal]",
    )
    enforcer_trade_level: float = Field(
        0.8,
        ge=0,
        le=2,
        description="Trade level of the enforcer policy [x normal]",
    )
    enforcer_aid_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Aid of the enforcer policy, share of normal [share]",
    )
    trust: ChinaTrust = Field(
        default_factory=ChinaTrust, description="Initial trust toward partners"
    )

    @field_validator("policy")
    @classmethod
    def _policy(cls, value: str) -> str:
        return _check_policy("china", value)


def _check_policy(actor: str, value: str) -> str:
    names = policy_names(actor)
    if value not in names:
        raise ValueError(f"unknown {actor} policy {value!r}; allowed: {', '.join(names)}")
    return value


class Actors(Strict):
    """The three states."""

    russia: Russia = Field(default_factory=Russia, description="Russia")
    china: China = Field(default_factory=China, description="China")
    dprk: Dprk = Field(default_factory=Dprk, description="North Korea")


class UnSanctions(Strict):
    """The UN sanctions regime as an institution: who monitors, what it sees, what bites."""

    regime: int = Field(
        1,
        ge=0,
        le=2,
        description="Monitoring body at the start: 0 none, 1 the UN Panel of Experts, 2 the MSMT; triggers panel_ends, msmt_starts, panel_returns change it [code]",
    )
    panel_detection: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Detection under the UN Panel of Experts (the reference) [share]",
    )
    none_detection: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Detection with no monitoring body (imagery and national means only), relative to the Panel [share]",
    )
    msmt_detection: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Detection under the Multilateral Sanctions Monitoring Team, relative to the Panel [share]",
    )
    panel_enforcement: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Share of third states' enforcement that bites under the Panel (the reference) [share]",
    )
    none_enforcement: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Share of third states' enforcement that bites with no monitoring body, relative to the Panel [share]",
    )
    msmt_enforcement: float = Field(
        0.9,
        ge=0,
        le=1,
        description="Share of third states' enforcement that bites under the MSMT, relative to the Panel [share]",
    )
    oil_cap_kbbl_yr: float = Field(
        500.0,
        gt=0,
        le=1e6,
        description="UN cap on refined-oil deliveries to DPRK (UNSCR 2397) [thousand bbl/yr]",
    )
    oil_visibility: float = Field(
        0.005,
        ge=0,
        le=1,
        description="Exposure gain a month per unit of refined-oil deliveries above the cap (ratio - 1) at full detection [1/month]",
    )


# --------------------------------------------------------------------------- dynamics
class Dynamics(Strict):
    """Model-wide rates of the update processes."""

    un: UnSanctions = Field(
        default_factory=UnSanctions,
        description="The UN sanctions regime: monitoring body, detection, enforcement, oil cap",
    )

    trust_gain: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Share of the gap to 1 closed when a partner delivers [1/month]",
    )
    trust_loss: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Share of trust lost per unit of shortfall in delivery [1/month]",
    )
    trust_decay: float = Field(
        0.02, ge=0, le=1, description="Pull toward the baseline each month [1/month]"
    )
    trust_baseline: float = Field(0.4, ge=0, le=1, description="Level trust decays toward [index]")
    signal_bonus: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Trust gain per tech tier transferred (costly signal) [1/month/tier]",
    )
    resentment_rate: float = Field(
        0.05, ge=0, le=1, description="Share of the gap to the tilt closed each month [1/month]"
    )
    exposure_decay: float = Field(
        0.05, ge=0, le=1, description="Share of exposure lost each month [1/month]"
    )
    shipment_visibility: float = Field(
        0.05, ge=0, le=1, description="Exposure gain per 1,000 containers seen [1/kcontainer]"
    )
    launch_visibility: float = Field(
        0.1, ge=0, le=1, description="Exposure gain per launch attempt [1/launch]"
    )
    detect_rate: float = Field(
        0.6, ge=0, le=1, description="Share of shipments seen at full monitoring [share]"
    )
    tier_alarm: float = Field(
        0.333,
        ge=0,
        le=1,
        description="Evidence against China's trust in Russia per technology tier Russia transfers to DPRK [1/tier]",
    )
    treaty_trust: float = Field(
        0.15,
        ge=0,
        le=1,
        description="Share of the gap to full trust a treaty closes, both ways [share]",
    )
    summit_trust: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Share of the gap to full trust a summit closes, both ways [share]",
    )
    treaty_resentment: float = Field(
        0.1, ge=0, le=1, description="China's resentment added by a Russia-DPRK treaty [index]"
    )
    enforcement_grievance: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of DPRK's expectation of China that China's border enforcement disappoints, per unit of enforcement [share]",
    )
    veto_commitment: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Open commitment a Russian veto of UN action on DPRK adds (share of the gap to 1) [share]",
    )
    treaty_commitment: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Open commitment a Russia-DPRK treaty adds: it removes this share of Russia's visibility cost and counts as alliance capability for DPRK [share]",
    )
    commitment_decay: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Share of Russia's commitment lost a month when its trust in DPRK is 0, falling to none at the trust baseline [1/month]",
    )
    troop_commitment: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Share of the gap to full commitment Russia's obligation to DPRK closes a month per 10,000 DPRK troops fighting for it [share/month]",
    )
    troop_resentment: float = Field(
        0.01,
        ge=0,
        le=1,
        description="China's resentment added a month per 10,000 DPRK troops in Russia (share of the gap to 1) [share/month]",
    )
    systems_resentment: float = Field(
        0.01,
        ge=0,
        le=1,
        description="China's resentment added a month per technology tier above 1 (share of the gap to 1) [share/month/tier]",
    )
    missile_resentment: float = Field(
        0.5,
        ge=0,
        le=10,
        description="China's resentment added per unit rise of DPRK's SRBM reliability (share of the gap to 1) [share]",
    )
    arms_visibility: float = Field(
        0.1,
        ge=0,
        le=10,
        description="Visibility of one SRBM fired in Ukraine or one heavy system shipped, in satellite launches [launches/item]",
    )
    rok_alarm_gain: float = Field(
        0.03,
        ge=0,
        le=1,
        description="Share of the gap to full ROK alarm closed a month per unit of provocation (10,000 troops abroad, a tier above 1, a full alliance) [share/month]",
    )
    rok_alarm_decay: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Share of the ROK's alarm that fades a month [1/month]",
    )


# --------------------------------------------------------------------------- drivers
class Step(Strict):
    """A dated change of a driver."""

    at: str = Field(description="Month the new value starts [YYYY-MM]")
    value: float = Field(description="New value [driver unit]")

    _at = field_validator("at", mode="before")(classmethod(lambda cls, v: _check_month(v)))


class Ramp(Strict):
    """A linear change of a driver between two months."""

    start: str = Field(description="First month of the ramp [YYYY-MM]")
    end: str = Field(description="Month the ramp reaches its value [YYYY-MM]")
    value: float = Field(description="Value reached at the end [driver unit]")

    _months = field_validator("start", "end", mode="before")(
        classmethod(lambda cls, v: _check_month(v))
    )

    @model_validator(mode="after")
    def _order(self) -> Ramp:
        if Month.parse(self.end) <= Month.parse(self.start):
            raise ValueError(f"ramp end {self.end} must be after its start {self.start}")
        return self


class Noise(Strict):
    """Stochastic shocks on a driver: an AR(1) process per world."""

    sd: float = Field(
        0.0,
        ge=0,
        le=10,
        description="Standard deviation of the shock [driver unit, or share if relative]",
    )
    persistence: float = Field(0.7, ge=0, lt=1, description="AR(1) coefficient of the shock [1]")
    relative: bool = Field(
        True, description="Multiply the path by (1 + shock) instead of adding the shock [flag]"
    )


class DriverPath(Strict):
    """A world driver over time: a constant, dated steps, ramps or points, plus noise."""

    value: float | None = Field(
        None, description="Value at the start, or the constant [driver unit]"
    )
    steps: list[Step] = Field(default_factory=list, description="Dated changes [list]")
    ramps: list[Ramp] = Field(default_factory=list, description="Linear changes [list]")
    points: list[tuple[str, float]] = Field(
        default_factory=list,
        description="(YYYY-MM, value) points, linear in between, flat outside [list]",
    )
    noise: Noise = Field(default_factory=Noise, description="Stochastic shocks")

    @model_validator(mode="before")
    @classmethod
    def _constant(cls, data: Any) -> Any:
        """A bare number is shorthand for a constant path: ``0.5`` = ``{value: 0.5}``."""
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"value": data}
        return data

    @field_validator("points")
    @classmethod
    def _points(cls, value: list[tuple[str, float]]) -> list[tuple[str, float]]:
        months = [Month.parse(_check_month(at)) for at, _ in value]
        if months != sorted(set(months)):
            raise ValueError("points must be in increasing date order, one per month")
        return value

    @model_validator(mode="after")
    def _has_value(self) -> DriverPath:
        if self.value is None and not self.points:
            raise ValueError("a driver needs a 'value' or 'points'")
        return self


def _driver(value: float, description: str, lo: float, hi: float) -> Any:
    return Field(
        default_factory=lambda: DriverPath(value=value),
        description=description,
        json_schema_extra={"minimum_value": lo, "maximum_value": hi},
    )


DRIVER_BOUNDS: dict[str, tuple[float, float]] = {
    "war_intensity": (0.0, 5.0),
    "un_enforcement": (0.0, 1.0),
    "un_scope": (0.0, 1.0),
    "monitoring": (0.0, 1.0),
    "border_cn": (0.0, 1.0),
    "border_ru": (0.0, 1.0),
    "transport_capacity": (0.0, 1e6),
    "harvest": (0.0, 2.0),
    "oil_price": (1.0, 1000.0),
    "pressure": (0.0, 1.0),
}


class World(Strict):
    """World drivers: each a path over time that scenarios script, plus noise."""

    war_intensity: DriverPath = _driver(
        1.0, "Ukraine war intensity, 1 = the 2024 level [index, 0-5]", 0, 5
    )
    un_enforcement: DriverPath = _driver(
        0.5, "Enforcement of UN sanctions by third states [share, 0-1]", 0, 1
    )
    un_scope: DriverPath = _driver(0.9, "Share of DPRK exports under UN bans [share, 0-1]", 0, 1)
    monitoring: DriverPath = _driver(
        1.0, "Monitoring capacity (UN Panel of Experts, imagery) [share, 0-1]", 0, 1
    )
    border_cn: DriverPath = _driver(1.0, "Openness of the China-DPRK border [share, 0-1]", 0, 1)
    border_ru: DriverPath = _driver(
        1.0, "Openness of the Russia-DPRK border for civilian trade [share, 0-1]", 0, 1
    )
    transport_capacity: DriverPath = _driver(
        1300.0, "Rajin port and Khasan rail capacity for military cargo [containers/month]", 0, 1e6
    )
    harvest: DriverPath = _driver(
        0.82, "Domestic harvest as a share of food need [share, 0-2]", 0, 2
    )
    oil_price: DriverPath = _driver(85.0, "Oil price [US$/bbl, 1-1000]", 1, 1000)
    pressure: DriverPath = _driver(
        0.3, "ROK/US pressure, e.g. secondary sanctions [index, 0-1]", 0, 1
    )

    @model_validator(mode="after")
    def _bounds(self) -> World:
        for name, (lo, hi) in DRIVER_BOUNDS.items():
            path: DriverPath = getattr(self, name)
            values = [path.value] if path.value is not None else []
            values += [s.value for s in path.steps] + [r.value for r in path.ramps]
            values += [v for _, v in path.points]
            bad = [v for v in values if not lo <= v <= hi]
            if bad:
                message = f"{name}: value {bad[0]} outside [{lo:g}, {hi:g}]"
                raise check_error([Check(message, driver=name)])
        return self


# --------------------------------------------------------------------------- events
Op = Literal[">", ">=", "<", "<=", "==", "!="]


class Condition(Strict):
    """A structured test on a state variable, e.g. ``{var: dprk.satellite_capability, op: '>', value: 0.7}``."""

    var: str | None = Field(
        None, description="A metric name, optionally prefixed by its actor [name]"
    )
    op: Op | None = Field(None, description="Comparison [one of > >= < <= == !=]")
    value: float | None = Field(None, description="Threshold [unit of the variable]")
    all: list[Condition] | None = Field(None, description="All of these hold [list]")
    any: list[Condition] | None = Field(None, description="Any of these holds [list]")

    @model_validator(mode="after")
    def _shape(self) -> Condition:
        simple = self.var is not None
        combos = (self.all is not None) + (self.any is not None)
        if simple and combos:
            raise ValueError(
                "a condition is either {var, op, value} or {all: [...]} or {any: [...]}"
            )
        if simple:
            if self.op is None or self.value is None:
                raise ValueError("a condition on a variable needs 'op' and 'value'")
            if condition_variable(self.var or "") is None:
                message = f"unknown variable {self.var!r}; use a metric name (see `triad schema`)"
                raise check_error([Check(message, variable=self.var)])
        elif combos != 1:
            raise ValueError("a condition needs 'var', 'all' or 'any'")
        return self


TRIGGERS: dict[str, str] = {
    "satellite_launch": "DPRK attempts a satellite launch this month",
    "panel_ends": "the UN Panel of Experts ends: no monitoring body (lower detection and reach)",
    "msmt_starts": "the Multilateral Sanctions Monitoring Team starts monitoring",
    "panel_returns": "a UN Panel of Experts monitors again",
    "bridge_opens": "the Tumen road bridge opens: civil Russia-DPRK transport capacity rises",
    "treaty": "Russia and DPRK sign a defence treaty: a costly signal raising mutual trust",
    "summit": "a Russia-DPRK summit: a smaller costly signal",
    "china_summit": "a China-DPRK summit: mutual trust rises, resentment eases",
    "veto": "Russia vetoes UN action on DPRK: an open commitment that lowers its visibility cost",
    "satellite_success": "DPRK launches a satellite and it reaches orbit (a recorded outcome)",
    "satellite_failure": "DPRK launches a satellite and it fails (a recorded outcome)",
}


class Action(Strict):
    """One effect of an event: set, scale or ramp a parameter or driver, or trigger an action."""

    set: str | None = Field(
        None, description="Dotted path of a parameter or world.<driver> to set [path]"
    )
    scale: str | None = Field(None, description="Dotted path to multiply [path]")
    ramp: str | None = Field(None, description="Dotted path to move linearly [path]")
    trigger: str | None = Field(
        None, description="A model action: " + ", ".join(TRIGGERS) + " [name]"
    )
    value: float | None = Field(
        None, description="New value for set, end value for ramp [unit of the target]"
    )
    by: float | None = Field(None, ge=0, description="Factor for scale [1]")
    months: int = Field(1, ge=1, le=1200, description="Length of a ramp [months]")

    @model_validator(mode="after")
    def _shape(self) -> Action:
        kinds = [k for k in ("set", "scale", "ramp", "trigger") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("an action has exactly one of: set, scale, ramp, trigger")
        kind = kinds[0]
        if kind in ("set", "ramp") and self.value is None:
            raise ValueError(f"'{kind}' needs a 'value'")
        if kind == "scale" and self.by is None:
            raise ValueError("'scale' needs 'by'")
        if kind == "trigger" and self.trigger not in TRIGGERS:
            raise ValueError(f"unknown trigger {self.trigger!r}; allowed: {', '.join(TRIGGERS)}")
        return self

    @property
    def kind(self) -> str:
        """Which of set, scale, ramp or trigger this action is."""
        return next(k for k in ("set", "scale", "ramp", "trigger") if getattr(self, k) is not None)

    @property
    def target(self) -> str:
        """The path or trigger name the action acts on."""
        value: str = getattr(self, self.kind)
        return value


class Event(Strict):
    """A dated, conditional or random event."""

    name: str = Field(
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="Unique name [identifier]",
    )
    description: str = Field("", description="What happens and why [text]")
    actor: Literal["russia", "china", "dprk", "world"] = Field(
        "world", description="Who acts, for the event log [name]"
    )
    at: str | None = Field(None, description="Month the event happens [YYYY-MM]")
    when: Condition | None = Field(
        None,
        description="Condition that triggers the event, checked each month on last month's state",
    )
    probability: float | None = Field(
        None, ge=0, le=1, description="Monthly probability of a random event [1/month]"
    )
    repeat: bool = Field(
        False, description="Fire every month the trigger holds, not only the first time [flag]"
    )
    record: bool = Field(
        False,
        description="A dated input of the record (history.yaml): a run whose horizon ends before it simply ends before it happens, instead of being refused [flag]",
    )
    actions: list[Action] = Field(min_length=1, description="What the event does [list]")

    @field_validator("at", mode="before")
    @classmethod
    def _at(cls, value: Any) -> Any:
        return None if value is None else _check_month(value)

    @model_validator(mode="after")
    def _trigger(self) -> Event:
        given = [k for k in ("at", "when", "probability") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an event needs exactly one of: at, when, probability")
        return self


# --------------------------------------------------------------------------- uncertainty
class Distribution(Strict):
    """A distribution sampled once per world."""

    dist: Literal["uniform", "triangular", "truncnormal", "lognormal", "choice"] = Field(
        description="Family [name]"
    )
    low: float | None = Field(
        None, description="Lower bound (uniform, triangular, truncnormal) [unit of the parameter]"
    )
    high: float | None = Field(
        None, description="Upper bound (uniform, triangular, truncnormal) [unit of the parameter]"
    )
    mode: float | None = Field(
        None, description="Most likely value (triangular) [unit of the parameter]"
    )
    mean: float | None = Field(
        None, description="Mean before truncation (truncnormal) [unit of the parameter]"
    )
    sd: float | None = Field(
        None, gt=0, description="Standard deviation (truncnormal) [unit of the parameter]"
    )
    median: float | None = Field(
        None, gt=0, description="Median (lognormal) [unit of the parameter]"
    )
    sigma: float | None = Field(
        None, gt=0, description="Standard deviation of the log (lognormal) [1]"
    )
    values: list[float] | list[str] | None = Field(
        None,
        min_length=1,
        description="Possible values (choice): numbers, months (YYYY-MM) for an event's date, or policy names for an actor's policy [unit of the parameter]",
    )
    weights: list[float] | None = Field(
        None, description="Probabilities of the values (choice), normalised [1]"
    )

    @field_validator("low", "high", "mode", "mean", "median", mode="before")
    @classmethod
    def _month(cls, value: Any) -> Any:
        """A month (``2025-03``) stands for its absolute month index (an event's date)."""
        return Month.parse(value).index if isinstance(value, str) else value

    @field_validator("values", mode="before")
    @classmethod
    def _months(cls, value: Any) -> Any:
        if isinstance(value, list) and any(Month.read(v) is not None for v in value):
            return [Month.parse(v).index if isinstance(v, str) else v for v in value]
        return value

    @property
    def names(self) -> list[str]:
        """The values of a choice among names (an actor's policies), else empty."""
        return [v for v in self.values or [] if isinstance(v, str)]

    @property
    def numbers(self) -> list[float]:
        """The values of a choice among numbers, else empty."""
        return [float(v) for v in self.values or [] if not isinstance(v, str)]

    @model_validator(mode="after")
    def _shape(self) -> Distribution:
        needs = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "truncnormal": ("mean", "sd", "low", "high"),
            "lognormal": ("median", "sigma"),
            "choice": ("values",),
        }[self.dist]
        missing = [k for k in needs if getattr(self, k) is None]
        if missing:
            raise ValueError(f"{self.dist} needs {', '.join(needs)}; missing {', '.join(missing)}")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.dist == "triangular" and not (self.low or 0) <= (self.mode or 0) <= (
            self.high or 0
        ):
            raise ValueError(f"mode ({self.mode}) must lie between low and high")
        if self.weights is not None:
            if self.values is None or len(self.weights) != len(self.values):
                raise ValueError("weights need one entry per value")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative with a positive sum")
        return self


# --------------------------------------------------------------------------- expectations
class Expectation(Strict):
    """A direction a what-if expects for one outcome against the scenario it extends."""

    metric: str = Field(description="Recorded metric [name]")
    at: YearMonth = Field(description="Month of the reading [YYYY-MM]")
    sign: Literal["+", "-"] = Field(
        description="Expected sign of the median paired difference against the parent [+ or -]"
    )
    why: str = Field(min_length=1, description="The mechanism that makes it so [text]")

    _at = field_validator("at", mode="before")(classmethod(lambda cls, v: _check_month(v)))

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        if condition_variable(value) != value:
            raise ValueError(f"unknown metric {value!r} (a recorded metric name, no owner prefix)")
        return value


# --------------------------------------------------------------------------- scenario
class Scenario(Strict):
    """A triad scenario: what world to simulate, for how long, under which assumptions."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_./-]+$", max_length=120, description="Short identifier [name]"
    )
    title: str = Field("", max_length=200, description="One-line title [text]")
    description: str = Field("", description="What the scenario asks and on what sources [text]")
    extends: str | None = Field(
        None,
        description="Bundled scenario name or relative path this file overrides [name or path]",
    )
    start: str = Field(
        "2023-09",
        description="First simulated month: the actors and drivers take the values written here in it, whatever the month; dated events before it are left out with a note, and an event's drawn date (uncertain) must not fall before it [YYYY-MM]",
    )
    months: int = Field(60, ge=1, le=1200, description="Horizon [months]")
    worlds: int = Field(200, ge=1, le=100_000_000, description="Worlds in the ensemble [count]")
    seed: int = Field(
        20230913, ge=0, le=2**63 - 1, description="Seed of every random draw [integer]"
    )
    actors: Actors = Field(
        default_factory=Actors, description="Parameters and policies of the three states"
    )
    world: World = Field(default_factory=World, description="World drivers")
    dynamics: Dynamics = Field(
        default_factory=Dynamics, description="Rates of the update processes"
    )
    events: list[Event] = Field(
        default_factory=list, description="Dated, conditional and random events [list]"
    )
    uncertain: dict[str, Distribution] = Field(
        default_factory=dict, description="Parameter path -> distribution, sampled per world [map]"
    )
    record_until: str | None = Field(
        None,
        description="Last month of the dated record the scenario conditions on: until then, satellite launches are the record's only (DPRK's own launch decisions begin after it); charts mark it [YYYY-MM]",
    )
    expect: list[Expectation] = Field(
        default_factory=list,
        description="Directions this what-if expects for key outcomes against the scenario it extends, with the reason; tests check them on ensemble medians [list]",
    )
    precision: Literal["float64", "float32"] = Field(
        "float64",
        description="Floating-point type of the model's state, parameters and draws: float64 (the default), or float32, faster on large ensembles, with ensemble medians within 0.2% of float64's (docs/performance.md) [float64 or float32]",
    )
    fix_uncertain: bool = Field(
        False,
        description="Fix every uncertain input at its central value in every world (a distribution's median, a choice's most likely value or policy, an event's median date) for controlled experiments; only the stochastic part (driver noise, random events, delivery noise) still varies [flag]",
    )

    _start = field_validator("start", mode="before")(classmethod(lambda cls, v: _check_month(v)))
    _record = field_validator("record_until", mode="before")(
        classmethod(lambda cls, v: v if v is None else _check_month(v))
    )

    @property
    def first_month(self) -> Month:
        """The first simulated month (``start``)."""
        return Month.parse(self.start)

    @property
    def last_month(self) -> Month:
        """The last simulated month (``months - 1`` after the start)."""
        return self.first_month + self.months - 1

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        problems = self._event_checks()
        for path, dist in self.uncertain.items():
            problems += [Check(m, uncertain=path) for m in uncertain_problems(self, path, dist)]
        if problems:
            raise check_error(problems)
        return self

    def _event_checks(self) -> list[Check]:
        """Event names used twice, dates outside the horizon, actions on unknown paths."""
        from triad.scenario.registry import NUMERIC_KINDS, parameters

        numeric = parameters(*NUMERIC_KINDS)
        problems: list[Check] = []
        first, last = self.first_month, self.last_month
        names: set[str] = set()
        for event in self.events:
            if event.name in names:
                message = f"event name {event.name!r} is used twice"
                problems.append(Check(message, event=event.name, field="name"))
            names.add(event.name)
            drawn = f"events.{event.name}.at" in self.uncertain  # beyond the horizon: never
            later = event.record and event.at is not None and Month.parse(event.at) > last
            if (
                event.at is not None
                and not drawn
                and not later
                and not first <= Month.parse(event.at) <= last
            ):
                message = (
                    f"event {event.name!r} at {event.at} lies outside the horizon "
                    f"{self.start}..{last}"
                )
                problems.append(Check(message, event=event.name, field="at"))
            for action in event.actions:
                if action.kind != "trigger" and action.target not in numeric:
                    message = f"event {event.name!r}: unknown path {action.target!r}"
                    problems.append(Check(message, event=event.name, target=action.target))
        return problems


UNCERTAIN_EVENT_FIELDS: dict[str, str] = {
    "at": "the month a dated event happens; a month past the horizon means never",
    "value": "the value of the event's one set or ramp action",
    "by": "the factor of the event's one scale action",
}
"""What ``uncertain: events.<name>.<field>`` may draw per world."""


def uncertain_kind(path: str) -> Literal["parameter", "policy", "event"]:
    """What an ``uncertain`` key draws: a parameter, an actor's policy, or an event's field."""
    if path.startswith("events."):
        return "event"
    if path.endswith(".policy") and path.count(".") == 1:
        return "policy"
    return "parameter"


def uncertain_problems(scenario: Scenario, path: str, dist: Distribution) -> list[str]:
    """What is wrong with one ``uncertain`` entry of a scenario (empty if nothing)."""
    kind = uncertain_kind(path)
    if kind == "policy":
        return _uncertain_policy_problems(path, dist)
    if dist.names:
        return [f"uncertain: {path!r} draws numbers; names are for an actor's policy"]
    if kind == "parameter":
        from triad.scenario.registry import parameters

        if path not in parameters("number", "count", "flag"):
            return [f"uncertain: {path!r} is not a numeric parameter path"]
        return []
    parts = path.split(".")
    field = parts[-1] if len(parts) >= 3 else ""
    name = ".".join(parts[1:-1])
    event = next((e for e in scenario.events if e.name == name), None)
    if field not in UNCERTAIN_EVENT_FIELDS or event is None:
        fields = ", ".join(UNCERTAIN_EVENT_FIELDS)
        return [f"uncertain: {path!r} names no event's field (events.<name>.<{fields}>)"]
    if field == "at":
        if event.at is None:
            return [f"uncertain: {path!r}: event {name!r} is not dated (it needs 'at')"]
        low = min(_support_numbers(dist))
        if low < scenario.first_month.index:
            return [_drawn_before_start(path, dist, scenario.start, str(Month(int(low))))]
        return []
    kinds = ("scale",) if field == "by" else ("set", "ramp")
    if sum(a.kind in kinds for a in event.actions) != 1:
        return [
            f"uncertain: {path!r}: event {name!r} needs exactly one {' or '.join(kinds)} action"
        ]
    return []


def _drawn_before_start(path: str, dist: Distribution, start: str, low: str) -> str:
    """The refusal of an event's drawn date that can fall before the start, with the fixes.

    Such a draw is refused rather than cut at the start: moving the early draws to the
    start, or drawing again, would both change the distribution the file states; the
    analyst says which range is meant (one that begins at the start), or fixes the date.
    """
    if dist.dist == "choice":
        narrower = f"give it only months from {start} on"
    else:
        fields = (
            ["low", "mode"]
            if dist.dist == "triangular" and (dist.mode or 0) < Month.parse(start).index
            else ["low"]
        )
        shown = " ".join(f"--set uncertain.{path}.{f}={start}" for f in fields)
        narrower = f"give it a range that begins at the start ({shown})"
    event = path.removeprefix("events.").removesuffix(".at")
    return (
        f"uncertain: {path!r} draws months before the start {start} (from {low}), when "
        f"the event cannot happen: {narrower}, or fix its date "
        f"(--set events.{event}.at=YYYY-MM)"
    )


def _uncertain_policy_problems(path: str, dist: Distribution) -> list[str]:
    actor = path.split(".")[0]
    if actor not in ("russia", "china", "dprk"):
        return [f"uncertain: {path!r}: no actor {actor!r} (russia, china, dprk)"]
    allowed = [n for n in policy_names(actor) if n != "human"]
    if dist.dist != "choice" or not dist.names or dist.numbers:
        return [f"uncertain: {path!r} is a choice among policy names ({', '.join(allowed)})"]
    unknown = [n for n in dist.names if n not in allowed]
    if unknown:
        return [f"uncertain: {path!r}: {unknown[0]!r} is not one of {', '.join(allowed)}"]
    if len(set(dist.names)) != len(dist.names):
        return [f"uncertain: {path!r} names a policy twice"]
    return []


def _support_numbers(dist: Distribution) -> list[float]:
    """The ends of a distribution's numbers (its low and high, or its values)."""
    if dist.dist == "choice":
        return dist.numbers or [0.0]
    if dist.dist == "lognormal":
        return [0.0]
    return [float(dist.low or 0.0), float(dist.high or 0.0)]


def fixed_dates(scenario: Scenario) -> list[tuple[str, str]]:
    """The ``(YYYY-MM, name)`` of the events that happen on the same month in every world.

    Conditional and random events, and dated ones whose month is drawn per world
    (``uncertain: events.NAME.at``), have no single month and are left out. Sorted by date.
    """
    drawn = {path.split(".")[1] for path in scenario.uncertain if path.endswith(".at")}
    return sorted(
        (e.at, e.name) for e in scenario.events if e.at is not None and e.name not in drawn
    )
