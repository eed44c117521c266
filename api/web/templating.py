"""Jinja templates for every page, through litestar's ``JinjaTemplateEngine`` (issue 15).

One environment for the whole service, built once:

- ``api/web/templates`` holds the shell: ``layout.html``, ``macros/forms.html``, ``home.html`` and
  ``errors/error.html``; its templates are named as they are (``"layout.html"``).
- every slice's ``templates/`` folder (``api/<slice>/templates``) is reached under the slice's name:
  ``api/people/templates/account.html`` is ``"people/account.html"``. A prefix per slice means two
  slices can both have an ``index.html`` and a name always says where its file is.

Autoescape is on for every template (a page never trusts data), undefined names raise
(``StrictUndefined``: a typo in a template is a failing test, not an empty string), and block tags
leave no blank lines behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from api.web.assets import static_url

API_ROOT = Path(__file__).resolve().parent.parent
SHELL_TEMPLATES = Path(__file__).resolve().parent / "templates"


def slice_template_folders(root: Path = API_ROOT) -> dict[str, Path]:
    """``{slice name: its templates folder}`` for every ``api/<slice>/templates`` except the shell's."""
    return {
        folder.parent.name: folder
        for folder in sorted(root.glob("*/templates"))
        if folder.is_dir() and folder != SHELL_TEMPLATES
    }


def field_id(name: str) -> str:
    """The HTML id of a form field, from its name or an error's field path (``grants[0].council`` →
    ``grants-0-council``): the error summary links to ``#`` this, the field macro gives its input it."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "field"


def error_for(errors: Iterable[Any] | None, name: str) -> str | None:
    """The message of the first error whose ``field`` is ``name`` (for ``field(error=…)``), else None."""
    for error in errors or ():
        if error.field == name:
            return str(error.message)
    return None


def template_environment() -> Environment:
    """The one Jinja environment: the shell's templates, then each slice's under its name."""
    slices = {name: FileSystemLoader(folder) for name, folder in slice_template_folders().items()}
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(SHELL_TEMPLATES), PrefixLoader(slices)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.globals["static_url"] = static_url
    environment.filters["field_id"] = field_id
    environment.filters["error_for"] = error_for
    return environment


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """What ``create_app`` registers: litestar's Jinja engine over ``template_environment()``."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(template_environment()))
