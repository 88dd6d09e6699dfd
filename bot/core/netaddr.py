"""The real client address behind a trusted reverse proxy (ingress).

Only when the direct peer is one of the configured proxies (`TRUSTED_PROXIES`: comma-separated IPs or
CIDR networks) is `X-Forwarded-For` believed, and then its right-most address that is not itself a
trusted proxy: a client cannot choose its own address by sending the header, and all citizens behind
one ingress no longer share one flood-limit bucket.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from bot.core.settings import SecuritySettings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def networks(spec: str) -> tuple[Network, ...]:
    """Parse "10.0.0.0/8, 192.0.2.7"; an invalid entry is skipped."""
    found = []
    for part in spec.split(","):
        part = part.strip()
        if part:
            try:
                found.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                continue
    return tuple(found)


def ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from "192.0.2.1", "192.0.2.1:443" or "[2001:db8::1]:443" (IPv4-mapped IPv6 as IPv4)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: tuple[Network, ...]) -> bool:
    return any(address in network for network in nets if address.version == network.version)


def client_address(peer: str, forwarded_for: str | list[str] | None, trusted: str | None = None) -> str:
    """The client: the peer, or behind trusted proxies the right-most X-Forwarded-For hop that is not one of
    them (a malformed hop stops the walk: the last proxy's view is all we know)."""
    nets = networks(SecuritySettings.from_env().trusted_proxies if trusted is None else trusted)
    peer_ip = ip(peer or "")
    if peer_ip is None or not nets or not forwarded_for or not _trusted(peer_ip, nets):
        return str(peer_ip) if peer_ip is not None else (peer or "")
    headers = [forwarded_for] if isinstance(forwarded_for, str) else forwarded_for
    hops = [hop for header in headers for hop in header.split(",")]
    client = peer_ip
    for hop in reversed(hops):
        address = ip(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, nets):
            break
    return str(client)
