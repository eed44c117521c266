"""Pure analysis: plain data in, msgspec Structs out. No ORM, no litestar, no I/O.

The rules are DESIGN §2 (normative); each module names the section it implements.
"""
