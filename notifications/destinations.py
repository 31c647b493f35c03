"""Where an app's webhook may be delivered, parsed by the parser that sends and pinned to the
address that was checked, so neither a URL parsing trick nor a DNS answer that changes between
the check and the connection (rebinding) reaches our own network."""

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import parse_url

PRIVATE_SETTING = "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS"
# IPv6 ranges that carry an IPv4 address inside; what they embed decides.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class DestinationRefusedError(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class Destination:
    url: str
    scheme: str
    hostname: str
    port: int
    address: str

    @property
    def host_header(self) -> str:
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        default_port = 443 if self.scheme == "https" else 80
        return host if self.port == default_port else f"{host}:{self.port}"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_is_public(address: str) -> bool:
    """A global unicast address, also when it is an IPv6 form embedding an IPv4 one."""
    parsed = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(parsed, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(parsed)
        if embedded is not None:
            return embedded.is_global
        if parsed in _SIX_TO_FOUR:
            return False
    return parsed.is_global


def destination_host(url: str) -> tuple[str, str, int]:
    """(scheme, hostname, port) as requests/urllib3 will send it. A URL that urllib.parse
    reads differently (a backslash before `@`, say) is refused: it means two hosts at once."""
    try:
        prepared = requests.PreparedRequest()
        prepared.prepare_url(url, None)
        sent = parse_url(cast(str, prepared.url))  # prepare_url has just set it
        read = urlsplit(url)
    except (requests.RequestException, ValueError) as error:
        raise DestinationRefusedError(f"The URL cannot be parsed: {error}") from None
    if sent.scheme not in {"http", "https"} or not sent.host:
        raise DestinationRefusedError("The URL must be an absolute http:// or https:// URL.")
    sent_host = sent.host.strip("[]").lower()
    if "\\" in url or sent_host != (read.hostname or "").lower():
        raise DestinationRefusedError("The URL's host is ambiguous; write it plainly.")
    return sent.scheme, sent_host, sent.port or (443 if sent.scheme == "https" else 80)


def _refusal_for(hostname: str, address: str) -> str:
    return (
        f"{hostname} resolves to {address}, a private or reserved address; deliveries go only "
        f"to public addresses (set {PRIVATE_SETTING}=true for local development)."
    )


def literal_address_refusal(url: str, *, private_allowed: bool) -> str | None:
    """At creation: the URL is unambiguous and, if its host is an address, a public one. A
    name is resolved at each delivery instead (its answer may change)."""
    try:
        _, hostname, _ = destination_host(url)
    except DestinationRefusedError as error:
        return str(error)
    if private_allowed:
        return None
    try:
        public = address_is_public(hostname)
    except ValueError:
        public = hostname != "localhost" and not hostname.endswith(".localhost")
    return None if public else _refusal_for(hostname, hostname)


def destination_resolve(url: str, *, private_allowed: bool) -> Destination:
    """Resolves the host once and picks the address to connect to; every address it resolves
    to must be public unless private destinations are allowed."""
    scheme, hostname, port = destination_host(url)
    try:
        resolved = socket.getaddrinfo(hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise DestinationRefusedError(f"DNS lookup of {hostname} failed: {error}") from None
    addresses = [str(entry[4][0]) for entry in resolved]
    if not addresses:
        raise DestinationRefusedError(f"DNS lookup of {hostname} found no address.")
    if not private_allowed:
        for address in addresses:
            if not address_is_public(address):
                raise DestinationRefusedError(_refusal_for(hostname, address))
    return Destination(url=url, scheme=scheme, hostname=hostname, port=port, address=addresses[0])


class PinnedAddressAdapter(HTTPAdapter):
    """Connects to the checked address while TLS still verifies the certificate for the
    hostname (SNI and hostname check), so no second DNS lookup happens at connect time."""

    def __init__(self, destination: Destination) -> None:
        self.destination = destination
        super().__init__(max_retries=0)

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # The connection is to the address; the request still names the host it was for.
        request.headers.setdefault("Host", self.destination.host_header)
        return super().send(request, *args, **kwargs)

    def get_connection_with_tls_context(
        self, request: Any, verify: Any, proxies: Any = None, cert: Any = None
    ) -> Any:
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        if host_params["host"].strip("[]").lower() != self.destination.hostname:
            raise DestinationRefusedError("The request left the checked destination.")
        host_params["host"] = self.destination.address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = self.destination.hostname
            pool_kwargs["assert_hostname"] = self.destination.hostname
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)


def destination_session(destination: Destination) -> requests.Session:
    session = requests.Session()
    # No proxies or .netrc credentials from our environment on a tenant's URL.
    session.trust_env = False
    adapter = PinnedAddressAdapter(destination)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
