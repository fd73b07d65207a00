"""The model stage: pure arithmetic from a validated set to plain results.

- :mod:`modeller.model.engine`: the vectorised cost-offset model (``compute``).
- :mod:`modeller.model.spec_inputs`: a validated set -> ``Inputs``.
- :mod:`modeller.model.runner`: one deterministic run -> ``Results`` (``run``).
- :mod:`modeller.model.appraisal`: outcomes, options, optimism bias, value for money,
  affordability by financial year.
- :mod:`modeller.model.budget`: who pays and who saves (budget holders, care categories).
- :mod:`modeller.model.results`: the frozen results and the JSON contract.

Nothing here reads files or renders output.
"""

from .engine import DISCOUNT_CONVENTION, Arrays, Inputs, compute, discount_factors, headlines
from .runner import results_from, run
from .spec_inputs import inputs_from

__all__ = ["DISCOUNT_CONVENTION", "Arrays", "Inputs", "compute", "discount_factors",
           "headlines", "inputs_from", "results_from", "run"]
