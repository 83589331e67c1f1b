"""Refuse requests to private, loopback, link-local and metadata addresses (SSRF).

A crawler that runs as a service fetches URLs that others submit; a URL (or a redirect hop)
pointing into the network it runs in must not be fetched. Two checks, one rule:

- ``PrivateAddressMiddleware`` (first downloader middleware) checks hosts that are IP
  literals, for every request and every redirect hop (redirects come back through it);
- ``GuardedResolver`` (``DNS_RESOLVER``) checks the address every host name resolves to, at
  the moment the downloader connects, so DNS rebinding cannot slip past a separate check.

``ALLOWED_PRIVATE_NETWORKS=CIDR,CIDR`` allows chosen ranges (the demo allows its own
127.0.0.1 server). Refusals are logged with the URL and the reason and counted.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

logger = logging.getLogger(__name__)

_BLOCKED = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
    "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b:1::/48", "2001:db8::/32",
)]
_NAMES = {
    "127.0.0.0/8": "loopback", "::1/128": "loopback", "169.254.0.0/16": "link-local (cloud metadata)",
    "fe80::/10": "link-local", "fc00::/7": "unique-local", "224.0.0.0/4": "multicast",
    "ff00::/8": "multicast", "10.0.0.0/8": "private", "172.16.0.0/12": "private",
    "192.168.0.0/16": "private", "100.64.0.0/10": "shared (carrier-grade NAT)",
}


def parse_allowed(value) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    if not value:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    nets = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"ALLOWED_PRIVATE_NETWORKS: {item!r} is not a CIDR range (e.g. 127.0.0.0/8)") from None
    return tuple(nets)


@lru_cache(maxsize=4096)
def refusal(address: str, allowed: tuple = ()) -> str | None:
    """Why ``address`` must not be fetched, or None when it may be."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allowed):
        return None
    for net in _BLOCKED:
        if ip.version == net.version and ip in net:
            kind = _NAMES.get(str(net), "reserved")
            return f"{ip} is a {kind} address (allow it with ALLOWED_PRIVATE_NETWORKS)"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%")[0])
        return True
    except ValueError:
        return False


class PrivateAddressMiddleware:
    def __init__(self, crawler):
        self.allowed = parse_allowed(crawler.settings.get("ALLOWED_PRIVATE_NETWORKS"))
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        if _is_ip(host):
            why = refusal(host, self.allowed)
            if why:
                self.stats.inc_value("ssrf/refused")
                logger.warning("refused %s: %s", request.url, why)
                raise IgnoreRequest(f"refused {request.url}: {why}")
        return None


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to a forbidden address."""

    allowed: tuple = ()
    stats = None

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.allowed = parse_allowed(crawler.settings.get("ALLOWED_PRIVATE_NETWORKS"))
        resolver.stats = getattr(crawler, "stats", None)  # built by the process, not a crawler
        return resolver

    def getHostByName(self, name, timeout=()):  # noqa: N802 - Twisted's interface
        d = super().getHostByName(name, timeout)
        d.addCallback(self._check, name)
        return d

    def _check(self, address, name):
        why = refusal(address, self.allowed)
        if why:
            if self.stats is not None:
                self.stats.inc_value("ssrf/refused")
            logger.warning("refused host %s: it resolves to %s", name, why)
            raise DNSLookupError(f"refused {name}: resolves to {why}")
        return address
