"""A skill's crosswalks (ESCO, SFIA, apprenticeship standard) in one shape for every format.

``taxonomy.model.Crosswalks`` stores them as the file format has them; the exports (the skills CSV
in both layouts, SKOS, each concept's JSON-LD) all read them through :func:`alignments`, so a
crosswalk is carried through every format the same way (issue 19).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from taxonomy.model import Skill


class Alignment(NamedTuple):
    """A skill's counterpart in another framework: its crosswalks, in one shape for every format."""

    framework: str
    code: str
    url: str | None
    match: Literal["exact", "close"]
    """The same concept, or an overlapping one (SKOS ``exactMatch`` / ``closeMatch``)."""


def alignments(skill: Skill) -> list[Alignment]:
    """ESCO (exact, then close), SFIA, apprenticeship standard: what ``skill.crosswalks`` holds.

    SFIA and apprenticeship standards are named by their codes (``PRMG``, ``ST0310``): both
    publishers change their page addresses between versions, so no URL is made up for them.
    """
    crosswalks = skill.crosswalks
    if crosswalks is None:
        return []
    found: list[Alignment] = []
    if crosswalks.esco:
        found.append(Alignment("ESCO", crosswalks.esco, crosswalks.esco, "exact"))
    found.extend(Alignment("ESCO", uri, uri, "close") for uri in crosswalks.esco_close)
    if crosswalks.sfia:
        found.append(Alignment("SFIA", crosswalks.sfia, None, "exact"))
    if crosswalks.apprenticeship:
        found.append(Alignment("Apprenticeship standard", crosswalks.apprenticeship, None, "close"))
    return found
