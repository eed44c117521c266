"""The naive peer's table (``bench.public_reads_bench``): skills as rows, as a typical team stores them.

A module of its own so the app factory (run in the server process) and the filler (run in the
bench) declare the mapping once; nothing in ``api`` knows it.
"""

from __future__ import annotations

from advanced_alchemy.base import BigIntBase
from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class BenchBase(BigIntBase):
    __abstract__ = True


class BenchSkill(BenchBase):
    __tablename__ = "bench_skill"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(80))
    alt_labels: Mapped[list[str]] = mapped_column(JSON, default=list)
