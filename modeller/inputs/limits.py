"""Every limit the tool puts on what it reads and on what it is asked to compute.

Assumption sets, uploads and every file or folder a set names are untrusted (see
``docs/security.md``): whatever they hold, reading them takes bounded memory and time.
Each limit is a named constant here, documented in ``docs/security.md`` and stated in
the error that reports it (with the file and line). Standard library only, so the
command line can show the limits in ``--help`` without importing anything heavy.
"""

from __future__ import annotations

# --- reading YAML (modeller.inputs.yamlsource) -----------------------------------------

#: Largest assumption-set or evidence file read from disk. [bytes] The bundled files
#: are under 10 kB; 256 KiB leaves room for any real set while bounding the time to
#: parse it and to render its text into the business case's appendix.
MAX_FILE_BYTES = 262_144
#: Largest YAML text accepted through the API (web uploads). [bytes]
MAX_UPLOAD_BYTES = 262_144
#: Most nodes (mappings, lists, scalars) a document may expand to, counting every use of
#: an alias in full: stops "billion laughs" alias bombs, and bounds parsing time. A
#: bundled set or evidence file has fewer than 400.
MAX_NODES = 20_000
#: Deepest nesting of mappings and lists. A set is at most 6 levels deep.
MAX_DEPTH = 32
#: Longest mapping key. [characters]
MAX_KEY_CHARS = 200
#: Longest text value of any kind (sources, notes). [characters]
MAX_TEXT_CHARS = 2_000
#: Longest whole number read as a number: anything longer is far beyond every bound
#: (and Python refuses to convert more than 4,300 digits at all).
MAX_NUMBER_DIGITS = 18
#: Problems listed in one error; the rest are counted ("and 120 more problems").
MAX_PROBLEMS = 50
#: Characters of a user's value shown in an error message before it is cut with "...".
MAX_SHOWN_CHARS = 60

# --- files a set may name (modeller.inputs.loader) -------------------------------------

#: Longest ``extends`` chain (a set extending a set extending ...).
MAX_EXTENDS_DEPTH = 20
#: Most evidence folders one set may name, and files read from each.
MAX_EVIDENCE_FOLDERS = 5
MAX_EVIDENCE_FILES = 50

# --- report PDFs read back (modeller.inputs.pdfset) -------------------------------------

#: Largest report PDF read for its embedded sets. [bytes] The reports are under 1 MB.
MAX_PDF_BYTES = 50 * 1024 * 1024
#: Largest embedded set or build manifest, checked before it is decoded (its text is
#: then parsed under every YAML limit above). [bytes]
MAX_SET_BYTES = 2 * 1024 * 1024

# --- values (modeller.inputs.schema) ---------------------------------------------------

#: Largest amount of money in any field. [GBP] (a national programme is ~1e9)
MAX_MONEY = 1e12
#: Most people entering treatment in a year. [people/year] (England: ~5.7e7 people)
MAX_PEOPLE = 1e8
#: Longest appraisal horizon, and the latest year a discount step or fixed cost may
#: name. [years]
MAX_HORIZON_YEARS = 100
#: Longest duration in any field: a benefit, a delay, treatment, an evidence period
#: (100 years). [months] The model's discount factors run this far past the horizon.
MAX_MONTHS = 1_200
#: Largest factor applied to a cited evidence figure (``scale``). [dimensionless]
MAX_SCALE = 1_000.0
#: Most conditions in one set (each is a column of every run and a line on the
#: logic model), cost lines, duration components, budget holders and care categories.
MAX_CONDITIONS = 20
MAX_FIXED_COSTS = 20
MAX_LIST_ITEMS = 20
#: Text that appears on the one-page board summary and logic model: the name, labels,
#: the description, the decision asked of the board (in bold, in a half-width column)
#: and the note on price years (in the small basis line). [characters] The title, when
#: given, heads the reports in the name's place.
MAX_NAME_CHARS = 80
MAX_TITLE_CHARS = 120
MAX_LABEL_CHARS = 60
MAX_DESCRIPTION_CHARS = 250
MAX_ASK_CHARS = 150
MAX_PRICE_NOTE_CHARS = 500
#: Largest coefficient of variation (sd / mean) of a gamma or lognormal distribution,
#: and largest beta shape parameter: beyond these the samplers lose precision.
MAX_CV = 1_000.0
MAX_BETA_SHAPE = 1e6

# --- resource requests (modeller.analyses, every front end) ---------------------------

#: Most PSA draws in one run (``psa --draws``, ``build --psa-draws``, the API). A run
#: keeps each draw's headline figures and sampled values (8 bytes each).
MAX_DRAWS = 1_000_000
#: Most values a PSA run keeps: draws x (headline figures + sampled parameters). With
#: the chunks in flight (~200 MB) this bounds a run near 0.7 GB.
MAX_PSA_VALUES = 60_000_000
#: Default PSA seed, the same for every command and the API.
DEFAULT_SEED = 1
#: Largest PSA seed a report records in its build manifest (``build.yaml``, read back
#: under :data:`MAX_NUMBER_DIGITS`): ``build``/``report --seed``.
MAX_REPORT_SEED = 10 ** MAX_NUMBER_DIGITS - 1
#: Most scenario sets read back from a report PDF (``modeller build REPORT.pdf``); each
#: is parsed, validated and run.
MAX_EMBEDDED_SCENARIOS = 100
#: Most model cells one PSA run or grid evaluates: scenarios x H x 12H for a horizon of
#: H years (the model's (draws, year, month) arrays). Bounds time: about a minute and a
#: half on one core. A 5-year horizon allows every MAX_DRAWS; 100 years, about 83,000.
MAX_MODEL_CELLS = 10_000_000_000
#: Most scenarios in one grid (the product of the values of every ``--vary``); each
#: row is kept in memory and written out (~1 kB each).
MAX_GRID_POINTS = 100_000
#: Most values one ``--vary`` may list or generate.
MAX_GRID_VALUES = 10_000


class RequestError(ValueError):
    """A request the tool refuses: beyond a limit above, or impossible for this set
    (the message says which limit or rule, and what is allowed)."""
