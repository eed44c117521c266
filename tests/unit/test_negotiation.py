"""``api.negotiation``: the one Accept parser (RFC 9110 §12.5.1), by table and by property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.negotiation import NotAcceptable, choose, negotiate, parse_accept

OFFERED = ("application/json", "application/ld+json", "text/csv", "text/html")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("garbage", "application/json"),  # nothing readable: as if no Accept
        ("text/csv", "text/csv"),
        ("TEXT/CSV", "text/csv"),
        ("text/*;q=0.9, application/ld+json;q=0.8", "text/csv"),
        ("application/ld+json;q=0.8, text/*;q=0.9, text/csv;q=0.1", "text/html"),  # most specific range wins
        ("*/*;q=0.1, application/ld+json", "application/ld+json"),
        ("*/*, application/json;q=0", "application/ld+json"),
        ("application/json; q=abc", "application/json"),  # a bad q counts as 1
        ("text/html;level=1;q=0.5, application/json;q=0.4", "text/html"),
        ("image/png", None),
        ("*/*;q=0", None),
        ("text/csv;q=0, text/*;q=0, application/*;q=0", None),
    ],
)
def test_choose(accept: str | None, chosen: str | None) -> None:
    assert choose(accept, OFFERED) == chosen


def test_nothing_acceptable_is_a_406_naming_what_is_available() -> None:
    with pytest.raises(NotAcceptable) as refused:
        negotiate("image/png", OFFERED)
    assert refused.value.status_code == 406
    assert "text/csv" in refused.value.detail
    assert refused.value.headers == {"Vary": "Accept"}


MEDIA = st.sampled_from([*OFFERED, "image/png", "text/*", "application/*", "*/*"])
QUALITY = st.sampled_from(["", ";q=0", ";q=0.3", ";q=0.5", ";q=1", ";q=1.5", ";q=-1"])
ACCEPT = st.lists(st.tuples(MEDIA, QUALITY), max_size=6).map(lambda items: ", ".join(m + q for m, q in items))


@given(ACCEPT)
def test_the_choice_is_offered_acceptable_and_not_beaten(accept: str) -> None:
    """Whatever is chosen is offered and has q > 0; nothing offered has a higher q; ``None`` only
    when every offered type has q = 0."""
    ranges = parse_accept(accept)
    chosen = choose(accept, OFFERED)

    def q(media_type: str) -> float:
        matching = [r for r in ranges if r.matches(media_type)]
        return max(matching, key=lambda r: r.specificity).quality if matching else 0.0

    if not ranges:
        assert chosen == OFFERED[0]
    elif chosen is None:
        assert all(q(media_type) == 0 for media_type in OFFERED)
    else:
        assert chosen in OFFERED and q(chosen) > 0
        assert all(q(media_type) <= q(chosen) for media_type in OFFERED)
        assert all(q(media_type) < q(chosen) for media_type in OFFERED[: OFFERED.index(chosen)])


@given(st.text(max_size=300))
def test_any_header_text_is_read_without_error(accept: str) -> None:
    chosen = choose(accept, OFFERED)
    assert chosen is None or chosen in OFFERED
    assert all(0 <= r.quality <= 1 for r in parse_accept(accept))
