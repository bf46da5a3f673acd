"""The run's seen ids: a bitmap for Decidim's numeric ids, a set for anything else."""

import tracemalloc

from bridge.sync.seen import BITMAP_IDS, IdSet


def test_it_behaves_as_a_set_of_strings():
    ids = IdSet()
    odd = ["0", "07", "7a", "-3", "٣", str(BITMAP_IDS), "x" * 40]
    for rid in ["5", "1", "5", "12", *odd, "07"]:
        ids.add(rid)
    assert len(ids) == 3 + len(odd)
    assert all(rid in ids for rid in ["1", "5", "12", *odd])
    assert all(rid not in ids for rid in ["2", "7", "3", "13", "999999", "", 5])
    assert not ids.add("12") and ids.add("13")


def test_a_pass_merged_into_the_run():
    run, one_pass = IdSet(), IdSet()
    for rid in ["1", "900", "a"]:
        run.add(rid)
    for rid in ["900", "2000", "b", "a"]:
        one_pass.add(rid)
    run.update(one_pass)
    assert len(run) == 5
    assert all(rid in run for rid in ["1", "900", "2000", "a", "b"])
    assert "2" not in run


def test_fifty_thousand_ids_take_a_bit_each_not_sixty_bytes():
    tracemalloc.start()
    ids = IdSet()
    for number in range(1, 50_001):
        ids.add(str(number))
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(ids) == 50_000
    assert size < 50_000 // 8 + 2_000  # a set of the strings: about 3 MB
