"""``taxonomy.diff``: what changed between editions, by example and by property (issue 19)."""

from __future__ import annotations

import csv
import io

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy import edits
from taxonomy.diff import Changed, FieldChange, Merged, Renamed, Split, diff, reverse, to_csv
from taxonomy.edits import CATEGORIES, KINDS, ROLES, SCENARIOS, SKILLS, TRAINING
from taxonomy.load import load_framework
from taxonomy.model import Framework

SHIPPED = load_framework()
SLUGS = [skill.slug for skill in SHIPPED.skills]


def next_edition(framework: Framework) -> Framework:
    return edits.new_draft(framework, "2026.2", None, None)


def kind(result, name):  # type: ignore[no-untyped-def]
    return next(k for k in result.kinds if k.kind == name)


def test_renamed_merged_split_added_removed_and_changed() -> None:
    previous = frozenset(SLUGS)
    draft = next_edition(SHIPPED)
    bid = SKILLS.find(draft, "bid-writing")[1]
    draft = edits.replace_item(
        draft,
        SKILLS,
        "bid-writing",
        msgspec.structs.replace(bid, slug="funding-bids", label="Funding bids"),
        previous,
    ).framework
    draft = edits.merge_skill(draft, "risk-reporting", "project-management", previous).framework
    pm = SKILLS.find(draft, "project-management")[1]
    draft = edits.replace_item(
        draft, SKILLS, "project-management", msgspec.structs.replace(pm, description="New words"), previous
    ).framework
    evidence = SKILLS.find(draft, "evidence-base")[1]
    draft = edits.delete_item(draft, SKILLS, "evidence-base").framework
    for slug in ("evidence-data", "evidence-writing"):
        draft = edits.add_item(
            draft, SKILLS, msgspec.structs.replace(evidence, slug=slug, replaces=("evidence-base",))
        ).framework
    draft = edits.delete_item(draft, TRAINING, SHIPPED.training[0].slug).framework
    result = diff(SHIPPED, draft)
    skills = kind(result, "skills")
    assert skills.renamed == [
        Renamed(
            before="bid-writing",
            after="funding-bids",
            fields=[FieldChange(field="label", before=bid.label, after="Funding bids")],
        )
    ]
    assert skills.merged == [Merged(into="project-management", merged=["risk-reporting"])]
    assert skills.split == [Split(item="evidence-base", into=["evidence-data", "evidence-writing"])]
    assert skills.added == [] and skills.removed == []
    assert Changed(
        item="project-management",
        fields=[FieldChange(field="description", before=pm.description, after="New words")],
    ) in [
        Changed(item=c.item, fields=[f for f in c.fields if f.field == "description"]) for c in skills.changed
    ]
    assert "alt_labels" in {
        f.field for c in skills.changed if c.item == "project-management" for f in c.fields
    }
    assert kind(result, "training").removed == [SHIPPED.training[0].slug]
    # Roles that required a renamed skill changed with it (their requirement now names the new slug).
    assert any(c.item for c in kind(result, "roles").changed)
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert {
        "kind": "skills",
        "change": "renamed",
        "item": "funding-bids",
        "from": "bid-writing",
        "field": "",
        "before": "",
        "after": "",
    } in rows
    assert any(row["change"] == "split" and row["from"] == "evidence-base" for row in rows)


def test_a_rename_across_two_editions_is_followed_through_both() -> None:
    second = next_edition(SHIPPED)
    bid = SKILLS.find(second, "bid-writing")[1]
    second = edits.replace_item(
        second, SKILLS, "bid-writing", msgspec.structs.replace(bid, slug="bids"), frozenset(SLUGS)
    ).framework
    second = msgspec.structs.replace(second, status="published")
    third = edits.new_draft(second, "2026.3", None, None)
    bids = SKILLS.find(third, "bids")[1]
    third = edits.replace_item(
        third,
        SKILLS,
        "bids",
        msgspec.structs.replace(bids, slug="funding-bids"),
        frozenset(s.slug for s in second.skills),
    ).framework
    skills = kind(diff(SHIPPED, third, [second]), "skills")
    assert [(r.before, r.after) for r in skills.renamed] == [("bid-writing", "funding-bids")]
    assert (skills.added, skills.removed) == ([], [])
    # Without the edition in between, the step's replaces name a skill the first edition never had.
    alone = kind(diff(SHIPPED, third), "skills")
    assert (alone.added, alone.removed) == (["funding-bids"], ["bid-writing"])


# --- properties: random edits of the shipped edition ----------------------------------------

EDIT = st.one_of(
    st.tuples(st.just("rename"), st.sampled_from(SLUGS), st.integers(0, 999)),
    st.tuples(st.just("merge"), st.sampled_from(SLUGS), st.sampled_from(SLUGS)),
    st.tuples(st.just("delete"), st.sampled_from(SLUGS), st.just(0)),
    st.tuples(st.just("describe"), st.sampled_from(SLUGS), st.integers(0, 999)),
    st.tuples(st.just("drop-role"), st.sampled_from([r.slug for r in SHIPPED.roles]), st.just(0)),
)


def apply(framework: Framework, steps: list[tuple[str, str, object]]) -> Framework:
    previous = frozenset(SLUGS)
    for action, slug, other in steps:
        try:
            if action == "rename":
                item = SKILLS.find(framework, slug)[1]
                new = msgspec.structs.replace(item, slug=f"{slug}-{other}")
                framework = edits.replace_item(framework, SKILLS, slug, new, previous).framework
            elif action == "merge":
                framework = edits.merge_skill(framework, slug, str(other), previous).framework
            elif action == "delete":
                framework = edits.delete_item(framework, SKILLS, slug).framework
            elif action == "describe":
                item = SKILLS.find(framework, slug)[1]
                new = msgspec.structs.replace(item, description=f"changed {other}")
                framework = edits.replace_item(framework, SKILLS, slug, new, previous).framework
            else:
                framework = edits.delete_item(framework, ROLES, slug).framework
        except edits.EditRefused:
            continue
    return framework


@settings(max_examples=60, deadline=None)
@given(st.lists(EDIT, max_size=6))
def test_every_difference_is_reported_once_and_reversal_is_exact(
    steps: list[tuple[str, str, object]],
) -> None:
    after = apply(next_edition(SHIPPED), steps)
    result = diff(SHIPPED, after)
    assert (
        diff(after, after).empty and diff(SHIPPED, msgspec.structs.replace(SHIPPED, version="2026.2")).empty
    )
    for item_kind in KINDS:
        reported = kind(result, item_kind.name)
        old = {item_kind.key(i): i for i in item_kind.items(SHIPPED)}
        new = {item_kind.key(i): i for i in item_kind.items(after)}
        gone = (
            set(reported.removed)
            | {r.before for r in reported.renamed}
            | {s for m in reported.merged for s in m.merged}
            | {s.item for s in reported.split}
        )
        came = (
            set(reported.added)
            | {r.after for r in reported.renamed}
            | {s for x in reported.split for s in x.into}
            | {m.into for m in reported.merged if m.into not in old}
        )
        assert gone == set(old) - set(new)  # every vanished item accounted for, once
        assert came == set(new) - set(old)
        assert len(reported.removed) + sum(len(m.merged) for m in reported.merged) + len(
            reported.renamed
        ) + len(reported.split) == len(gone)
        changed = {
            key
            for key in old.keys() & new.keys()
            if msgspec.structs.replace(old[key], **({"replaces": ()} if item_kind is SKILLS else {}))
            != msgspec.structs.replace(new[key], **({"replaces": ()} if item_kind is SKILLS else {}))
        }
        assert {c.item for c in reported.changed} == changed
    # Read backwards, the diff is the forward one turned round, and turning it round again is exact.
    assert reverse(reverse(result)) == result
    assert {k.kind: sorted(k.added) for k in reverse(result).kinds} == {
        k.kind: sorted(k.removed) for k in result.kinds
    }


def test_unused_kinds_are_listed_empty() -> None:
    assert [k.kind for k in diff(SHIPPED, SHIPPED).kinds] == [
        k.name for k in (CATEGORIES, SKILLS, ROLES, edits.PATHWAYS, SCENARIOS, TRAINING)
    ]
