"""The collector held off during bulk work, across overlapping holders (threads)."""

import gc
import threading

from coercionwatch.store.writer import fewer_collections


def test_full_collections_are_held_off_and_the_thresholds_put_back():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] > before[0]
        assert gc.isenabled()
    assert gc.get_threshold() == before
    assert gc.isenabled()


def test_none_stops_every_collection_until_its_last_holder_ends():
    before = gc.get_threshold()
    inner_started, inner_may_end = threading.Event(), threading.Event()

    def other_report() -> None:
        with fewer_collections(none=True):
            inner_started.set()
            inner_may_end.wait(5)

    with fewer_collections():
        with fewer_collections(none=True):
            assert not gc.isenabled()
            thread = threading.Thread(target=other_report)
            thread.start()
            assert inner_started.wait(5)
        # The other report still holds the collector off after this one ended.
        assert not gc.isenabled()
        inner_may_end.set()
        thread.join(5)
        assert gc.isenabled()
        assert gc.get_threshold() != before
    assert gc.get_threshold() == before
    assert gc.isenabled()
