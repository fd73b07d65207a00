"""Plain words for board-facing text: warnings without configuration keys, the glossary,
short hashes and titles.

Warnings come from the model run as ``field.path: message`` for people who edit YAML
(``costs.booster: ... give costs.booster.cost_per_person ... to price them``). Reports
print them as a reader would say them: the field becomes its label ("Booster
treatment"), advice on which key to set is left to the CLI, evidence record ids become
"the cited figure", and "seed" becomes "source". The configuration keys themselves are
printed only in the business case's assumptions appendix.
"""

from __future__ import annotations

import re

#: Labels of the fields a warning can start with (conditions are labelled from results).
FIELD_LABELS = {
    "benefit_duration": "Benefit duration",
    "benefit_duration.months": "Benefit duration",
    "costs.booster": "Booster treatment",
    "costs": "Costs",
    "outcomes": "Outcomes",
    "activity": "Activity",
    "discount_rate": "Discount rate",
    "horizon_years": "Appraisal horizon",
    "price_year": "Price year",
}
_CONDITION_FIELDS = {"annual_saving": "annual saving", "share": "share of case mix",
                     "completion_rate": "completion rate", "recovery_rate": "recovery rate",
                     "savings_split": "savings by care category"}
_PREFIX = re.compile(r"^(?P<field>[a-z_]+(?:\.[A-Za-z0-9_\-]+|\[\d+\])*):\s+")
#: A sentence or clause that tells a YAML editor which key to set.
_ADVICE_START = re.compile(r"(?:give|set|add|write|use)\b", re.IGNORECASE)
_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+(?:\.[a-z_]+)*\b|\b[a-z_]+(?:\.[a-z_]+)+\b")
_RECORD_ID = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b")


def field_label(path: str, condition_labels: dict[str, str]) -> str:
    """A reader's name for a dotted field path (``conditions.copd.annual_saving`` ->
    ``COPD and breathlessness: annual saving``)."""
    parts = path.split(".")
    if parts[0] == "conditions" and len(parts) >= 2:
        label = condition_labels.get(parts[1], parts[1].replace("_", " "))
        what = _CONDITION_FIELDS.get(parts[2], parts[2].replace("_", " ")) \
            if len(parts) > 2 else ""
        return f"{label}: {what}" if what else label
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    return parts[-1].replace("_", " ").capitalize()


def plain_warning(text: str, condition_labels: dict[str, str]) -> str:
    """A warning as a board reads it: labels, not keys (see the module docstring)."""
    m = _PREFIX.match(text)
    head, body = "", text
    if m:
        head = field_label(m.group("field"), condition_labels) + ": "
        body = text[m.end():]
    clauses = re.split(r"(?<=[;.])\s+", body)
    body = " ".join(c for c in clauses if not (_ADVICE_START.match(c) and _KEY.search(c)))
    body = re.sub(r"[;,]\s*$", ".", body.strip())
    body = plain_text(body)
    body = re.sub(r"(?<=\d)\*(?=\d)", "×", body)  # "0.5*36": code, not arithmetic as printed
    body = _RECORD_ID.sub("the cited figure", body)
    body = _KEY.sub(lambda k: field_label(k.group(0), condition_labels).lower(), body)
    body = re.sub(r"\s+([.;,])", r"\1", body).strip()
    if body and body[-1] not in ".)":
        body += "."
    return head + body[:1].upper() + body[1:] if not head else head + body


_SEED_WORDS = [(re.compile(p, re.IGNORECASE), "") for p in (
    r"\s*\((?:see |cf\. )?(?:the )?domain brief[^)]*\)",
    r"\s*[-–—,;]?\s*(?:see )?(?:the )?domain brief(?: section)? [\w.§]+")] + [
    (re.compile(p), r) for p, r in (
    (r"\b[Tt]he seeds['’]", "the source documents’"), (r"\b[Tt]he seeds\b", "the source documents"),
    (r"\b[Tt]he seed['’]s\b", "the source’s"), (r"\bthe seed\b", "the source"),
    (r"\bThe seed\b", "The source"), (r"\bNo seed\b", "No source document"),
    (r"\bseeds\b", "source documents"), (r"\bseed\b", "source"))]


def plain_text(text: str) -> str:
    """Project words a reader does not know, in text quoted from a set or a record:
    "the seed states" -> "the source states" (the seed text copies are the auditors'
    business; readers are given the documents themselves)."""
    for pattern, replacement in _SEED_WORDS:
        text = pattern.sub(replacement, text)
    return text


def short_hash(value: str | None) -> str:
    """The first 12 characters of a hash, for places where a person reads it."""
    return (value or "")[:12]


#: Terms the reports use, in alphabetical order: (term, meaning).
GLOSSARY = [
    ("A&E", "Accident and emergency department."),
    ("Benefit–cost ratio", "Gross savings divided by cost over the appraisal horizon: "
                           "pounds saved for every pound spent."),
    ("Break-even month", "The first month in which the running service’s cumulative "
                         "savings reach its cumulative cost."),
    ("CBT", "Cognitive behavioural therapy."),
    ("CCG", "Clinical commissioning group; integrated care boards (ICBs) took over their "
            "commissioning role in 2022."),
    ("COPD", "Chronic obstructive pulmonary disease."),
    ("FAQ", "Frequently asked questions: here NHS England’s 2017 FAQ for the IAPT-LTC "
            "early implementers, the source of the national assumptions."),
    ("GBP", "Pounds sterling."),
    ("GP", "General practitioner (general practice)."),
    ("Gross saving", "The reduction in healthcare costs before the cost of treatment is "
                     "subtracted."),
    ("HIT", "High-intensity therapist, who delivers step 3 psychological therapies."),
    ("IAPT", "Improving Access to Psychological Therapies: NHS talking therapies for "
             "depression and anxiety disorders."),
    ("IAPT-LTC", "IAPT services integrated with physical healthcare, for people with "
                 "long-term physical health conditions or medically unexplained "
                 "symptoms."),
    ("ICB", "Integrated care board, the NHS commissioner for an area."),
    ("IT", "Information technology."),
    ("LTC", "Long-term (physical health) condition, such as diabetes, COPD or heart "
            "disease."),
    ("MDT", "Multidisciplinary team."),
    ("MUS", "Medically unexplained symptoms: persistent physical symptoms that a physical "
            "condition does not explain."),
    ("Net", "Savings minus costs."),
    ("NHS", "National Health Service."),
    ("NICE", "National Institute for Health and Care Excellence."),
    ("NPV", "Net present value: each year’s savings minus costs, discounted to present "
            "values at the Green Book rate and added up."),
    ("Payback", "The months until one person’s expected savings repay the cost of their "
                "treatment."),
    ("PREM", "Patient-reported experience measure."),
    ("Price year", "The year whose prices the money figures are in."),
    ("PSA", "Probabilistic sensitivity analysis: the model run many times with every "
            "uncertain assumption drawn from its distribution."),
    ("PV", "Present value: a future amount discounted to today’s value at the Green Book "
           "rate."),
    ("PWP", "Psychological wellbeing practitioner, who delivers step 2 low-intensity "
            "interventions."),
    ("QALY", "Quality-adjusted life year: a year of life weighted by its health-related "
             "quality, NICE’s measure of health gained."),
    ("RCT", "Randomised controlled trial."),
    ("Recovery", "Moving from above to below the clinical threshold on the measures of "
                 "depression and anxiety between the start and end of treatment."),
    ("ROI", "Return on investment: (gross savings − cost) ÷ cost."),
    ("SUS", "Secondary Uses Service: the NHS’s national data on hospital activity."),
    ("WSAS", "Work and Social Adjustment Scale, a measure of how problems affect daily "
             "life."),
]


#: Terms the one-page reports print from their fixed content (the logic model's inputs,
#: activities and outcomes); the business case's glossary explains them for the whole
#: pack even where the business case's own text does not use them.
ONE_PAGE_TERMS = frozenset({"IT", "MDT", "PREM", "PWP", "WSAS"})

_GLOSSARY_ENTRY = re.compile(r"(?:<div>)?<dt>(?P<term>.*?)</dt><dd>.*?</dd>(?:</div>)?\s*",
                             re.DOTALL)
_GLOSSARY_LIST = re.compile(r'(<dl class="glossary">)(?P<entries>.*?)(</dl>)', re.DOTALL)


def glossary_in_use(page: str) -> str:
    """The page's HTML with its glossary cut to the terms the pack uses: its own text's
    and :data:`ONE_PAGE_TERMS` (a term the reader never meets is noise, and costs layout
    time)."""
    import html as html_lib

    found = _GLOSSARY_LIST.search(page)
    if not found:
        return page
    rest = re.sub(r"<(style|head)\b.*?</\1>", " ", page[:found.start()] + page[found.end():],
                  flags=re.DOTALL)  # the reader's text, not the style sheet's comments
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", rest))

    def used(entry: re.Match) -> str:
        term = html_lib.unescape(entry.group("term"))
        if term in ONE_PAGE_TERMS:
            return entry.group(0)
        flags = 0 if term.isupper() or "-" in term else re.IGNORECASE
        pattern = rf"(?<![\w-]){re.escape(term)}s?(?![\w-])"
        return entry.group(0) if re.search(pattern, text, flags) else ""

    entries = _GLOSSARY_ENTRY.sub(used, found.group("entries"))
    return page[:found.start()] + found.group(1) + entries + found.group(3) + \
        page[found.end():]
