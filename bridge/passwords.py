"""How new passwords are hashed: werkzeug's scrypt with its strong parameters.

Every stored hash names the parameters it was made with (`scrypt:32768:8:1$salt$hash`), so a
check reads them from the hash and verifies any password whatever is set here now. Only the
cost of *new* hashes can change, and only through `use_hashing`, which nothing in the bridge
calls: the test kit (`bridge.testing`) lowers it for the accounts it makes by the hundred, and a
test that measures the real cost asks for the strong parameters back (`strong_passwords`).

werkzeug is imported when a hash is made, so that the test kit can set the cost before the
bridge is imported at all.
"""

from __future__ import annotations

from functools import cache

# N=2**15, r=8, p=1: about 100 ms and 32 MB a hash, what makes guessing a password expensive.
STRONG = "scrypt:32768:8:1"

_method = STRONG


def hashing_method() -> str:
    """The method new passwords are hashed with, in werkzeug's notation."""
    return _method


def use_hashing(method: str) -> str:
    """Hash new passwords with `method` (e.g. "scrypt:128:8:1") from now on; returns the method
    in force before. For test kits only: a deployment never calls it and keeps `STRONG`."""
    global _method
    if not method.startswith("scrypt:"):
        raise ValueError(f"passwords are hashed with scrypt, not {method!r}")
    previous, _method = _method, method
    return previous


def hash_password(password: str) -> str:
    """The hash to store for `password`."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method=_method)


def dummy_hash() -> str:
    """A hash of no one's password at the current cost: checking a refused attempt against it
    costs what checking a wrong password does."""
    return _dummy_hash(_method)


@cache
def _dummy_hash(method: str) -> str:
    # Made on first use: a sync process never needs one.
    from werkzeug.security import generate_password_hash

    return generate_password_hash("not a password", method=method)
