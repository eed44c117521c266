"""Text the service accepts: the one rule about control characters, stated in the types (issue 12).

PostgreSQL refuses NUL in text while SQLite stores it, so a NUL that reached the database was a
500 on one backend and a 200 on the other (PITFALLS). Every free-text field of a request body is
one of the types below; the rule is a ``Meta(pattern=…)``, so msgspec enforces it while decoding
(422 naming the field) and the OpenAPI document states the same pattern.

- ``SingleLine``: no C0 control character (U+0000–U+001F) and no DEL (U+007F): names, titles,
  references, search texts.
- ``Note``: the same, except that tab, line feed and carriage return are allowed: evidence notes,
  descriptions.

The patterns are unanchored searches in msgspec (``re.search``), and Python's ``$`` also matches
before a final line feed, so ``SingleLine`` ends with ``$(?!\\n)``: without it ``"name\\n"``
would pass. (In the ECMAScript dialect of JSON Schema the look-ahead is a no-op.)

Query and path parameters are checked in one place, ``api.http_guards``, with the same
``CONTROL_CHARACTERS`` rule (400 naming the parameter).
"""

from __future__ import annotations

import re
from typing import Annotated

from msgspec import Meta

SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$(?!\n)"
"""No C0 control character and no DEL, anywhere (see the module docstring for ``(?!\\n)``)."""
NOTE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
"""As ``SINGLE_LINE_PATTERN`` but tab (U+0009), line feed (U+000A) and carriage return (U+000D)
are allowed."""

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
"""What no query or path parameter may contain."""
NOTE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""What no text in any request body may contain, whatever its schema (the safety net of
``api.json_bodies`` for bodies whose Structs are the framework file format)."""

CONTROL_MESSAGE = "must not contain control characters (U+0000–U+001F, U+007F)"
NOTE_CONTROL_MESSAGE = "must not contain control characters other than tab, line feed and carriage return"

SingleLine = Annotated[
    str, Meta(pattern=SINGLE_LINE_PATTERN, description="One line of text: no control characters.")
]
Note = Annotated[
    str,
    Meta(
        pattern=NOTE_PATTERN,
        description="Free text: no control characters except tab, line feed and carriage return.",
    ),
]

Title = Annotated[SingleLine, Meta(min_length=1, max_length=200)]
"""A title or display name (1–200 characters, one line)."""
SearchText = Annotated[SingleLine, Meta(max_length=500)]
"""A text to match against the taxonomy (up to 500 characters, one line)."""
Evidence = Annotated[Note, Meta(max_length=2000)]
"""An evidence note (up to 2,000 characters; may span lines)."""


def contains_control(text: str) -> bool:
    """Whether ``text`` has a C0 control character or DEL (the rule of query and path parameters)."""
    return CONTROL_CHARACTERS.search(text) is not None


__all__ = [
    "CONTROL_CHARACTERS",
    "CONTROL_MESSAGE",
    "NOTE_CONTROL_CHARACTERS",
    "NOTE_CONTROL_MESSAGE",
    "NOTE_PATTERN",
    "SINGLE_LINE_PATTERN",
    "Evidence",
    "Note",
    "SearchText",
    "SingleLine",
    "Title",
    "contains_control",
]
