"""Fixed report text taken from the seed documents, each item with its citation.

Everything here is either a verbatim quotation (``text``; typos kept and marked [sic]
where they matter, with ``…`` where words are left out) or a short heading written for
the report (``title``, ``heading``). Citations are seed locations
``FILE:FIRST-LAST`` (1-based line numbers), kept for auditors and the tests; reports
never print them but cite the bibliography reference and locator they map to
(:mod:`modeller.inputs.references`, numbered by
:mod:`modeller.outputs.reports.citing`). ``tests/test_reports.py`` checks every
quotation against the cited lines when the seed files are available.

No figure printed in a report comes from this module except figures inside a quotation,
which are printed as quotations with their citation.
"""

from __future__ import annotations

F0 = "000_531557c98ba51688.txt"
F1 = "001_310680aaedf11e68.txt"
F2 = "002_e728865fc4112d63.txt"
F3 = "003_a2cac0063d4a7b45.txt"
F4 = "004_02fe62114f8ae282.txt"


def q(text: str, cite: str) -> dict[str, str]:
    """A verbatim quotation and where it is: ``{"text", "cite"}``."""
    return {"text": text, "cite": cite}


# --- Strategic case -------------------------------------------------------------------

NEED = [
    q("Around one third of people with long-term physical health conditions such as "
      "diabetes, cardiovascular disease or respiratory disease, have a coexisting mental "
      "health problem.", f"{F0}:5-7"),
    q("Where a mental health problem coexists with a long-term physical health problem, "
      "the potential for harm is greater. This includes poorer health outcomes, reduced "
      "quality of life and considerably higher healthcare costs.", f"{F0}:7-10"),
]

POLICY = [
    q("By 2020/21, 1.5 million people will access IAPT. Of the additional 600,000 people "
      "seen, two thirds of people will have coexisting physical health conditions and will "
      "be seen within IAPT services.", f"{F3}:1367"),
    q("From 2018/2019 CCGs will commission IAPT services integrated with physical "
      "healthcare and supporting people with physical and mental health problems.",
      f"{F0}:340-341"),
    q("Where plans to roll out IAPT-LTC services require additional investment, "
      "commissioners should use a logic model to demonstrate a robust business case.",
      f"{F2}:2496-2499"),
]

#: "national and local strategic priorities" a business case should show it supports.
STRATEGIC_PRIORITIES = {
    "cite": f"{F2}:2499-2519",
    "items": [
        "Sustainability and Transformation Partnerships",
        "Health and Wellbeing Strategies",
        "Integrated Personal Commissioning Programmes",
        "New care models",
        "Better Care Fund strategies",
        "Quality, Innovation, Productivity and Prevention (QIPP)",
        "Joint Strategic Needs Assessments",
        "CCG Improvement and Assessment Framework",
    ],
}

LOCAL_NEED_STEPS = [
    q("Estimate the local overall incidence rates of people with LTCs and depression or "
      "anxiety disorders, and MUS", f"{F2}:2322-2326"),
    q("Understand potential savings if benefits are realised, including estimates of the "
      "amount spent locally and a quantification of the potential ‘savings’ resulting from "
      "delivering IAPT-LTC services", f"{F2}:2339-2344"),
]

# --- Evidence -------------------------------------------------------------------------

SAVINGS_RANGE = [
    q("Gross savings in British studies vary between £300 and £2600 a year.",
      f"{F0}:1267-1269"),
    q("Take a middle figure of around £1000 saving per year, covering both primary and "
      "secondary care costs", f"{F0}:1271-1273"),
]

FUNNEL = q("Using a recovery rate of 50% and a ‘conversion’ rate of 60% of people starting "
           "treatment completing, gives 30% (0.5*0.6) of people entering treatment "
           "recover.", f"{F0}:1392-1396")

DURATION = q("Benefits to last for (0.5*36 + 0.25*24 + 0.25*12) = 26.5 [sic] months", f"{F0}:1333")

# --- Service model (activities) -------------------------------------------------------

ACTIVITIES = [
    {"heading": "Co-located, integrated care pathways",
     **q("all therapists should be co-located with general health care teams and primary "
         "care. This requires participation in multidisciplinary team meetings, care "
         "planning and, where required, joint working.", f"{F2}:1131-1137")},
    {"heading": "Case recognition in general health care pathways",
     **q("all LTC or MUS pathways that involve IAPT should have mental health case "
         "recognition tools in routine use.", f"{F2}:1119-1122")},
    {"heading": "Revised assessment protocols",
     **q("protocols should reflect the increased complexity associated with the "
         "assessment of depression and anxiety disorders in people with LTCs and MUS.",
         f"{F2}:1141-1145")},
    {"heading": "Revised workforce",
     **q("Revised IAPT workforce: including expansion and upskilling", f"{F2}:1147-1148")},
]

# --- Logic model ----------------------------------------------------------------------

LOGIC_INPUTS = [
    {"heading": "Skill mix",
     "text": "30% PWPs, 60% high-intensity therapists, 10% senior therapists",
     "cite": f"{F2}:1314-1321"},
    {"heading": "Top-up training",
     "text": "PWPs 5 days, high-intensity therapists 10 days", "cite": f"{F1}:3135-3137"},
    {"heading": "Clinical space",
     "text": "co-located in hospitals, clinics and GP services", "cite": f"{F4}:504-509"},
    {"heading": "IT and data",
     "text": "waiting times, NICE-concordant care, outcome measures",
     "cite": f"{F2}:2719-2730"},
]

LOGIC_ACTIVITIES = [
    {"text": "Therapists co-located with physical health teams and primary care: MDT "
             "meetings, care planning, joint working", "cite": f"{F2}:1131-1137"},
    {"text": "Mental health case recognition tools in routine use", "cite": f"{F2}:1119-1122"},
    {"text": "Revised assessment protocols; workforce expansion and upskilling",
     "cite": f"{F2}:1139-1148"},
]

LOGIC_OUTCOMES = [
    {"text": "Recovery, reliable improvement, reliable recovery", "cite": f"{F2}:2091-2096"},
    {"text": "Perception of physical health; disability (WSAS); experience (PREMs)",
     "cite": f"{F2}:2099-2153"},
]

EXTERNAL_FACTORS = [
    q("The major problems encountered were organisational in nature – slow funding "
      "release, timing of training programmes, variation in criteria for offering "
      "treatment and availability of clinical space.", f"{F4}:69-71"),
    q("the benefits of integrating mental and physical health pathways rarely accrue in "
      "the same place as the costs.", f"{F2}:2734-2737"),
    q("explicit consent would need to be sought for this data as it is not covered by a "
      "section 251 approval.", f"{F0}:791-792"),
]

# --- Risks ----------------------------------------------------------------------------

RISKS = [
    {"title": "The savings are hard to demonstrate",
     "short": "Savings are hard for CCGs to demonstrate",
     "evidence": [q("Savings profile may is [sic] a challenge for CCGs to demonstrate",
                    f"{F1}:1414-1417")],
     "mitigation": [q("Local evaluation from outset vital", f"{F1}:2530"),
                    q("Commitment to complete a local evaluation, which involves linking "
                      "IAPT data with healthcare utilisation data.", f"{F0}:365-366")]},
    {"title": "Benefits fall where the costs do not",
     "short": "Savings accrue outside the commissioner’s budget",
     "evidence": [q("Generally, the benefits of integrating mental and physical health "
                    "pathways rarely accrue in the same place as the costs. This needs to "
                    "be recognised and understood upfront.", f"{F2}:2734-2738")],
     "mitigation": [q("A benefits realisation plan should be drawn up that identifies key "
                      "benefits and sets out how they will be delivered, measured and "
                      "reported.", f"{F2}:2738-2741"),
                    q("Sustainable change is likely to involve the reallocation or "
                      "redistribution of money across the system.", f"{F2}:2814-2816")]},
    {"title": "Workforce and training delays",
     "short": "Recruitment and training delays hold back launch",
     "evidence": [q("Only five sites were able to begin recruiting for new staff in October "
                    "2016. Others took longer, with three sites still waiting for "
                    "confirmation of training places, or for training to commence, in "
                    "March 2017.", f"{F4}:539-541"),
                  q("Recruitment … Delay in launch … Backfill with trainees – not "
                    "equivalent", f"{F1}:3160-3162"),
                  q("Top-up training timescales … Impact on clinical effectiveness & "
                    "outcomes", f"{F1}:3171-3174")],
     "mitigation": [q("Agree recruitment plans with providers", f"{F2}:2606-2607"),
                    q("Agree training plans and associated costs with providers",
                      f"{F2}:2614-2615")]},
    {"title": "Data linkage and information governance",
     "short": "Linking IAPT and healthcare data needs a legal basis",
     "evidence": [q("would allow the sharing of IAPT and SUS acute datasets with "
                    "commissioners but does not cover primary care data", f"{F0}:781-782"),
                  q("explicit consent would need to be sought for this data as it is not "
                    "covered by a section 251 approval.", f"{F0}:791-792")],
     "mitigation": [q("This data sharing should be underpinned by a sound legal basis and a "
                      "data sharing agreement signed by all parties.", f"{F0}:804-805")]},
    {"title": "Short-term funding",
     "short": "One-year funding makes savings hard to evidence",
     "evidence": [q("1 year funding … difficult to evidence savings … Redundancy/"
                    "redeployment of staff", f"{F1}:3156-3158")],
     "mitigation": []},
]

# --- Commercial and management cases --------------------------------------------------

COMMERCIAL = [
    q("CCGs can link outcomes to incentive payments and outcomes can be weighted, depending "
      "on their likely impact on the overarching ambition of the transformation or their "
      "‘value’.", f"{F2}:2781-2786"),
    q("Plans for IAPT-LTC services should consider how money will flow across providers "
      "to support greater service integration.", f"{F2}:2810-2813"),
    q("Consideration should also be given to payment models that inadvertently create "
      "perverse incentives and prevent delivery of IAPT-LTC services.", f"{F2}:2823-2827"),
]

MANAGEMENT = [
    q("Define clear lines of accountability from the start.", f"{F2}:2671-2673"),
    q("Agree a schedule for performance reporting, which may be worked into existing "
      "performance reporting and management arrangements.", f"{F2}:2679-2682"),
]

EVALUATION_ACTIONS = {
    "cite": f"{F1}:2803-2825",
    "items": [
        "Develop a theory of change",
        "Identify outcome metrics",
        "Identify evaluation methodology",
        "Assure quality of Integrated IAPT data",
        "Undertake a Privacy Impact Assessment",
        "Identify who will link the data and undertake the analysis",
        "Decide on the Legal Basis for sharing data",
        "Develop Data Sharing Agreements",
        "Share data",
        "Link the IAPT and healthcare utilisation datasets",
        "Undertake analysis",
    ],
}

# --- Benefits realisation -------------------------------------------------------------

KEY_BENEFITS = {
    "cite": f"{F2}:2743-2759",
    "items": [
        "improved patient experience and service user satisfaction",
        "greater efficiencies through reducing duplication and the need for multiple "
        "assessments",
        "improved clinical outcomes",
        "reduced use of physical health care services, including acute and emergency care",
    ],
}

MEASUREMENT = [
    q("Primary and secondary healthcare utilization data is collected before and after "
      "psychological therapy in order to demonstrate any savings.", f"{F0}:162-163"),
    q("commissioners tend to place more weight on findings based on healthcare "
      "utilisation metrics captured in routine data systems rather than self-report.",
      f"{F0}:684-685"),
]

#: Healthcare-utilisation metrics to track, by kind of condition.
METRICS_GENERAL = {
    "cite": f"{F1}:2687-2726",
    "basis": "selected from the source documents’ metric menu",
    "items": ["A&E attendances", "Emergency inpatient admissions",
              "Outpatient attendances", "GP appointments"],
}
METRICS_DIABETES = {
    "cite": f"{F1}:2730-2745",
    "basis": "metrics the source documents name for diabetes",
    "items": ["Emergency inpatient admissions",
              "Unplanned hospitalisation for chronic ambulatory care sensitive (ACS) "
              "conditions (adults)",
              "A&E attendances", "GP consultations"],
}
METRICS_MUS = {
    "cite": f"{F1}:2760-2778",
    "basis": "metrics the source documents name for MUS / chronic pain, with each one’s "
             "share of "
             "the savings in one study",
    "items": ["Emergency inpatient admissions (52%)", "A&E attendances (22%)",
              "Primary care consultations (16%)", "Outpatient attendances (5%)",
              "Prescribing (5%)"],
}


def metrics_for(condition_id: str, label: str) -> dict:
    """The seed metric list that fits a condition (by id or label), else the general one."""
    key = f"{condition_id} {label}".lower()
    words = set(key.replace("/", " ").replace("-", " ").replace("_", " ").replace("(", " ")
                .replace(")", " ").split())
    if "all" in words or "generic" in words:
        return METRICS_GENERAL
    if "diabet" in key:
        return METRICS_DIABETES
    if ("mus" in words or "unexplained" in key or "chronic pain" in key
            or "somatoform" in key or "persistent physical" in key):
        return METRICS_MUS
    return METRICS_GENERAL


def all_quotes() -> list[dict[str, str]]:
    """Every verbatim quotation in this module (for the citation check in the tests)."""
    quotes = [*NEED, *POLICY, *LOCAL_NEED_STEPS, *SAVINGS_RANGE, FUNNEL, DURATION,
              *EXTERNAL_FACTORS, *COMMERCIAL, *MANAGEMENT, *MEASUREMENT]
    quotes += [{"text": a["text"], "cite": a["cite"]} for a in ACTIVITIES]
    for risk in RISKS:
        quotes += risk["evidence"] + risk["mitigation"]
    return quotes
