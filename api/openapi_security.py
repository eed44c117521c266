"""Who may call each operation, stated in the OpenAPI document (issue 13).

One home: an operation's security requirement is derived from the dependencies it declares
(``api.deps.SCOPE_OF_DEPENDENCY``: ``council``, ``editor``, ``analyst``, ``councils_key``), so
declaring the guard is what documents it. The few operations whose key is optional and checked
inside the handler (public matching with an optional key, framework reads where only drafts need a
key) are named once in ``KEY_CHECKED_INSIDE``. Every other operation is public and says so with
``security: []``. ``secure_operations`` sets this on each route handler when the app is built.

Scopes are named as roles of the bearer scheme (OpenAPI 3.1 §4.8.30 allows role names for
non-OAuth schemes): ``council:{code}`` is the council in the path, ``council:{councils}`` each
council a learning-sets request lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import Operation, SecurityRequirement, SecurityScheme
from litestar.routes import HTTPRoute

from api.auth import FRAMEWORK_WRITE
from api.deps import SCOPE_OF_DEPENDENCY

SCHEME = "apiKey"
"""The name of the security scheme in ``components.securitySchemes``."""
SECURITY_SCHEME = SecurityScheme(
    type="http",
    scheme="bearer",
    description=(
        "An API key sent as `Authorization: Bearer eds_<prefix>_<secret>` (created with "
        "`edskills keys create`). Each operation names the scope it needs: `council:{code}` (the "
        "council in the path), `council:{councils}` (each council listed in the body), "
        "`framework:write`, `national:read` or `partner`. A key with the `admin` scope always passes. "
        "Without a valid key a keyed operation answers 401; with a key lacking the scope, 403 (404 for "
        "another council's data)."
    ),
)
ANY_KEY_OR_NONE: list[SecurityRequirement] = [{}, {SCHEME: []}]
DRAFTS_NEED_FRAMEWORK_WRITE: list[SecurityRequirement] = [{}, {SCHEME: [FRAMEWORK_WRITE]}]
KEY_CHECKED_INSIDE: dict[str, list[SecurityRequirement]] = {
    # Public, rate limited per address; a key, when sent, must be valid and counts against its quota.
    "matchSkills": ANY_KEY_OR_NONE,
    "matchRoles": ANY_KEY_OR_NONE,
    # Published and retired editions are public; a draft needs framework:write (else 404).
    "getFrameworkDocument": DRAFTS_NEED_FRAMEWORK_WRITE,
    "validateFramework": DRAFTS_NEED_FRAMEWORK_WRITE,
    "exportFramework": DRAFTS_NEED_FRAMEWORK_WRITE,
    "getFrameworkPathway": DRAFTS_NEED_FRAMEWORK_WRITE,
    "getFrameworkCategory": DRAFTS_NEED_FRAMEWORK_WRITE,
    "getFrameworkSkill": DRAFTS_NEED_FRAMEWORK_WRITE,
    "getFrameworkRole": DRAFTS_NEED_FRAMEWORK_WRITE,
    "getFrameworkScenario": DRAFTS_NEED_FRAMEWORK_WRITE,
    "getFrameworkTrainingOption": DRAFTS_NEED_FRAMEWORK_WRITE,
}
"""Operations whose key is optional and checked in the handler: their one exception to the rule."""


def declared_dependencies(handler: HTTPRouteHandler) -> set[str]:
    """The dependencies ``handler`` really uses: those its signature names, and theirs in turn
    (litestar resolves only these; a controller's other dependencies are never called)."""
    provided = handler.resolve_dependencies()
    wanted = set(handler.parsed_fn_signature.parameters)
    used: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in provided and name not in used:
            used.add(name)
            wanted |= set(provided[name].parsed_fn_signature.parameters)
    return used


def requirement(operation_id: str, dependencies: Iterable[str]) -> list[SecurityRequirement]:
    """The security requirement of one operation: the scopes its guards demand (all of them), the
    named exception, or none (public)."""
    scopes = sorted({SCOPE_OF_DEPENDENCY[name] for name in dependencies if name in SCOPE_OF_DEPENDENCY})
    if scopes:
        return [{SCHEME: scopes}]
    return KEY_CHECKED_INSIDE.get(operation_id, [])


_EXPLICIT: dict[type[Operation], type[Operation]] = {}


def _explicit(base: type[Operation]) -> type[Operation]:
    """``base`` with ``security: []`` written out when empty: litestar drops an empty list, and a
    document must say an operation is public rather than leave it unsaid."""
    if base not in _EXPLICIT:
        parent: Any = base

        @dataclass
        class ExplicitSecurityOperation(parent):  # type: ignore[misc]
            def __post_init__(self) -> None:
                if hasattr(parent, "__post_init__"):
                    parent.__post_init__(self)
                if getattr(self, "security", None) is None:
                    self.security: list[SecurityRequirement] = []

        _EXPLICIT[base] = ExplicitSecurityOperation
    return _EXPLICIT[base]


def secure_operations(app: Litestar) -> None:
    """Set every operation's security requirement from what it declares (see the module)."""
    seen: set[str] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            operation_id = handler.operation_id if isinstance(handler.operation_id, str) else ""
            seen.add(operation_id)
            handler.security = requirement(operation_id, declared_dependencies(handler))
            handler.operation_class = _explicit(handler.operation_class)
    unknown = set(KEY_CHECKED_INSIDE) - seen
    if unknown:
        raise RuntimeError(f"KEY_CHECKED_INSIDE names operations the app does not have: {sorted(unknown)}")
