"""The evidence library: every published savings or cost figure in the seeds, as records.

A record holds one figure exactly as the seed prints it -- value, currency, price year,
the period it covers, gross or net of the intervention's cost, which care it covers --
with where it is published as people cite it (``source``: a bibliography reference and a
locator, checked by :func:`modeller.inputs.references.source_problems`), the reference
the document gives for it, a verbatim quote, and the caveats a commissioner needs before
copying it into a spreadsheet. The seed file and lines stay for auditors (``seed``,
``seed_note``) and never appear in a field a reader sees.

The library lives in ``assumptions/evidence/*.yaml`` (bundled with the package). Each
file is a mapping with an optional ``description`` and a list of ``records``; the keys
are documented in ``docs/evidence.md``.

Units used throughout (square brackets in docstrings):

- money values are in the record's own ``currency`` and ``price_year`` unless a
  :class:`Conversion` says otherwise;
- ``annual_value`` is [currency/person/year] = value * 12 / period_months;
- ``period_months`` is [months];
- price indices are dimensionless; exchange rates are [GBP per unit of currency].

Conversion (:func:`convert`) never guesses. A figure in another currency or price year
converts only with a table entry that carries its source (:class:`ConversionTables`);
without one the result is a :class:`~modeller.inputs.yamlsource.Problem` naming the figure,
its currency and year, and the table entry it needs. Where the seed itself converts a
figure (the angina and rheumatoid-arthritis rows of the FAQ's Table 1), the record's
``stated_conversion`` is used and labelled as the seed's conversion, not ours.

No exchange rate, inflation index or discount rate appears anywhere in the seeds
(domain brief section 6.1), so the package ships none, except the two points implied by
NHS Confed's angina conversion (``assumptions/conversion/nhs-confed-angina-implied.yaml``),
which is opt-in and labelled as such.
"""

from __future__ import annotations

from .records import *  # noqa: F401,F403
from .tables import *  # noqa: F401,F403
from .library import *  # noqa: F401,F403
from .convert import *  # noqa: F401,F403
from .listing import *  # noqa: F401,F403
from .citations import *  # noqa: F401,F403
