"""What changed between two editions (issue 19): items added, removed, renamed, merged, split and
changed field by field, for every kind of item (``taxonomy.edits.KINDS``).

A pure function of two ``Framework`` values (and the editions between them), so the API, the CLI
and the editor's publish page show the same diff.

Renames, merges and splits are what the editions' ``replaces`` record (DESIGN §1; only skills carry
it). ``replaces`` names skills of the edition just before, so a diff across several editions walks
them in order exactly as carrying an audit forward does (``api.analysis.carry_forward``): an old
skill becomes itself while its slug lasts, plus every later skill that replaces it. Then, for an old
skill that is gone:

- one successor that replaces nothing else and did not exist before: **renamed** (with any field
  that also changed);
- one successor that also absorbs other skills, or existed already: **merged** into it;
- several successors: **split**.

Any other skill missing from the later edition is **removed**; any new one that replaces nothing
is **added**. A diff from a later edition to an earlier one is the forward diff turned round.
``replaces`` itself is never reported as a changed field: it describes the step, not the skill.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import msgspec

from taxonomy.edits import KINDS, Item, ItemKind, KindName
from taxonomy.model import Framework

IGNORED_FIELDS = frozenset({"replaces"})


class FieldChange(msgspec.Struct, kw_only=True, frozen=True):
    field: str
    before: Any
    after: Any


class Changed(msgspec.Struct, kw_only=True, frozen=True):
    item: str
    fields: list[FieldChange]


class Renamed(msgspec.Struct, kw_only=True, frozen=True):
    before: str
    after: str
    fields: list[FieldChange]
    """Other fields that changed with the rename."""


class Merged(msgspec.Struct, kw_only=True, frozen=True):
    into: str
    merged: list[str]


class Split(msgspec.Struct, kw_only=True, frozen=True):
    item: str
    into: list[str]


class KindDiff(msgspec.Struct, kw_only=True, frozen=True):
    kind: KindName
    added: list[str]
    removed: list[str]
    renamed: list[Renamed]
    merged: list[Merged]
    split: list[Split]
    changed: list[Changed]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.merged or self.split or self.changed)


class EditionDiff(msgspec.Struct, kw_only=True, frozen=True):
    from_version: str
    to_version: str
    kinds: list[KindDiff]
    """One entry per kind of item, in the edition's file order, empty ones included."""

    @property
    def empty(self) -> bool:
        return all(kind.empty for kind in self.kinds)


def field_changes(before: Item, after: Item, skip: frozenset[str] = frozenset()) -> list[FieldChange]:
    """Every field whose value differs, in declaration order, as plain JSON values."""
    changes = []
    for name in before.__struct_fields__:
        if name in IGNORED_FIELDS or name in skip:
            continue
        old, new = msgspec.to_builtins(getattr(before, name)), msgspec.to_builtins(getattr(after, name))
        if old != new:
            changes.append(FieldChange(field=name, before=old, after=new))
    return changes


def successors(old: Sequence[str], steps: Sequence[Framework]) -> dict[str, list[str]]:
    """``{old skill: skills of the last step it became}`` through each step's ``replaces``."""
    current = {slug: [slug] for slug in old}
    for step in steps:
        kept = {skill.slug for skill in step.skills}
        for slug, targets in current.items():
            reached: list[str] = []
            for target in targets:
                if target in kept:
                    reached.append(target)
                reached += [s.slug for s in step.skills if target in s.replaces and s.slug != target]
            current[slug] = list(dict.fromkeys(reached))
    return current


def _kind_diff(
    kind: ItemKind[Any], before: Framework, after: Framework, steps: Sequence[Framework]
) -> KindDiff:
    old = {kind.key(item): item for item in kind.items(before)}
    new = {kind.key(item): item for item in kind.items(after)}
    changed = [
        Changed(item=key, fields=fields)
        for key, item in old.items()
        if key in new and (fields := field_changes(item, new[key]))
    ]
    gone = [key for key in old if key not in new]
    fresh = [key for key in new if key not in old]
    renamed: list[Renamed] = []
    merged: dict[str, list[str]] = {}
    split: list[Split] = []
    explained: set[str] = set()
    if kind.name == "skills":
        targets = successors(gone, steps)
        sources: dict[str, list[str]] = {}
        for slug in old:
            for target in successors([slug], steps)[slug]:
                if target != slug:
                    sources.setdefault(target, []).append(slug)
        for slug in gone:
            found = targets[slug]
            if len(found) == 1:
                target = found[0]
                if target in fresh and sources.get(target) == [slug]:
                    renamed.append(
                        Renamed(
                            before=slug,
                            after=target,
                            fields=field_changes(old[slug], new[target], frozenset({"slug"})),
                        )
                    )
                else:
                    merged.setdefault(target, []).append(slug)
            elif found:
                split.append(Split(item=slug, into=found))
            if found:
                explained.add(slug)
                explained.update(found)
    return KindDiff(
        kind=kind.name,
        added=[key for key in fresh if key not in explained],
        removed=[key for key in gone if key not in explained],
        renamed=renamed,
        merged=[Merged(into=into, merged=slugs) for into, slugs in merged.items()],
        split=split,
        changed=changed,
    )


def diff(before: Framework, after: Framework, between: Sequence[Framework] = ()) -> EditionDiff:
    """From ``before`` to ``after`` (the later one), ``between`` the editions in between, in order."""
    steps = [*between, after]
    return EditionDiff(
        from_version=before.version,
        to_version=after.version,
        kinds=[_kind_diff(kind, before, after, steps) for kind in KINDS],
    )


def reverse(forward: EditionDiff) -> EditionDiff:
    """The diff read the other way: from the later edition back to the earlier one."""

    def flip(changes: list[FieldChange]) -> list[FieldChange]:
        return [FieldChange(field=c.field, before=c.after, after=c.before) for c in changes]

    return EditionDiff(
        from_version=forward.to_version,
        to_version=forward.from_version,
        kinds=[
            KindDiff(
                kind=kind.kind,
                added=kind.removed,
                removed=kind.added,
                renamed=[
                    Renamed(before=r.after, after=r.before, fields=flip(r.fields)) for r in kind.renamed
                ],
                merged=[Merged(into=s.item, merged=s.into) for s in kind.split],
                split=[Split(item=m.into, into=m.merged) for m in kind.merged],
                changed=[Changed(item=c.item, fields=flip(c.fields)) for c in kind.changed],
            )
            for kind in forward.kinds
        ],
    )


CSV_COLUMNS = ("kind", "change", "item", "from", "field", "before", "after")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else msgspec.json.encode(value).decode()


def to_csv(edition_diff: EditionDiff) -> str:
    """One row per change; a changed item has one row per field. ``from`` is the old slug(s) of a
    rename, merge or split (``; ``-joined); lists and objects in ``before``/``after`` are JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for kind in edition_diff.kinds:
        name = kind.kind
        writer.writerows([name, "added", key, "", "", "", ""] for key in kind.added)
        writer.writerows([name, "removed", key, "", "", "", ""] for key in kind.removed)
        for rename in kind.renamed:
            writer.writerow([name, "renamed", rename.after, rename.before, "", "", ""])
            writer.writerows(
                [name, "renamed", rename.after, rename.before, c.field, _cell(c.before), _cell(c.after)]
                for c in rename.fields
            )
        writer.writerows([name, "merged", m.into, "; ".join(m.merged), "", "", ""] for m in kind.merged)
        writer.writerows([name, "split", "; ".join(s.into), s.item, "", "", ""] for s in kind.split)
        for change in kind.changed:
            writer.writerows(
                [name, "changed", change.item, "", c.field, _cell(c.before), _cell(c.after)]
                for c in change.fields
            )
    return buffer.getvalue()
