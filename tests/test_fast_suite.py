"""The fast suite (`make test`, ``-m "not slow"``) does not import the modules whose every test is
slow (tests/conftest.py): which modules those are is read from their source."""

from __future__ import annotations

from tests.conftest import REPO, wholly_slow

TESTS = REPO / "tests"


def test_modules_marked_slow_as_a_whole_are_recognised() -> None:
    assert wholly_slow(TESTS / "test_accuracy.py")  # pytestmark = pytest.mark.slow
    assert wholly_slow(TESTS / "test_browser.py")  # a list holding it
    assert wholly_slow(TESTS / "test_browser_correct.py")  # imported from test_browser


def test_modules_with_fast_tests_are_collected() -> None:
    for name in ("test_roll.py", "test_measures.py", "test_rollcheck.py", "test_fast_suite.py"):
        assert not wholly_slow(TESTS / name), name
