"""Load a framework edition from its directory of YAML files.

Every item is checked on its own first, so one bad item never hides the problems of the others;
then the edition is checked as a whole. ``load_framework`` raises ``FrameworkInvalid`` with the
complete list, ``check_directory`` returns it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import yaml

from taxonomy.model import (
    Category,
    Framework,
    FrameworkHeader,
    PathwayEdge,
    Role,
    Scenario,
    Skill,
    TrainingOption,
)
from taxonomy.validate import (
    FILES,
    FrameworkInvalid,
    Problem,
    consistency_problems,
    item_name,
    structure_problems,
)

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "ed-skills-2026.1"
"""The edition shipped with the service and loaded by ``edskills seed``."""

ITEM_TYPES: dict[str, type[msgspec.Struct]] = {
    "categories": Category,
    "skills": Skill,
    "roles": Role,
    "pathways": PathwayEdge,
    "scenarios": Scenario,
    "training": TrainingOption,
}


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    if not path.is_file():
        problems.append(Problem(file=path.name, item="", field="", message="file is missing"))
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(file=path.name, item="", field="", message=f"not valid YAML: {exc}"))
        return None


def _with_place(problems: list[Problem], file: str, item: str) -> list[Problem]:
    return [Problem(file=file, item=item, field=p.field, message=p.message) for p in problems]


def _decode_items(kind: str, raw: Any, problems: list[Problem]) -> list[Any]:
    """Decode each item alone; a bad item is reported field by field and left out."""
    file = FILES[kind]
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(file=file, item="", field="", message="expected a list of items"))
        return []
    struct_type = ITEM_TYPES[kind]
    items = []
    for index, entry in enumerate(raw):
        try:
            items.append(msgspec.convert(entry, type=struct_type))
        except msgspec.ValidationError:
            found = structure_problems(entry, struct_type)
            problems.extend(_with_place(found, file, item_name(kind, index, entry)))
    return items


def check_directory(directory: Path) -> tuple[Framework | None, list[Problem]]:
    """The edition in ``directory`` (``None`` if its header is unusable) and every problem found."""
    problems: list[Problem] = []
    raw_header = _read_yaml(directory / FILES["header"], problems)
    raw_items = {kind: _read_yaml(directory / FILES[kind], problems) for kind in ITEM_TYPES}
    return _assemble(raw_header, raw_items, problems)


def check_document(raw: Any) -> tuple[Framework | None, list[Problem]]:
    """The same checks as ``check_directory`` on one mapping: the header's keys plus one list per
    item file (``categories``, ``skills``, …), as the single-file YAML export and drafts hold it."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        problems.append(Problem(file=FILES["header"], item="", field="", message="expected a mapping"))
        return None, problems
    raw_header = {key: value for key, value in raw.items() if key not in ITEM_TYPES}
    raw_items = {kind: raw.get(kind) for kind in ITEM_TYPES}
    return _assemble(raw_header, raw_items, problems)


def load_document(text: str) -> Framework:
    """A valid edition from one YAML document; ``FrameworkInvalid`` lists every problem otherwise."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FrameworkInvalid(
            [Problem(file="", item="", field="", message=f"not valid YAML: {exc}")]
        ) from None
    framework, problems = check_document(raw)
    if problems or framework is None:
        raise FrameworkInvalid(problems)
    return framework


def _assemble(
    raw_header: Any, raw_items: dict[str, Any], problems: list[Problem]
) -> tuple[Framework | None, list[Problem]]:
    header: FrameworkHeader | None = None
    if raw_header is not None:
        try:
            header = msgspec.convert(raw_header, type=FrameworkHeader)
        except msgspec.ValidationError:
            found = structure_problems(raw_header, FrameworkHeader)
            problems.extend(_with_place(found, FILES["header"], "framework"))
    items = {kind: _decode_items(kind, raw_items.get(kind), problems) for kind in ITEM_TYPES}
    if header is None:
        return None, problems
    framework = Framework(
        **msgspec.structs.asdict(header),
        categories=tuple(items["categories"]),
        skills=tuple(items["skills"]),
        roles=tuple(items["roles"]),
        pathways=tuple(items["pathways"]),
        scenarios=tuple(items["scenarios"]),
        training=tuple(items["training"]),
    )
    problems.extend(consistency_problems(framework))
    return framework, problems


def load_framework(directory: Path = SHIPPED) -> Framework:
    """The valid edition in ``directory``; ``FrameworkInvalid`` lists every problem otherwise."""
    framework, problems = check_directory(directory)
    if problems or framework is None:
        raise FrameworkInvalid(problems)
    return framework


def dump_directory(framework: Framework, directory: Path) -> None:
    """Write an edition in the file format (the inverse of ``load_framework``)."""
    directory.mkdir(parents=True, exist_ok=True)
    document = msgspec.to_builtins(framework)
    header = {key: value for key, value in document.items() if key not in ITEM_TYPES}
    _write_yaml(directory / FILES["header"], header)
    for kind in ITEM_TYPES:
        _write_yaml(directory / FILES[kind], document.get(kind, []))


def dump_document(framework: Framework) -> str:
    """The edition as one YAML document (the inverse of ``load_document``): the header's keys,
    then one list per item file, in the files' order, so it splits back into the directory."""
    document = msgspec.to_builtins(framework)
    ordered = {key: value for key, value in document.items() if key not in ITEM_TYPES}
    ordered.update({kind: document.get(kind, []) for kind in ITEM_TYPES})
    return _yaml_text(ordered)


def _write_yaml(path: Path, content: Any) -> None:
    path.write_text(_yaml_text(content), encoding="utf-8")


class _Dumper(yaml.SafeDumper):
    """PyYAML writes NEL (U+0085) raw inside a quoted scalar and then reads it back as a line
    break folded to a space, so a text holding one came back changed; double quotes escape it
    (``\\N``). Found by the round-trip property test of level indicators."""


def _text_scalar(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if "\x85" in value else None)


_Dumper.add_representer(str, _text_scalar)


def _yaml_text(content: Any) -> str:
    return yaml.dump(content, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
