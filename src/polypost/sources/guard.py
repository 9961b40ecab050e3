"""The address guard: a URL found inside fetched content may not reach the user's own network.

A feed entry's link, a sitemap's `<loc>` or a redirect is chosen by whoever wrote that content.
Without a guard, `--fetch-full` would fetch `http://169.254.169.254/latest/meta-data/` (a cloud
metadata service) or `http://127.0.0.1:8080/admin` and publish the answer. So every address a
connection is about to use is checked *at connect time*, after name resolution, by the
connection itself: checking the name beforehand would leave a DNS-rebinding gap (the name
resolves to a public address for the check and to 127.0.0.1 for the connection).

Loopback, private, link-local, shared (CGNAT), multicast, reserved and unspecified addresses
are refused, unless the host and port are those of a source the user named (a blog on
127.0.0.1:8000 or on the intranet is fetched as asked, with the links among its own pages; a
link from it to 127.0.0.1:6379 or to another name for the same address is still refused).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from typing import Any, Callable, Sequence

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["AddressGuard", "AddressRefused", "GuardedPoolManager", "is_public", "resolve"]

Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]


def resolve(host: str, port: int) -> Sequence[tuple[Any, ...]]:
    """getaddrinfo for TCP; a module function so that tests can control name resolution."""
    return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)


class AddressRefused(Exception):
    """A connection the guard would not open; the message names the host and the address."""

    def __init__(self, host: str, address: str, why: str):
        super().__init__(f"refused to connect to {host} ({address}): {why} address, and not a host "
                         "you named as a source")
        self.host, self.address, self.why = host, address, why


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not public, or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for name, test in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("unspecified", ip.is_unspecified), ("multicast", ip.is_multicast),
                       ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if test:
            return name
    return None if ip.is_global else "non-public"


def is_public(address: str) -> bool:
    return _kind(ipaddress.ip_address(address.split("%", 1)[0])) is None


class AddressGuard:
    """Which hosts the user named, and the check every new connection goes through."""

    def __init__(self, resolver: Resolver | None = None):
        self._resolver = resolver
        self._named: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    def name_host(self, host: str, port: int) -> None:
        """`host:port` is a source the user named: it may be on a private address."""
        with self._lock:
            self._named.add((host.lower().strip("[]"), port))

    def check(self, host: str, port: int, address: str) -> None:
        bare = address.split("%", 1)[0]
        kind = _kind(ipaddress.ip_address(bare))
        if kind is None:
            return
        with self._lock:
            if (host.lower().strip("[]"), port) in self._named:
                return
        raise AddressRefused(host, bare, kind)

    def connect(self, host: str, port: int, timeout: float | None, source_address: Any = None,
                socket_options: Any = None) -> socket.socket:
        """Resolve, check each address, connect to the first allowed one that answers."""
        resolver = self._resolver or resolve
        refused: AddressRefused | None = None
        error: OSError | None = None
        for family, kind, proto, _name, sockaddr in resolver(host, port):
            try:
                self.check(host, port, sockaddr[0])
            except AddressRefused as err:
                refused = err
                continue
            sock = socket.socket(family, kind, proto)
            try:
                for option in socket_options or ():
                    sock.setsockopt(*option)
                if timeout is not None and timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)  # the checked address itself: no second lookup
                return sock
            except OSError as err:
                error = err
                sock.close()
        if error is not None:
            raise error
        if refused is not None:
            raise refused
        raise socket.gaierror(f"{host}: no address")


class _GuardedConnectionMixin:
    address_guard: AddressGuard | None = None

    def _new_conn(self) -> socket.socket:  # type: ignore[override]
        guard = self.address_guard
        if guard is None:
            return super()._new_conn()  # type: ignore[misc]
        try:
            return guard.connect(self._dns_host, self.port, self.timeout,  # type: ignore[attr-defined]
                                 self.source_address, self.socket_options)  # type: ignore[attr-defined]
        except AddressRefused:
            raise
        except socket.gaierror as err:
            raise urllib3.exceptions.NameResolutionError(self.host, self, err) from err  # type: ignore
        except socket.timeout as err:
            raise urllib3.exceptions.ConnectTimeoutError(self, f"Connection to {self.host} timed out") from err
        except OSError as err:
            raise urllib3.exceptions.NewConnectionError(self, f"Failed to establish a new connection: {err}") from err


class GuardedPoolManager(urllib3.PoolManager):
    """A PoolManager whose every new connection asks `guard` first."""

    def __init__(self, guard: AddressGuard, **kwargs: Any):
        super().__init__(**kwargs)
        self.guard = guard
        # connection classes bound to this guard: urllib3 passes no per-manager object down to
        # the connections it makes, but it does take the classes from the pool
        http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection),
                         {"address_guard": guard})
        https_conn = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection),
                          {"address_guard": guard})
        self.pool_classes_by_scheme = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }
