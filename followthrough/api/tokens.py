"""The personal token format: ``ft_`` + 32 random base62 characters + a 6-character checksum.

Like GitHub's tokens, the prefix and the CRC32 checksum (base62) let a secret scanner recognise
a leaked token and tell it from random text without asking us. Only the SHA-256 hash of a token
is stored: a random 190-bit secret needs no slow hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
import zlib

PREFIX = "ft_"
ALPHABET = string.digits + string.ascii_letters  # base62
RANDOM_LENGTH = 32
CHECKSUM_LENGTH = 6
PATTERN = re.compile(rf"^{PREFIX}[0-9A-Za-z]{{{RANDOM_LENGTH + CHECKSUM_LENGTH}}}$")


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits)).rjust(width, "0")


def checksum(random_part: str) -> str:
    return base62(zlib.crc32(random_part.encode()), CHECKSUM_LENGTH)


def generate() -> str:
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return PREFIX + random_part + checksum(random_part)


def is_well_formed(token: str) -> bool:
    """The shape and checksum are right (it may still be unknown, expired or revoked)."""
    if not PATTERN.match(token):
        return False
    body = token[len(PREFIX) :]
    return checksum(body[:RANDOM_LENGTH]) == body[RANDOM_LENGTH:]


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
