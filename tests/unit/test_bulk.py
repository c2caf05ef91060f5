"""The cycle collector pause used while building a period's records in bulk."""

from __future__ import annotations

import gc
import threading

import pytest
from posbooks.core.bulk import cycle_collection_paused


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_running_again_after():
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_resumes_the_collector():
    with pytest.raises(ZeroDivisionError), cycle_collection_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_application_stays_off():
    gc.disable()
    with cycle_collection_paused():
        pass
    assert not gc.isenabled()


def test_the_collector_resumes_only_when_the_last_of_two_concurrent_builds_ends():
    """Streamlit serves sessions from threads; one finishing must not resume it for the other."""
    first_inside, second_inside, first_done = (
        threading.Event(),
        threading.Event(),
        threading.Event(),
    )
    seen: list[bool] = []

    def first():
        with cycle_collection_paused():
            first_inside.set()
            second_inside.wait(5)
        first_done.set()

    def second():
        with cycle_collection_paused():
            second_inside.set()
            first_done.wait(5)
            seen.append(gc.isenabled())  # the first build has left; this one is still going

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    first_inside.wait(5)
    threads[1].start()
    for t in threads:
        t.join(10)
    assert seen == [False]
    assert gc.isenabled()
