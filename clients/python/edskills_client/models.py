"""Wire types of the ED Skills Pathways API, generated from openapi.yaml: do not edit.

Regenerate with ``python clients/python/tools/generate_models.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias
from uuid import UUID

from msgspec import UNSET, Meta, Struct, UnsetType, field

AnswerInLevel: TypeAlias = Annotated[
    int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)
]


AnswerInEvidence: TypeAlias = Annotated[
    str,
    Meta(
        description="Free text: no control characters except tab, line feed and carriage return.",
        max_length=2000,
        pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
    ),
]


class AnswerIn(Struct, kw_only=True):
    skill: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    level: AnswerInLevel | UnsetType | None = UNSET
    evidence: AnswerInEvidence | UnsetType | None = UNSET
    develop: bool | UnsetType = False


AssessmentInEvidence: TypeAlias = Annotated[
    str,
    Meta(
        description="Free text: no control characters except tab, line feed and carriage return.",
        max_length=2000,
        pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
    ),
]


class AssessmentIn(Struct, kw_only=True):
    member: Annotated[
        str,
        Meta(
            description="Pseudonymous reference chosen by the council, unique within the audit, e.g. EDO-03.",
            examples=["EDO-03"],
            pattern="^[A-Za-z0-9][A-Za-z0-9._\\- ]{0,39}$",
        ),
    ]
    skill: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    level: Annotated[int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)]
    source: Literal["manager", "self", "verified"] | UnsetType = "manager"
    evidence: AssessmentInEvidence | UnsetType | None = UNSET


class AssessmentOut(Struct, kw_only=True):
    skill: str
    source: Literal["self", "manager", "verified"]
    level: int
    evidence: str | UnsetType | None = UNSET


class AttemptOut(Struct, kw_only=True):
    webhook_id: UUID
    event_type: str
    at: str
    status: int | None
    error: str | None
    duration_ms: int


class AttemptPage(Struct, kw_only=True):
    items: list[AttemptOut]
    total: int
    limit: int
    offset: int


AuditCreateFrameworkVersion: TypeAlias = Annotated[str, Meta(max_length=8, pattern="^\\d{4}\\.\\d{1,3}$")]


class AuditCreate(Struct, kw_only=True):
    title: Annotated[
        str,
        Meta(
            description="One line of text: no control characters.",
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
        ),
    ]
    audit_date: Annotated[str, Meta(description="The date the audit describes.")]
    framework_version: AuditCreateFrameworkVersion | UnsetType | None = UNSET


class AuditImportUpload(Struct, kw_only=True):
    file: bytes
    title: str
    audit_date: str
    framework_version: str | UnsetType | None = UNSET
    mapping: str | UnsetType | None = UNSET


class AuditOut(Struct, kw_only=True):
    id: UUID
    council: str
    title: str
    audit_date: str
    framework_version: str
    members: int
    assessments: int
    created_at: str
    updated_at: str


class AuditPage(Struct, kw_only=True):
    items: list[AuditOut]
    total: int
    limit: int
    offset: int


AuditUpdateTitle: TypeAlias = Annotated[
    str,
    Meta(
        description="One line of text: no control characters.",
        max_length=200,
        min_length=1,
        pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
    ),
]


class AuditUpdate(Struct, kw_only=True):
    title: AuditUpdateTitle | UnsetType | None = UNSET
    audit_date: str | UnsetType | None = UNSET


class BenchmarkGroupSummary(Struct, kw_only=True):
    key: Literal["type", "region", "combined-authority", "neighbours", "all"]
    label: str
    suppressed: bool
    councils: int | None


class BenchmarkRow(Struct, kw_only=True):
    skill: str
    label: str
    level: int
    required: int
    importance: Literal["essential", "important", "desirable"]
    own_rag: Literal["red", "amber", "green"] | None
    suppressed: bool
    red: float | UnsetType | None = UNSET
    amber: float | UnsetType | None = UNSET
    green: float | UnsetType | None = UNSET


class BulkResult(Struct, kw_only=True):
    created: int
    updated: int


class Candidate(Struct, kw_only=True):
    slug: str
    label: str
    score: float


class Category(Struct, kw_only=True):
    slug: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    name: Annotated[
        str,
        Meta(
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    description: (
        Annotated[
            str,
            Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"),
        ]
        | UnsetType
    ) = ""


class CategoryOut(Struct, kw_only=True):
    slug: str
    name: str
    description: str
    skills: list[str]


class CategoryPage(Struct, kw_only=True):
    version: str
    items: list[CategoryOut]
    total: int
    limit: int
    offset: int


class ChangeOut(Struct, kw_only=True):
    id: int
    version: str
    revision: int
    at: str
    key_name: str
    action: Literal[
        "create", "update", "rename", "delete", "create-draft", "publish", "retire", "delete-draft"
    ]
    kind: Literal["edition", "categories", "skills", "roles", "pathways", "scenarios", "training"]
    item: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ChangePage(Struct, kw_only=True):
    version: str
    items: list[ChangeOut]
    total: int
    limit: int
    offset: int


class ColumnPlan(Struct, kw_only=True):
    column: str
    header: str
    role: Literal[
        "reference",
        "display_name",
        "role",
        "fte",
        "skill",
        "skill_name",
        "level",
        "source",
        "evidence",
        "ignored",
    ]
    skill: str | UnsetType | None = UNSET
    decision: Literal["matched", "suggested", "unmatched", "confirmed", "ignored", "field"] | UnsetType = (
        "field"
    )
    score: float | UnsetType | None = UNSET
    candidates: list[Candidate] | UnsetType | None = UNSET


class CouncilRef(Struct, kw_only=True):
    gss: str
    name: str
    type: str


class CouncilSummary(Struct, kw_only=True):
    gss: str
    code: str
    name: str
    type: str
    type_name: str
    nation: str
    region: str
    district_level: bool
    share_capability: bool
    score: float | UnsetType | None = UNSET


CrosswalksEsco: TypeAlias = Annotated[
    str,
    Meta(
        description="An ESCO concept URI.",
        examples=["http://data.europa.eu/esco/skill/0e2e7d3a-1f0f-4e8e-9b8a-3c2d1e0f9a8b"],
        max_length=300,
        pattern="^https?://data\\.europa\\.eu/esco/",
    ),
]


CrosswalksEscoCloseItem: TypeAlias = Annotated[
    str,
    Meta(
        description="An ESCO concept URI.",
        examples=["http://data.europa.eu/esco/skill/0e2e7d3a-1f0f-4e8e-9b8a-3c2d1e0f9a8b"],
        max_length=300,
        pattern="^https?://data\\.europa\\.eu/esco/",
    ),
]


CrosswalksSfia: TypeAlias = Annotated[str, Meta(pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")]


CrosswalksApprenticeship: TypeAlias = Annotated[
    str, Meta(pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")
]


class Crosswalks(Struct, kw_only=True):
    esco: CrosswalksEsco | UnsetType | None = UNSET
    esco_close: list[CrosswalksEscoCloseItem] | UnsetType = field(default_factory=list)
    sfia: CrosswalksSfia | UnsetType | None = UNSET
    apprenticeship: CrosswalksApprenticeship | UnsetType | None = UNSET


class Development(Struct, kw_only=True):
    skill: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    from_level: Annotated[int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)]
    to_level: Annotated[int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)]


DraftCreateTitle: TypeAlias = Annotated[
    str,
    Meta(
        description="One line of text: no control characters.",
        max_length=200,
        min_length=1,
        pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
    ),
]


DraftCreateDescription: TypeAlias = Annotated[
    str,
    Meta(
        description="Free text: no control characters except tab, line feed and carriage return.",
        max_length=4000,
        pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
    ),
]


class DraftCreate(Struct, kw_only=True):
    version: Annotated[
        str,
        Meta(
            description="Edition, e.g. 2026.1",
            examples=["2026.1"],
            max_length=8,
            pattern="^\\d{4}\\.\\d{1,3}$",
        ),
    ]
    title: DraftCreateTitle | UnsetType | None = UNSET
    description: DraftCreateDescription | UnsetType | None = UNSET


class DueItem(Struct, kw_only=True):
    kind: Literal["round", "review"]
    status: Literal["open", "overdue", "scheduled", "due"]
    title: str
    date: str
    audit_id: UUID
    round_id: UUID | None
    previous_audit_id: UUID | None


class DueList(Struct, kw_only=True):
    items: list[DueItem]


class EditionOut(Struct, kw_only=True):
    id: str
    version: str
    key: str
    title: str
    status: Literal["draft", "published", "retired"]
    revision: int
    based_on: str | None


class EventOut(Struct, kw_only=True):
    id: int
    at: str
    kind: str
    person_id: int | None
    actor: str | None
    address: str | None
    detail: dict[str, Any]


class EventPage(Struct, kw_only=True):
    items: list[EventOut]
    total: int
    limit: int
    offset: int
    kind: str | UnsetType | None = UNSET


class FieldChange(Struct, kw_only=True):
    field_: str = field(name="field")
    before: Any
    after: Any


class FieldError(Struct, kw_only=True):
    field_: str = field(name="field")
    message: str
    source: str | UnsetType | None = UNSET


FrameworkPublishedOn: TypeAlias = Annotated[str, Meta(pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")]


FrameworkSource: TypeAlias = Annotated[
    str, Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")
]


FrameworkLicence: TypeAlias = Annotated[
    str, Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")
]


class FrameworkCounts(Struct, kw_only=True):
    categories: int
    skills: int
    roles: int
    pathways: int
    scenarios: int
    training: int


class FrameworkSummary(Struct, kw_only=True):
    id: str
    version: str
    key: str
    title: str
    status: Literal["draft", "published", "retired"]
    published_on: str | None
    description: str
    counts: FrameworkCounts


class GapRow(Struct, kw_only=True):
    skill: str
    level: int
    required: int
    covered: int
    near: int
    shortfall: int
    importance: Literal["essential", "important", "desirable"]
    weight: int
    rag: Literal["red", "amber", "green"]


class Health(Struct, kw_only=True):
    status: Literal["ok"]
    database: Literal["sqlite", "postgresql"]
    version: str


class HistoryOut(Struct, kw_only=True):
    skill: str
    source: Literal["self", "manager", "verified"]
    old_level: int | None
    new_level: int | None
    actor: str
    at: str


class HistoryPage(Struct, kw_only=True):
    items: list[HistoryOut]
    total: int
    limit: int
    offset: int


class ImportUpload(Struct, kw_only=True):
    file: bytes
    mapping: str | UnsetType | None = UNSET


InvitationCreateGrant: TypeAlias = Annotated[
    str,
    Meta(
        description='`manager:<GSS code>`, `editor`, `analyst` or `admin` (DESIGN §1 "Person").',
        max_length=40,
        pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
    ),
]


class InvitationCreate(Struct, kw_only=True):
    email: Annotated[
        str,
        Meta(
            description="Stored lower-cased.",
            max_length=254,
            pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
        ),
    ]
    display_name: Annotated[
        str,
        Meta(
            description="One line of text: no control characters.",
            max_length=200,
            pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
        ),
    ]
    grants: Annotated[list[InvitationCreateGrant], Meta(max_length=20)]


class IssuedLink(Struct, kw_only=True):
    person_id: int
    email: str
    display_name: str
    purpose: Literal["invite", "reset"]
    link: str
    expires_at: str
    emailed: bool
    mail_error: str | UnsetType | None = UNSET


class JointCohort(Struct, kw_only=True):
    training: str
    title: str
    skill: str
    level: int
    min_cohort: int
    note: str


class JointSkill(Struct, kw_only=True):
    skill: str
    level: int
    relation: Literal["can help", "we can help", "common need"]
    weight: int
    forms: list[str]


LearningSetRequestCouncil: TypeAlias = Annotated[str, Meta(max_length=9, pattern="^[ENSWK]\\d{8}$")]


LearningSetRequestFrameworkVersion: TypeAlias = Annotated[
    str, Meta(max_length=8, pattern="^\\d{4}\\.\\d{1,3}$")
]


class LearningSetRequest(Struct, kw_only=True):
    topic: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    councils: Annotated[list[LearningSetRequestCouncil], Meta(max_length=60, min_length=1)]
    framework_version: LearningSetRequestFrameworkVersion | UnsetType | None = UNSET


LevelInEvidence: TypeAlias = Annotated[
    str,
    Meta(
        description="Free text: no control characters except tab, line feed and carriage return.",
        max_length=2000,
        pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
    ),
]


class LevelIn(Struct, kw_only=True):
    skill: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    level: Annotated[int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)]
    evidence: LevelInEvidence | UnsetType | None = UNSET


class LevelText(Struct, kw_only=True):
    level: int
    name: str
    description: str


class LevelsResult(Struct, kw_only=True):
    written: int


LinksRequestMembersLinksRequestMember: TypeAlias = Annotated[
    str,
    Meta(
        description="Pseudonymous reference chosen by the council, unique within the audit, e.g. EDO-03.",
        examples=["EDO-03"],
        pattern="^[A-Za-z0-9][A-Za-z0-9._\\- ]{0,39}$",
    ),
]


LinksRequestMembers: TypeAlias = Annotated[list[LinksRequestMembersLinksRequestMember], Meta(max_length=5000)]


class LinksRequest(Struct, kw_only=True):
    members: LinksRequestMembers | UnsetType | None = UNSET


class MailRefusal(Struct, kw_only=True):
    reference: str
    reason: str


MailRequestMembersMailRequestMember: TypeAlias = Annotated[
    str,
    Meta(
        description="Pseudonymous reference chosen by the council, unique within the audit, e.g. EDO-03.",
        examples=["EDO-03"],
        pattern="^[A-Za-z0-9][A-Za-z0-9._\\- ]{0,39}$",
    ),
]


MailRequestMembers: TypeAlias = Annotated[list[MailRequestMembersMailRequestMember], Meta(max_length=5000)]


MailRequestEmailsAdditionalProperty: TypeAlias = Annotated[
    str,
    Meta(
        examples=["a.jones@example.gov.uk"],
        max_length=254,
        pattern="^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
    ),
]


class MailRequest(Struct, kw_only=True):
    members: MailRequestMembers | UnsetType | None = UNSET
    emails: Annotated[dict[str, MailRequestEmailsAdditionalProperty], Meta(max_length=5000)] | UnsetType = (
        UNSET
    )


class MailResult(Struct, kw_only=True):
    sent: list[str]
    skipped: list[MailRefusal]
    failed: list[MailRefusal]


class ManagerLevels(Struct, kw_only=True):
    levels: Annotated[list[LevelIn], Meta(max_length=1000, min_length=1)]


class MatchCandidate(Struct, kw_only=True):
    slug: str
    label: str
    matched_label: str
    score: float


MatchRequestText: TypeAlias = Annotated[
    str,
    Meta(
        description="One line of text: no control characters.",
        max_length=500,
        pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
    ),
]


MatchRequestVersion: TypeAlias = Annotated[str, Meta(max_length=8, pattern="^\\d{4}\\.\\d{1,3}$")]


class MatchRequest(Struct, kw_only=True):
    texts: Annotated[list[MatchRequestText], Meta(max_length=10000, min_length=1)]
    version: MatchRequestVersion | UnsetType | None = UNSET
    limit: Annotated[int, Meta(ge=1, le=10)] | UnsetType = 3


class MatchResult(Struct, kw_only=True):
    text: str
    decision: Literal["matched", "suggested", "unmatched"]
    candidates: list[MatchCandidate]


class MatchThresholds(Struct, kw_only=True):
    high: float
    low: float
    margin: float


MemberCreateDisplayName: TypeAlias = Annotated[
    str,
    Meta(
        description="One line of text: no control characters.",
        max_length=200,
        min_length=1,
        pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
    ),
]


MemberCreateRole: TypeAlias = Annotated[
    str,
    Meta(
        description="Stable kebab-case identifier.",
        examples=["economic-data-analysis"],
        max_length=80,
        min_length=1,
        pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
    ),
]


class MemberCreate(Struct, kw_only=True):
    reference: Annotated[
        str,
        Meta(
            description="Pseudonymous reference chosen by the council, unique within the audit, e.g. EDO-03.",
            examples=["EDO-03"],
            pattern="^[A-Za-z0-9][A-Za-z0-9._\\- ]{0,39}$",
        ),
    ]
    display_name: MemberCreateDisplayName | UnsetType | None = UNSET
    role: MemberCreateRole | UnsetType | None = UNSET
    fte: Annotated[float, Meta(description="Full-time equivalent (0–2).", ge=0.0, le=2.0)] | UnsetType = 1.0


class MemberLink(Struct, kw_only=True):
    reference: str
    display_name: str | None
    email: str | None
    link: str
    valid_until: str


class MemberOut(Struct, kw_only=True):
    reference: str
    display_name: str | None
    role: str | None
    fte: float
    effective_levels: dict[str, int]
    assessments: list[AssessmentOut]


class MemberPage(Struct, kw_only=True):
    items: list[MemberOut]
    total: int
    limit: int
    offset: int


class MemberRequirement(Struct, kw_only=True):
    skill: str
    level: int
    importance: Literal["essential", "important", "desirable"]
    member_level: int
    met: bool
    short_by: int


MemberUpdateReference: TypeAlias = Annotated[
    str,
    Meta(
        description="Pseudonymous reference chosen by the council, unique within the audit, e.g. EDO-03.",
        examples=["EDO-03"],
        pattern="^[A-Za-z0-9][A-Za-z0-9._\\- ]{0,39}$",
    ),
]


MemberUpdateDisplayName: TypeAlias = Annotated[
    str,
    Meta(
        description="One line of text: no control characters.",
        max_length=200,
        min_length=1,
        pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
    ),
]


MemberUpdateRole: TypeAlias = Annotated[
    str,
    Meta(
        description="Stable kebab-case identifier.",
        examples=["economic-data-analysis"],
        max_length=80,
        min_length=1,
        pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
    ),
]


MemberUpdateFte: TypeAlias = Annotated[float, Meta(description="Full-time equivalent (0–2).", ge=0.0, le=2.0)]


class MemberUpdate(Struct, kw_only=True):
    reference: MemberUpdateReference | UnsetType | None = UNSET
    display_name: MemberUpdateDisplayName | UnsetType | None = UNSET
    role: MemberUpdateRole | UnsetType | None = UNSET
    fte: MemberUpdateFte | UnsetType | None = UNSET


class Merged(Struct, kw_only=True):
    into: str
    merged: list[str]


NeedsCreateFrameworkVersion: TypeAlias = Annotated[str, Meta(max_length=8, pattern="^\\d{4}\\.\\d{1,3}$")]


NeedsCreateEstablishmentAdditionalProperty: TypeAlias = Annotated[int, Meta(ge=0, le=10000)]


NeedsCreateScenario: TypeAlias = Annotated[
    str,
    Meta(
        description="Stable kebab-case identifier.",
        examples=["economic-data-analysis"],
        max_length=80,
        min_length=1,
        pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
    ),
]


NeedsUpdateTitle: TypeAlias = Annotated[
    str,
    Meta(
        description="One line of text: no control characters.",
        max_length=200,
        min_length=1,
        pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
    ),
]


NeedsUpdateEstablishmentAdditionalProperty: TypeAlias = Annotated[int, Meta(ge=0, le=10000)]


NeedsUpdateScenariosNeedsUpdateScenario: TypeAlias = Annotated[
    str,
    Meta(
        description="Stable kebab-case identifier.",
        examples=["economic-data-analysis"],
        max_length=80,
        min_length=1,
        pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
    ),
]


NeedsUpdateScenarios: TypeAlias = Annotated[
    list[NeedsUpdateScenariosNeedsUpdateScenario], Meta(max_length=20)
]


class NeighbourSuggestion(Struct, kw_only=True):
    gss: str
    name: str
    score: int
    can_help: list[JointSkill]
    we_can_help: list[JointSkill]
    common_needs: list[JointSkill]
    joint_cohorts: list[JointCohort]


class NextRole(Struct, kw_only=True):
    role: str
    title: str
    band: int
    kind: Literal["progression", "lateral", "entry"]
    years_min: int
    years_max: int | None
    notes: str


class NextRoles(Struct, kw_only=True):
    version: str
    role: str
    items: list[NextRole]


PathwayEdgeYearsMax: TypeAlias = Annotated[int, Meta(ge=0, le=30)]


class PathwayEdge(Struct, kw_only=True):
    from_role: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    to_role: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    kind: Literal["entry", "lateral", "progression"]
    years_min: Annotated[int, Meta(ge=0, le=30)]
    years_max: PathwayEdgeYearsMax | UnsetType | None = UNSET
    notes: (
        Annotated[
            str,
            Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"),
        ]
        | UnsetType
    ) = ""


class PathwayList(Struct, kw_only=True):
    version: str
    items: list[PathwayEdge]
    total: int


class PersonOut(Struct, kw_only=True):
    id: int
    email: str
    display_name: str
    grants: list[str]
    status: Literal["invited", "active", "locked"]
    created_at: str
    password_changed_at: str | UnsetType | None = UNSET
    locked_until: str | UnsetType | None = UNSET


class PlacementHost(Struct, kw_only=True):
    member: str
    training: str
    kind: str
    skill: str
    councils: list[str]
    names: list[str]


class PlanJointCohort(Struct, kw_only=True):
    council: str
    name: str
    training: str
    title: str
    skill: str
    level: int
    min_cohort: int
    note: str


class Problem(Struct, kw_only=True):
    type: str
    title: str
    status: int
    detail: str
    instance: str | UnsetType | None = UNSET
    errors: list[FieldError] | UnsetType | None = UNSET


class ProficiencyLevel(Struct, kw_only=True):
    level: Annotated[int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)]
    name: Annotated[
        str,
        Meta(
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    description: Annotated[
        str,
        Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"),
    ]


class ProgressRow(Struct, kw_only=True):
    skill: str
    level: int
    required: int
    importance: Literal["essential", "important", "desirable"]
    covered_before: int
    covered_after: int
    rag_before: Literal["red", "amber", "green"]
    rag_after: Literal["red", "amber", "green"]
    change: Literal["better", "worse", "same"]


class Quartiles(Struct, kw_only=True):
    lower: float
    median: float
    upper: float


class RagCounts(Struct, kw_only=True):
    red: int
    amber: int
    green: int


class Renamed(Struct, kw_only=True):
    before: str
    after: str
    fields: list[FieldChange]


class Requirement(Struct, kw_only=True):
    skill: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    level: Annotated[int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)]
    importance: Literal["desirable", "essential", "important"]


class RequirementIn(Struct, kw_only=True):
    level: Annotated[int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)]
    importance: Literal["desirable", "essential", "important"]


class RequirementRow(Struct, kw_only=True):
    skill: str
    level: int
    required: int
    importance: Literal["essential", "important", "desirable"]
    weight: int


class Requirements(Struct, kw_only=True):
    needs: UUID
    framework_version: str
    rows: list[RequirementRow]
    total_headcount: int


class ResponseOut(Struct, kw_only=True):
    invited: int
    submitted: int
    rate_percent: float | None
    outstanding: list[str]


RoleAltTitle: TypeAlias = Annotated[
    str,
    Meta(
        max_length=200,
        min_length=1,
        pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
    ),
]


RoleSource: TypeAlias = Annotated[
    str, Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")
]


class Role(Struct, kw_only=True):
    slug: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    title: Annotated[
        str,
        Meta(
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    band: Annotated[int, Meta(description="Seniority band: 1 entry ... 6 director.", ge=1, le=6)]
    summary: (
        Annotated[
            str,
            Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"),
        ]
        | UnsetType
    ) = ""
    alt_titles: list[RoleAltTitle] | UnsetType = field(default_factory=list)
    requirements: list[Requirement] | UnsetType = field(default_factory=list)
    source: RoleSource | UnsetType | None = UNSET


class RoleDetail(Struct, kw_only=True):
    version: str
    role: Role
    next: list[NextRole]
    previous: list[str]


class RolePage(Struct, kw_only=True):
    version: str
    items: list[Role]
    total: int
    limit: int
    offset: int


class RoleReadiness(Struct, kw_only=True):
    role: str
    title: str
    band: int
    steps: int
    readiness: float


class RoleUse(Struct, kw_only=True):
    role: str
    title: str
    level: int
    importance: Literal["essential", "important", "desirable"]


RoundCreateMembersRoundCreateMember: TypeAlias = Annotated[
    str,
    Meta(
        description="Pseudonymous reference chosen by the council, unique within the audit, e.g. EDO-03.",
        examples=["EDO-03"],
        pattern="^[A-Za-z0-9][A-Za-z0-9._\\- ]{0,39}$",
    ),
]


RoundCreateMembers: TypeAlias = Annotated[list[RoundCreateMembersRoundCreateMember], Meta(max_length=5000)]


RoundCreateEmailsAdditionalProperty: TypeAlias = Annotated[
    str,
    Meta(
        examples=["a.jones@example.gov.uk"],
        max_length=254,
        pattern="^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
    ),
]


RoundCreateCategory: TypeAlias = Annotated[
    str,
    Meta(
        description="Stable kebab-case identifier.",
        examples=["economic-data-analysis"],
        max_length=80,
        min_length=1,
        pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
    ),
]


class RoundCreate(Struct, kw_only=True):
    title: Annotated[
        str,
        Meta(
            description="One line of text: no control characters.",
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
        ),
    ]
    due_date: str
    members: RoundCreateMembers | UnsetType | None = UNSET
    emails: Annotated[dict[str, RoundCreateEmailsAdditionalProperty], Meta(max_length=5000)] | UnsetType = (
        UNSET
    )
    scope: Literal["categories", "roles"] | UnsetType = "roles"
    needs_id: UUID | UnsetType | None = UNSET
    categories: Annotated[list[RoundCreateCategory], Meta(max_length=100)] | UnsetType = UNSET
    evidence_required_from_level3: bool | UnsetType = False
    cycle_months: (
        Annotated[
            Literal[0, 3, 6, 12],
            Meta(
                description="Review cycle in months: 0 (none), 3, 6 or 12; the next review is scheduled at close."
            ),
        ]
        | UnsetType
    ) = 0


class RoundOut(Struct, kw_only=True):
    id: UUID
    audit_id: UUID
    title: str
    due_date: str
    valid_until: str
    scope: Literal["roles", "categories"]
    needs_id: UUID | None
    categories: list[str]
    evidence_required_from_level3: bool
    cycle_months: int
    status: Literal["open", "closed"]
    created_at: str
    created_by: str | None
    closed_at: str | None
    invited: int
    submitted: int
    response_rate_percent: float | None
    next_audit_id: UUID | None
    previous_audit_id: UUID | None


class RoundPage(Struct, kw_only=True):
    items: list[RoundOut]
    total: int
    limit: int
    offset: int


class RowError(Struct, kw_only=True):
    row: int
    column: str | None
    message: str


class RowKey(Struct, kw_only=True):
    skill: str
    level: int


class RowOutcome(Struct, kw_only=True):
    skill: str
    level: int
    required: int
    importance: str
    weight: int
    covered_before: int
    covered_after: int
    shortfall_before: int
    shortfall_after: int


ScenarioSource: TypeAlias = Annotated[
    str, Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")
]


class ScenarioPoint(Struct, kw_only=True):
    scenario: str
    readiness: float
    counts: RagCounts


class ScenarioRow(Struct, kw_only=True):
    skill: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    level: Annotated[int, Meta(description="Proficiency level, 0 (None) to 4 (Expert).", ge=0, le=4)]
    headcount: Annotated[int, Meta(ge=1, le=10000)]
    importance: Literal["desirable", "essential", "important"]


class SectorCell(Struct, kw_only=True):
    skill: str
    level: int
    suppressed: bool
    red: float | UnsetType | None = UNSET
    amber: float | UnsetType | None = UNSET
    green: float | UnsetType | None = UNSET


class SectorGroup(Struct, kw_only=True):
    key: str
    label: str
    suppressed: bool
    councils: int | None
    cells: list[SectorCell]


class SectorRow(Struct, kw_only=True):
    skill: str
    label: str
    level: int
    required: int
    importance: Literal["essential", "important", "desirable"]


class SectorSubject(Struct, kw_only=True):
    kind: Literal["scenario", "role"]
    slug: str
    title: str


class SectorView(Struct, kw_only=True):
    version: str
    subject: SectorSubject
    rows: list[SectorRow]
    threshold: int
    note: str
    overall: SectorGroup
    by_region: list[SectorGroup]
    by_council_type: list[SectorGroup]


class SelfAssessmentIn(Struct, kw_only=True):
    answers: Annotated[list[AnswerIn], Meta(max_length=1000)]


class SetMember(Struct, kw_only=True):
    council: str
    reference: str
    band: int | None


class Sharing(Struct, kw_only=True):
    share_capability: bool


class SharingOut(Struct, kw_only=True):
    council: str
    share_capability: bool


SkillIndicator: TypeAlias = Annotated[
    str,
    Meta(
        description="What one level looks like for this skill: one plain-English line.",
        examples=["Records outputs in the council's UKSPF claim template accurately, given the definitions."],
        max_length=300,
        min_length=10,
        pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
    ),
]


SkillAltLabel: TypeAlias = Annotated[
    str,
    Meta(
        max_length=200,
        min_length=1,
        pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
    ),
]


SkillReplace: TypeAlias = Annotated[
    str,
    Meta(
        description="Stable kebab-case identifier.",
        examples=["economic-data-analysis"],
        max_length=80,
        min_length=1,
        pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
    ),
]


SkillSource: TypeAlias = Annotated[
    str, Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")
]


class Skill(Struct, kw_only=True):
    slug: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    label: Annotated[
        str,
        Meta(
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    category: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    description: (
        Annotated[
            str,
            Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"),
        ]
        | UnsetType
    ) = ""
    indicators: (
        Annotated[
            list[SkillIndicator],
            Meta(
                description="What each level looks like for this skill (DESIGN §1): none, or exactly four lines, the first for level 1 (Awareness) and the last for level 4 (Expert).",
                max_length=4,
            ),
        ]
        | UnsetType
    ) = field(default_factory=list)
    alt_labels: list[SkillAltLabel] | UnsetType = field(default_factory=list)
    crosswalks: Crosswalks | UnsetType | None = UNSET
    replaces: list[SkillReplace] | UnsetType = field(default_factory=list)
    source: SkillSource | UnsetType | None = UNSET


class SkillForm(Struct, kw_only=True):
    slug: str
    label: str
    description: str
    indicators: list[str]
    level: int | None
    evidence: str | None
    develop: bool


class SkillLevel(Struct, kw_only=True):
    level: int
    name: str
    description: str
    indicator: str | UnsetType | None = UNSET


class SkillLift(Struct, kw_only=True):
    skill: str
    from_level: int
    to_level: int


class SkillMapping(Struct, kw_only=True):
    skill: str
    to: list[str]


class SkillOut(Struct, kw_only=True):
    slug: str
    label: str
    category: str
    description: str
    alt_labels: list[str]
    score: float | UnsetType | None = UNSET
    matched_label: str | UnsetType | None = UNSET


class SkillPage(Struct, kw_only=True):
    version: str
    items: list[SkillOut]
    total: int
    limit: int
    offset: int


class SkillReview(Struct, kw_only=True):
    skill: str
    label: str
    category: str
    self_level: int | None
    manager_level: int | None
    verified_level: int | None
    effective_level: int | None
    difference: int | None
    flagged: bool
    evidence: str | None
    develop: bool


class Split(Struct, kw_only=True):
    item: str
    into: list[str]


SubscriptionCreateCouncil: TypeAlias = Annotated[str, Meta(max_length=9, pattern="^[ENSWK]\\d{8}$")]


class SubscriptionCreate(Struct, kw_only=True):
    url: Annotated[
        str,
        Meta(
            description="http(s) URL",
            max_length=2000,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    events: Annotated[
        list[Literal["audit.updated", "framework.published", "needs.updated", "round.submitted"]],
        Meta(max_length=10, min_length=1),
    ]
    council: SubscriptionCreateCouncil | UnsetType | None = UNSET


class SubscriptionOut(Struct, kw_only=True):
    id: UUID
    url: str
    events: list[str]
    council: str | None
    status: Literal["active", "disabled"]
    disabled_reason: str | None
    created_at: str
    pending: int


class SubscriptionPage(Struct, kw_only=True):
    items: list[SubscriptionOut]
    total: int
    limit: int
    offset: int


class TitlePlan(Struct, kw_only=True):
    text: str
    rows: list[int]
    slug: str | UnsetType | None = UNSET
    decision: Literal["matched", "suggested", "unmatched", "confirmed", "ignored"] | UnsetType = "unmatched"
    score: float | UnsetType | None = UNSET
    candidates: list[Candidate] | UnsetType | None = UNSET


TrainingOptionUrl: TypeAlias = Annotated[str, Meta(pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")]


TrainingOptionAccreditation: TypeAlias = Annotated[
    str,
    Meta(
        max_length=200,
        min_length=1,
        pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
    ),
]


TrainingOptionMinCohort: TypeAlias = Annotated[int, Meta(ge=1, le=1000)]


TrainingOptionMaxCohort: TypeAlias = Annotated[int, Meta(ge=1, le=1000)]


TrainingOptionCpdHours: TypeAlias = Annotated[float, Meta(ge=0.0, le=10000.0)]


TrainingOptionSource: TypeAlias = Annotated[
    str, Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$")
]


class TrainingOption(Struct, kw_only=True):
    slug: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    provider: Annotated[
        str,
        Meta(
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    title: Annotated[
        str,
        Meta(
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    kind: Literal[
        "action learning set", "apprenticeship", "course", "mentoring", "qualification", "secondment"
    ]
    mode: Literal["blended", "in person", "online"]
    develops: list[Development]
    cost_gbp: Annotated[float, Meta(ge=0.0, le=1000000.0)]
    days: Annotated[float, Meta(ge=0.0, le=1000.0)]
    url: TrainingOptionUrl | UnsetType | None = UNSET
    accreditation: TrainingOptionAccreditation | UnsetType | None = UNSET
    min_cohort: TrainingOptionMinCohort | UnsetType | None = UNSET
    max_cohort: TrainingOptionMaxCohort | UnsetType | None = UNSET
    cpd_hours: TrainingOptionCpdHours | UnsetType | None = UNSET
    indicative: bool | UnsetType = True
    description: (
        Annotated[
            str,
            Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"),
        ]
        | UnsetType
    ) = ""
    source: TrainingOptionSource | UnsetType | None = UNSET


class TrainingPage(Struct, kw_only=True):
    version: str
    items: list[TrainingOption]
    total: int
    limit: int
    offset: int


class TrainingRef(Struct, kw_only=True):
    slug: str
    title: str
    from_level: int
    to_level: int
    cost_gbp: float
    days: float


class TrainingUse(Struct, kw_only=True):
    slug: str
    title: str
    provider: str
    kind: str
    from_level: int
    to_level: int
    cost_gbp: float
    days: float


class TrendPoint(Struct, kw_only=True):
    audit: UUID
    title: str
    audit_date: str
    members: int
    readiness: float
    counts: RagCounts
    scenarios: list[ScenarioPoint]


class UnmappedRole(Struct, kw_only=True):
    member: str
    role: str


class UnmappedSkill(Struct, kw_only=True):
    skill: str
    assessments: int
    members: int
    removed_in: str


class Unplaced(Struct, kw_only=True):
    council: str
    reference: str
    reason: str


class ValidationProblem(Struct, kw_only=True):
    file: str
    item: str
    field_: str = field(name="field")
    message: str


class ValidationReport(Struct, kw_only=True):
    version: str
    revision: int
    valid: bool
    problems: list[ValidationProblem]


VerifyRequestMembersVerifyRequestMember: TypeAlias = Annotated[
    str,
    Meta(
        description="Pseudonymous reference chosen by the council, unique within the audit, e.g. EDO-03.",
        examples=["EDO-03"],
        pattern="^[A-Za-z0-9][A-Za-z0-9._\\- ]{0,39}$",
    ),
]


VerifyRequestMembers: TypeAlias = Annotated[
    list[VerifyRequestMembersVerifyRequestMember], Meta(max_length=5000)
]


VerifyRequestSkillsVerifyRequestSkill: TypeAlias = Annotated[
    str,
    Meta(
        description="Stable kebab-case identifier.",
        examples=["economic-data-analysis"],
        max_length=80,
        min_length=1,
        pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
    ),
]


VerifyRequestSkills: TypeAlias = Annotated[list[VerifyRequestSkillsVerifyRequestSkill], Meta(max_length=1000)]


class VerifyRequest(Struct, kw_only=True):
    members: VerifyRequestMembers | UnsetType | None = UNSET
    skills: VerifyRequestSkills | UnsetType | None = UNSET


class VerifyResult(Struct, kw_only=True):
    verified: int
    changed: int


class AssessmentBulk(Struct, kw_only=True):
    assessments: Annotated[list[AssessmentIn], Meta(max_length=200000, min_length=1)]


class Assignment(Struct, kw_only=True):
    member: str
    training: str
    title: str
    skills: list[SkillLift]
    cost_gbp: float
    days: float
    closes: list[RowKey] | UnsetType = UNSET


class BenchmarkView(Struct, kw_only=True):
    council: str
    needs: UUID
    framework_version: str
    group: Literal["type", "region", "combined-authority", "neighbours", "all"]
    group_label: str
    shared: bool
    suppressed: bool
    councils: int | None
    own_readiness: float | None
    group_readiness: Quartiles | None
    rows: list[BenchmarkRow]
    groups: list[BenchmarkGroupSummary]
    threshold: int
    note: str
    reason: str | UnsetType | None = UNSET


class CarryForwardResult(Struct, kw_only=True):
    audit: AuditOut
    from_version: str
    to_version: str
    members: int
    assessments: int
    changed: list[SkillMapping]
    unmapped_skills: list[UnmappedSkill]
    unmapped_roles: list[UnmappedRole]


class CategoryForm(Struct, kw_only=True):
    slug: str
    name: str
    skills: list[SkillForm]


class Changed(Struct, kw_only=True):
    item: str
    fields: list[FieldChange]


class CouncilDetail(Struct, kw_only=True):
    gss: str
    code: str
    name: str
    official_name: str
    type: str
    type_name: str
    nation: str
    region: str
    district_level: bool
    lat: float | None
    lon: float | None
    population: int | None
    alt_names: list[str]
    county: CouncilRef | None
    combined_authority: CouncilRef | None
    neighbours: list[CouncilRef]
    neighbour_basis: str
    members: list[CouncilRef]
    share_capability: bool


class CouncilPage(Struct, kw_only=True):
    items: list[CouncilSummary]
    total: int
    limit: int
    offset: int


class FrameworkList(Struct, kw_only=True):
    items: list[FrameworkSummary]
    total: int


class ImportPlan(Struct, kw_only=True):
    file_type: Literal["csv", "xlsx"]
    layout: Literal["wide", "long"]
    header_row: int
    columns: list[ColumnPlan]
    roles: list[TitlePlan]
    skill_names: list[TitlePlan]
    members: int
    assessments: int
    errors: list[RowError]
    undecided: list[str]
    ready: bool
    dry_run: bool
    encoding: str | UnsetType | None = UNSET
    delimiter: str | UnsetType | None = UNSET
    sheet: str | UnsetType | None = UNSET
    created_members: int | UnsetType = 0
    updated_members: int | UnsetType = 0
    written_assessments: int | UnsetType = 0


class ImportRefusal(Struct, kw_only=True):
    type: str
    title: str
    status: int
    detail: str
    instance: str | UnsetType | None = UNSET
    errors: list[FieldError] | UnsetType | None = UNSET
    plan: ImportPlan | UnsetType | None = UNSET


class KindDiff(Struct, kw_only=True):
    kind: Literal["categories", "skills", "roles", "pathways", "scenarios", "training"]
    added: list[str]
    removed: list[str]
    renamed: list[Renamed]
    merged: list[Merged]
    split: list[Split]
    changed: list[Changed]


class LearningSet(Struct, kw_only=True):
    number: int
    members: list[SetMember]
    councils: list[str]
    band_min: int | None
    band_max: int | None
    max_distance_km: float
    facilitator: SetMember | None


class LearningSetPlan(Struct, kw_only=True):
    topic_skills: list[str]
    sets: list[LearningSet]
    unplaced: list[Unplaced]


class LearningSetResponse(Struct, kw_only=True):
    topic: str
    framework_version: str
    councils_without_audit: list[str]
    plan: LearningSetPlan


class LevelList(Struct, kw_only=True):
    version: str
    items: list[ProficiencyLevel]
    synonyms: dict[str, int]


class LinkList(Struct, kw_only=True):
    items: list[MemberLink]


class MatchResponse(Struct, kw_only=True):
    version: str
    thresholds: MatchThresholds
    results: list[MatchResult]


class MemberGap(Struct, kw_only=True):
    reference: str
    role: str | None
    met: int
    total: int
    requirements: list[MemberRequirement]


class MemberReview(Struct, kw_only=True):
    reference: str
    display_name: str | None
    role: str | None
    submitted_at: str | None
    flagged: int
    skills: list[SkillReview]


class NeedsCreate(Struct, kw_only=True):
    title: Annotated[
        str,
        Meta(
            description="One line of text: no control characters.",
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x1f\\x7f]*$(?!\\n)",
        ),
    ]
    horizon: str | UnsetType | None = UNSET
    framework_version: NeedsCreateFrameworkVersion | UnsetType | None = UNSET
    establishment: (
        Annotated[dict[str, NeedsCreateEstablishmentAdditionalProperty], Meta(max_length=100)] | UnsetType
    ) = UNSET
    scenarios: Annotated[list[NeedsCreateScenario], Meta(max_length=20)] | UnsetType = UNSET
    rows: Annotated[list[ScenarioRow], Meta(max_length=500)] | UnsetType = UNSET


class NeedsOut(Struct, kw_only=True):
    id: UUID
    council: str
    title: str
    horizon: str | None
    framework_version: str
    establishment: dict[str, int]
    scenarios: list[str]
    rows: list[ScenarioRow]
    created_at: str
    updated_at: str


class NeedsPage(Struct, kw_only=True):
    items: list[NeedsOut]
    total: int
    limit: int
    offset: int


NeedsUpdateRows: TypeAlias = Annotated[list[ScenarioRow], Meta(max_length=500)]


class NeedsUpdate(Struct, kw_only=True):
    title: NeedsUpdateTitle | UnsetType | None = UNSET
    horizon: str | UnsetType | None = UNSET
    establishment: dict[str, NeedsUpdateEstablishmentAdditionalProperty] | UnsetType | None = UNSET
    scenarios: NeedsUpdateScenarios | UnsetType | None = UNSET
    rows: NeedsUpdateRows | UnsetType | None = UNSET


class PeoplePage(Struct, kw_only=True):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int


class Progress(Struct, kw_only=True):
    rows: list[ProgressRow]
    readiness_before: float
    readiness_after: float
    joined: list[str]
    left: list[str]


class ProgressReport(Struct, kw_only=True):
    from_audit: UUID
    to_audit: UUID
    needs: UUID
    framework_version: str
    progress: Progress


class RoundOpened(Struct, kw_only=True):
    round: RoundOut
    links: list[MemberLink]


class RoundReview(Struct, kw_only=True):
    round: RoundOut
    response: ResponseOut
    members: list[MemberReview]


class Scenario(Struct, kw_only=True):
    slug: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    title: Annotated[
        str,
        Meta(
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    description: (
        Annotated[
            str,
            Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"),
        ]
        | UnsetType
    ) = ""
    rows: list[ScenarioRow] | UnsetType = field(default_factory=list)
    source: ScenarioSource | UnsetType | None = UNSET


class ScenarioDetail(Struct, kw_only=True):
    version: str
    scenario: Scenario


class ScenarioList(Struct, kw_only=True):
    version: str
    items: list[Scenario]
    total: int


class SelfAssessmentOut(Struct, kw_only=True):
    round_title: str
    council: str
    due_date: str
    valid_until: str
    editable: bool
    status: Literal["draft", "submitted"]
    submitted_at: str | None
    evidence_required_from_level3: bool
    reference: str
    display_name: str | None
    levels: list[LevelText]
    categories: list[CategoryForm]


class SkillDetail(Struct, kw_only=True):
    version: str
    skill: Skill
    category: Category
    levels: list[SkillLevel]
    roles: list[RoleUse]
    training: list[TrainingUse]


class SkillToBuild(Struct, kw_only=True):
    skill: str
    label: str
    required: int
    current: int
    importance: str
    training: list[TrainingRef]


class SubscriptionCreated(Struct, kw_only=True):
    subscription: SubscriptionOut
    secret: str


class TrainingDetail(Struct, kw_only=True):
    version: str
    training: TrainingOption


class TrainingPlan(Struct, kw_only=True):
    assignments: list[Assignment]
    total_cost_gbp: float
    total_days: float
    weighted_shortfall_closed: int
    shortfall_closed: int
    rows: list[RowOutcome]
    rows_open: list[RowOutcome]
    budget_gbp: float
    budget_days: float
    optimal: bool


class Trend(Struct, kw_only=True):
    council: str
    needs: UUID
    framework_version: str
    scenarios: list[str]
    points: list[TrendPoint]


class AuditImport(Struct, kw_only=True):
    audit: AuditOut | None
    plan: ImportPlan


class EditionDiff(Struct, kw_only=True):
    from_version: str
    to_version: str
    kinds: list[KindDiff]


class Framework(Struct, kw_only=True):
    id: Annotated[
        str,
        Meta(
            description="Stable kebab-case identifier.",
            examples=["economic-data-analysis"],
            max_length=80,
            min_length=1,
            pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$",
        ),
    ]
    version: Annotated[
        str,
        Meta(
            description="Edition, e.g. 2026.1",
            examples=["2026.1"],
            max_length=8,
            pattern="^\\d{4}\\.\\d{1,3}$",
        ),
    ]
    title: Annotated[
        str,
        Meta(
            max_length=200,
            min_length=1,
            pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
        ),
    ]
    status: Literal["draft", "published", "retired"]
    levels: list[ProficiencyLevel]
    categories: list[Category]
    skills: list[Skill]
    roles: list[Role]
    pathways: list[PathwayEdge]
    scenarios: list[Scenario]
    training: list[TrainingOption]
    published_on: FrameworkPublishedOn | UnsetType | None = UNSET
    description: (
        Annotated[
            str,
            Meta(max_length=4000, pattern="^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"),
        ]
        | UnsetType
    ) = ""
    source: FrameworkSource | UnsetType | None = UNSET
    licence: FrameworkLicence | UnsetType | None = UNSET


class GapAnalysis(Struct, kw_only=True):
    rows: list[GapRow]
    readiness: float
    counts: RagCounts
    members: list[MemberGap]


class GapReport(Struct, kw_only=True):
    audit: UUID
    needs: UUID
    framework_version: str
    analysis: GapAnalysis


class Recommendations(Struct, kw_only=True):
    audit: UUID
    needs: UUID
    framework_version: str
    training: TrainingPlan
    joint_working: list[NeighbourSuggestion]
    joint_working_reason: str | UnsetType | None = UNSET
    placement_hosts: list[PlacementHost] | UnsetType = UNSET
    joint_cohorts: list[PlanJointCohort] | UnsetType = UNSET


class RouteStep(Struct, kw_only=True):
    from_role: str
    to_role: str
    title: str
    kind: str
    years_min: int
    years_max: int | None
    readiness: float
    skills_to_build: list[SkillToBuild]


class CareerPathway(Struct, kw_only=True):
    member: str
    current_role: str | None
    current_readiness: float | None
    reachable: list[RoleReadiness]
    target: str | None
    route: list[RouteStep] | None
    total_gap: int | None


class PathwayResponse(Struct, kw_only=True):
    audit: UUID
    framework_version: str
    pathway: CareerPathway
