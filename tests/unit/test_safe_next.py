"""Where sign-in may send a person afterwards (issue 15): only a local ``/app`` path, never another
site, whatever the ``next`` parameter holds (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.web.sessions import HOME_PATH, safe_next


@given(st.text(max_size=60) | st.from_regex(r"\A[/\\]{1,3}[a-z.:@]{0,20}(/app)?.{0,10}\Z"))
def test_the_target_is_always_a_local_app_path(value: str) -> None:
    target = safe_next(value)
    parts = urlsplit(target)
    assert not parts.scheme and not parts.netloc
    assert target == HOME_PATH or target.startswith(HOME_PATH + "/")
    assert "\\" not in target and not target.startswith("//")


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("/app/account", "/app/account"),
        ("/app/councils/E08000021/keys?done=revoked", "/app/councils/E08000021/keys?done=revoked"),
        ("/app/sign-in", "/app"),
        ("/application", "/app"),
        ("//evil.example/app", "/app"),
        ("/\\evil.example/app", "/app"),
        ("https://evil.example/app", "/app"),
        ("/app/\nSet-Cookie:x", "/app"),
        ("", "/app"),
    ],
)
def test_examples(value: str, target: str) -> None:
    assert safe_next(value) == target
