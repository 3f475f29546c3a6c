import os

from orchestration.scoped_environment import scoped_environment


def test_values_hold_inside_the_block_and_the_old_ones_come_back(monkeypatch):
    monkeypatch.setenv("PST_TEST_KEPT", "before")
    monkeypatch.setenv("PST_TEST_UNSET", "there")
    monkeypatch.delenv("PST_TEST_NEW", raising=False)
    with scoped_environment({"PST_TEST_KEPT": "inside", "PST_TEST_UNSET": None,
                             "PST_TEST_NEW": 3}):
        assert os.environ["PST_TEST_KEPT"] == "inside"
        assert "PST_TEST_UNSET" not in os.environ
        assert os.environ["PST_TEST_NEW"] == "3"
    assert os.environ["PST_TEST_KEPT"] == "before"
    assert os.environ["PST_TEST_UNSET"] == "there"
    assert "PST_TEST_NEW" not in os.environ
