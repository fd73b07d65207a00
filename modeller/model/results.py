"""Plain, frozen results of one model run, and the JSON contract.

:meth:`Results.to_dict` *is* the contract of ``modeller run --format json``; CSV, the
terminal table and the PDF reports all read the same object, so every figure they
show reconciles. Money is unrounded [GBP]; rounding is for display only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class YearRow:
    year: int                 # 1..H
    entering: float           # [people]
    completed: float          # [people]
    recovered: float          # [people]
    cost: float               # falling in this year [GBP]
    gross_savings: float      # arising in this year [GBP]
    net: float                # gross_savings - cost [GBP]
    cumulative_net: float     # [GBP]
    discount_factor: float    # Green Book, year 1 = 1 [-]
    discounted_net: float     # net * discount_factor [GBP]


@dataclass(frozen=True)
class ConditionRow:
    id: str
    label: str
    entering: float
    completed: float
    recovered: float
    cost: float               # within horizon; fixed costs shared by case mix [GBP]
    gross_savings_within_horizon: float
    gross_savings_lifetime: float


@dataclass(frozen=True)
class Totals:
    entering: float
    completed: float
    recovered: float
    cost: float                          # within the horizon [GBP]
    gross_savings_within_horizon: float  # [GBP]
    gross_savings_lifetime: float        # incl. savings after the horizon [GBP]
    net_within_horizon: float            # [GBP]
    npv: float                           # Green Book, within horizon [GBP]
    benefit_cost_ratio: float | None     # PV gross savings / PV cost, within horizon [-]
    roi: float | None                    # (savings - cost) / cost, within horizon [-]
    cost_per_recovery: float | None      # cost / recovered, within horizon [GBP/person]
    break_even_month: int | None         # first month cum. savings >= cum. costs
    gross_savings_beyond_horizon: float  # [GBP]
    cost_beyond_horizon: float           # boosters after the horizon [GBP]
    cost_lifetime: float                 # [GBP]
    net_lifetime: float                  # undiscounted, horizon's cohorts [GBP]
    pv_cost: float                       # discounted cost within horizon [GBP]
    pv_gross_savings: float              # discounted savings within horizon [GBP]
    # --- discounted over the cohorts' whole benefit (Green Book, same convention) ---
    npv_lifetime: float = 0.0            # PV lifetime savings - PV lifetime cost [GBP]
    pv_cost_lifetime: float = 0.0        # [GBP]
    pv_gross_savings_lifetime: float = 0.0  # [GBP]
    benefit_cost_ratio_lifetime: float | None = None  # PV/PV over the lifetime [-]
    benefit_cost_ratio_undiscounted: float | None = None  # savings / cost, horizon [-]
    # --- counterfactual and value for money ---
    attributable_recovered: float = 0.0  # recoveries net of the counterfactual [people]
    pv_attributable_recovered: float = 0.0  # discounted by year of entry [people]
    cost_per_attributable_recovery: float | None = None  # PV lifetime cost / PV attr. [GBP]
    net_cost_per_attributable_recovery: float | None = None  # -npv_lifetime / PV attr. [GBP]
    # --- cash-releasing (lifetime, discounted) ---
    pv_cash_releasing_savings_lifetime: float = 0.0  # [GBP]
    pv_non_cash_releasing_savings_lifetime: float = 0.0  # [GBP]
    npv_cash_releasing_lifetime: float = 0.0  # PV cash-releasing savings - PV cost [GBP]


@dataclass(frozen=True)
class BudgetYear:
    year: int
    cost: float               # [GBP]
    gross_savings: float      # [GBP]
    net: float                # [GBP]
    cash_releasing_savings: float = 0.0      # [GBP]
    non_cash_releasing_savings: float = 0.0  # [GBP]
    financial_year: str | None = None        # e.g. "2027/28"


@dataclass(frozen=True)
class BudgetRow:
    """Costs and savings falling to one budget holder (within the horizon)."""

    id: str
    label: str
    cost: float
    gross_savings_within_horizon: float
    gross_savings_lifetime: float
    net_within_horizon: float
    by_year: tuple[BudgetYear, ...]
    cash_releasing_savings_within_horizon: float = 0.0      # [GBP]
    non_cash_releasing_savings_within_horizon: float = 0.0  # [GBP]
    cash_releasing_mechanisms: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryRow:
    """Savings by category of care (A&E, admissions, ...)."""

    id: str
    label: str
    budget_holder: str
    gross_savings_within_horizon: float
    gross_savings_lifetime: float
    cash_releasing_share: float = 0.0     # [fraction]; 0 when unstated
    cash_releasing_mechanism: str | None = None


@dataclass(frozen=True)
class PerPerson:
    """The cohort view: one average person entering treatment, undiscounted."""

    probability_recovered: float         # [fraction]
    gross_saving: float                  # lifetime [GBP/person]
    cost: float | None                   # lifetime total cost / people entering [GBP]
    net: float | None                    # [GBP/person]
    payback_months: float | None         # months after the month of entry [months]
    probability_attributable: float = 0.0  # recoveries net of the counterfactual [fraction]


@dataclass(frozen=True)
class Results:
    name: str
    hash: str
    tool_version: str
    currency: str
    price_year: int | str | None   # calendar year, or financial year "2010/11"
    horizon_years: int
    savings_apply_to: str
    benefit_months: float
    treatment_months: int
    discount_convention: str
    warnings: tuple[str, ...]
    per_person_entering: PerPerson
    totals: Totals
    by_year: tuple[YearRow, ...]
    by_condition: tuple[ConditionRow, ...]
    cumulative_cost: tuple[float, ...] = field(repr=False)     # end of each month
    cumulative_savings: tuple[float, ...] = field(repr=False)  # end of each month
    cost_lines: tuple[tuple[str, float], ...] = ()
    annual_saving: dict = field(default_factory=dict)   # condition id -> [GBP/year]
    sources: dict = field(default_factory=dict)         # condition id -> citation
    by_budget_holder: tuple[BudgetRow, ...] = ()
    by_care_category: tuple[CategoryRow, ...] = ()
    evidence: dict = field(default_factory=dict)  # condition id -> conversion record
    outcomes: dict = field(default_factory=dict)  # rates, counterfactual and threshold
    appraisal: dict = field(default_factory=dict)  # options, optimism bias, VfM, prices
    financial: dict = field(default_factory=dict)  # affordability by financial year

    def frames(self) -> dict:
        """The results as pandas DataFrames (pandas is imported here, on first use).

        Keys: ``totals`` and ``per_person_entering`` (one row each), ``by_year``,
        ``by_month`` (cumulative cost and gross savings at the end of each month),
        ``by_condition``, ``by_budget_holder``, ``by_budget_holder_year``,
        ``by_care_category``, ``cost_lines``. Money is unrounded [GBP]; each frame's
        ``attrs["units"]`` maps its columns to units.
        """
        from .frames import to_frames

        return to_frames(self.to_dict())

    def to_dict(self) -> dict:
        """The JSON contract (see docs/commands.md) plus extra, documented keys."""
        return {
            "name": self.name,
            "hash": self.hash,
            "tool_version": self.tool_version,
            "currency": self.currency,
            "price_year": self.price_year,
            "horizon_years": self.horizon_years,
            "savings_apply_to": self.savings_apply_to,
            "benefit_months": self.benefit_months,
            "treatment_months": self.treatment_months,
            "discount_convention": self.discount_convention,
            "warnings": list(self.warnings),
            "per_person_entering": asdict(self.per_person_entering),
            "totals": asdict(self.totals),
            "by_year": [asdict(y) for y in self.by_year],
            "by_month": {"cumulative_cost": list(self.cumulative_cost),
                         "cumulative_gross_savings": list(self.cumulative_savings)},
            "by_condition": [dict(asdict(c), annual_saving=self.annual_saving.get(c.id),
                                  source=self.sources.get(c.id))
                             for c in self.by_condition],
            "cost_lines": [{"label": label, "total": total}
                           for label, total in self.cost_lines],
            "by_budget_holder": [asdict(b) for b in self.by_budget_holder],
            "by_care_category": [asdict(c) for c in self.by_care_category],
            "evidence": {cid: {k: v for k, v in conv.items() if k != "record_data"}
                         for cid, conv in self.evidence.items()},
            "outcomes": dict(self.outcomes),
            "appraisal": dict(self.appraisal),
            "financial": dict(self.financial),
        }
