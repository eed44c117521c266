"""Text normalisation shared by the matcher and the validator.

Labels are normalised once, when an index is built, and each query once (rapidfuzz 3 applies no
processor by default). Two labels that normalise to the same text are the same label: that is
what the validator's "label shared by two skills" rule compares.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# US spellings and common workplace abbreviations, as whole words, to one canonical form.
WORD_FORMS: dict[str, str] = {
    # US -> UK
    "analyze": "analyse",
    "analyzing": "analysing",
    "analyzed": "analysed",
    "behavior": "behaviour",
    "center": "centre",
    "centers": "centres",
    "labor": "labour",
    "organization": "organisation",
    "organizations": "organisations",
    "organizational": "organisational",
    "program": "programme",
    "programs": "programmes",
    "modeling": "modelling",
    "prioritization": "prioritisation",
    "visualization": "visualisation",
    "visualize": "visualise",
    "utilization": "utilisation",
    "optimization": "optimisation",
    "digitalization": "digitalisation",
    "mobilization": "mobilisation",
    "realization": "realisation",
    "commercialization": "commercialisation",
    "license": "licence",
    "defense": "defence",
    "enrollment": "enrolment",
    "fulfill": "fulfil",
    "judgment": "judgement",
    "favorable": "favourable",
    "neighbor": "neighbour",
    "neighbors": "neighbours",
    "neighboring": "neighbouring",
    # abbreviations managers type in column headers
    "mgmt": "management",
    "mgt": "management",
    "mngt": "management",
    "mgr": "manager",
    "snr": "senior",
    "sr": "senior",
    "asst": "assistant",
    "dept": "department",
    "dev": "development",
    "devt": "development",
    "econ": "economic",
    "proj": "project",
    "projs": "projects",
    "prog": "programme",
    "progs": "programmes",
    "govt": "government",
    "gov": "government",
    "info": "information",
    "comms": "communications",
    "engagment": "engagement",
    "stakeholders": "stakeholder",
    "partnerships": "partnership",
    "skills": "skill",
    "businesses": "business",
}


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower-case, accents folded, ``&`` as ``and``, punctuation as spaces, UK spelling."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = _NON_ALNUM.sub(" ", folded.replace("&", " and ")).split()
    return " ".join(WORD_FORMS.get(word, word) for word in words)
