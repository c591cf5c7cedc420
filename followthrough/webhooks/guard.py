"""Where a webhook may go: public addresses only, unless the operator allows some networks
(WEBHOOK_ALLOW_PRIVATE_NETWORKS). Checked when an endpoint is saved and again before every
request, on the addresses the request then connects to (a name may resolve elsewhere later)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL may not be used; the message says why, in the reader's language."""


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net) for net in settings.WEBHOOK_ALLOWED_NETWORKS]


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def check_address(address: IPAddress) -> None:
    if is_public(address):
        return
    if any(
        address in network for network in allowed_networks() if address.version == network.version
    ):
        return
    raise Refused(
        _("%(address)s is a private, loopback or reserved address; webhooks may not go there.")
        % {"address": address}
    )


def target(url: str) -> tuple[str, str, int]:
    """The URL's scheme, host and port, or Refused for a URL that is not http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("The address must start with https:// or http://."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused(_("The address has a port that is not a number.")) from None
    return parts.scheme, parts.hostname, port


def resolve(url: str) -> list[str]:
    """The addresses the URL's host resolves to, every one allowed; else Refused."""
    _scheme, host, port = target(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(_("The host %(host)s could not be found.") % {"host": host}) from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        check_address(address)
        addresses.append(str(address))
    if not addresses:
        raise Refused(_("The host %(host)s could not be found.") % {"host": host})
    return addresses
