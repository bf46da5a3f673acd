"""The remote ids a run has seen in one component, in about one bit per id.

The engine keeps them to find the stored records Decidim no longer shows. As a set of strings
they took about 60 bytes an item, twice (the pass and the run), and a sync's peak memory grew
with the size of its largest component. Decidim's ids are database ids, positive integers sent
as strings: a bitmap indexed by the id holds them in max_id / 8 bytes whatever the count (a
125 KB bitmap for ids up to a million). An id that is not such a number, or beyond `BITMAP_IDS`,
goes to a plain set, so any id works.
"""

from __future__ import annotations

BITMAP_IDS = 1 << 27  # ids below this go to the bitmap: at most 16 MB, never reached in practice


class IdSet:
    def __init__(self) -> None:
        self._bits = bytearray()
        self._others: set[str] = set()
        self._count = 0

    @staticmethod
    def _number(rid: str) -> int | None:
        """The id as a bitmap index, or None when it is not a plain positive integer (a
        leading zero would make "07" and "7" the same id)."""
        if rid.isascii() and rid.isdigit() and rid[0] != "0":
            number = int(rid)
            if number < BITMAP_IDS:
                return number
        return None

    def add(self, rid: str) -> bool:
        """Add `rid`; True when it was not there yet."""
        number = self._number(rid)
        if number is None:
            if rid in self._others:
                return False
            self._others.add(rid)
        else:
            byte, bit = divmod(number, 8)
            if byte >= len(self._bits):
                self._bits.extend(bytes(byte + 1 - len(self._bits)))
            if self._bits[byte] >> bit & 1:
                return False
            self._bits[byte] |= 1 << bit
        self._count += 1
        return True

    def __contains__(self, rid: object) -> bool:
        # `_number` written out: called for every item of a sync, twice, the call was half
        # the cost.
        if not isinstance(rid, str):
            return False
        if rid.isascii() and rid.isdigit() and rid[0] != "0":
            number = int(rid)
            if number < BITMAP_IDS:
                byte = number >> 3
                return byte < len(self._bits) and bool(self._bits[byte] >> (number & 7) & 1)
        return rid in self._others

    def __len__(self) -> int:
        return self._count

    def update(self, other: IdSet) -> None:
        """Add every id of `other` (a pass's ids into the run's)."""
        width = max(len(self._bits), len(other._bits))
        merged = int.from_bytes(self._bits, "little") | int.from_bytes(other._bits, "little")
        self._bits = bytearray(merged.to_bytes(width, "little"))
        self._others |= other._others
        self._count = merged.bit_count() + len(self._others)
