"""Where a bottle's code was scanned from, kept without keeping anyone's
address: a scan's network (the /24 of an IPv4 address, the /48 of an IPv6
one) is recorded on its serial (`serial_scan.network_keys`) only as a short
key, HMAC-SHA256 under a server key of the network's text. Without the server
key nobody can tell which network a key stands for (a plain hash of a /24
is undone by hashing all 16 million of them); with it, the same network
always gives the same key, so a label copied onto bottles sold across the
county shows as one serial scanned from many networks.

The server key is derived from the serial key (OILCHAIN_SERIAL_KEY) with a
purpose label, not from SECRET_KEY: the scan record lives as long as the
printed codes, and the serial key lives exactly that long (changing it voids
every code; a backup is restored only with it, see restore.py), whereas
SECRET_KEY may be rotated at any time (it signs sessions), which would make
every network look new. The label keeps the two uses apart: a network key
tells nothing about the serial key or a check code."""

import hashlib
import hmac
import ipaddress

PURPOSE = b"scan-network"
KEY_LENGTH = 12  # hex characters kept of the HMAC (48 bits: no two networks of one serial share a key in practice)
CAP = 8  # distinct network keys kept per serial; `networks` stays at the cap after
PREFIX_BYTES = {4: 3, 6: 6}  # a /24 and a /48


def server_key(serial_key: str) -> bytes:
    """The key network keys are made with, derived from the serial key."""
    return hmac.new(serial_key.encode(), PURPOSE, hashlib.sha256).digest()


def network(address: str | None) -> bytes:
    """The /24 or /48 network an address belongs to: its version and the
    prefix's bytes (an IPv4 address mapped into IPv6 counts as IPv4). Text
    that is no address (none given, or a test client's name) stands for itself."""
    try:
        parsed = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return b"other:" + (address or "").encode()
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return b"%d:" % parsed.version + parsed.packed[: PREFIX_BYTES[parsed.version]]


def network_key(key: bytes, address: str | None) -> str:
    """The key a scan from `address` is recorded under: never the address, nor a plain hash of it."""
    return hmac.new(key, network(address), hashlib.sha256).hexdigest()[:KEY_LENGTH]
