"""Where a webhook may be sent: http(s) only, and never to a loopback, private, link-local,
multicast or reserved address unless ``webhooks_allow_private`` is set (SSRF, issue 19).

Checked when a subscription is created and again at every delivery, on the addresses the host
resolves to then: the worker connects to an address it checked (``Target``), never resolving the
name a second time, so a DNS answer that changes between check and connect cannot slip through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

MAX_URL_LENGTH = 2000


class RefusedUrl(ValueError):
    """The URL may not receive webhooks; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL: the address to connect to, and the name to present (``Host``, TLS SNI)."""

    url: str
    """The URL with its host replaced by the checked address."""
    host_header: str
    server_name: str


def parse(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of an http(s) URL with a host, else ``RefusedUrl``."""
    if len(url) > MAX_URL_LENGTH:
        raise RefusedUrl(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedUrl(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise RefusedUrl("must be an http:// or https:// URL")
    if not parts.hostname:
        raise RefusedUrl("must name a host")
    if parts.username is not None or parts.password is not None:
        raise RefusedUrl("must not carry a user name or password")
    if parts.fragment:
        raise RefusedUrl("must not have a #fragment")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable unicast: not loopback, private, link-local, multicast, reserved or
    unspecified (an IPv4-mapped IPv6 address is judged as its IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def resolve(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host and pick an address it may be sent to, or ``RefusedUrl``.

    Every address the name resolves to must be public (one private answer refuses the URL: a
    name that resolves to both is how DNS rebinding attacks look)."""
    scheme, host, port = parse(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedUrl(f"its host {host!r} does not resolve ({exc})") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise RefusedUrl(f"its host {host!r} does not resolve")
    if not allow_private:
        blocked = [str(address) for address in addresses if not is_public(address)]
        if blocked:
            raise RefusedUrl(
                f"its host {host!r} resolves to a non-public address ({', '.join(sorted(set(blocked)))}); "
                "webhooks may only reach public addresses"
            )
    chosen = addresses[0]
    literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    parts = urlsplit(url)
    default_port = 443 if scheme == "https" else 80
    netloc = literal if port == default_port else f"{literal}:{port}"
    host_header = host if port == default_port else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
    return Target(
        url=urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")),
        host_header=host_header,
        server_name=host,
    )
