"""One conversion from a stored record to the wire Struct that shows it.

A response Struct mostly repeats the field names of what it shows (an ORM row, or a taxonomy Struct
held in memory). ``struct_from`` reads those fields by name, so a service names only the fields that
differ: a renamed column, a count, a code resolved to a nested reference. msgspec checks every value
against the schema's types on the way, as ``convert(..., from_attributes=True)`` does.
"""

from __future__ import annotations

from functools import cache
from typing import TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def struct_from(schema: type[S], source: object, /, **values: object) -> S:
    """``schema`` with each field read from the attribute of ``source`` of the same name, except the
    fields given in ``values`` (which must all be fields of ``schema``)."""
    names, wire_names = _fields(schema)
    if not values.keys() <= names:
        raise TypeError(f"{schema.__name__} has no fields {sorted(values.keys() - names)}")
    return msgspec.convert(
        {wire: values[name] if name in values else getattr(source, name) for name, wire in wire_names},
        schema,
    )


@cache
def _fields(schema: type[msgspec.Struct]) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """The schema's field names, and each with its name on the wire (what ``convert`` reads)."""
    pairs = tuple(zip(schema.__struct_fields__, schema.__struct_encode_fields__, strict=True))
    return frozenset(schema.__struct_fields__), pairs
