"""Typed text read like the stored setting, and what a site really kept."""

from __future__ import annotations

import pytest

from bot.fluentbooking.integration_values import kept_fields, same_value, typed_like


@pytest.mark.parametrize(
    ("raw", "old", "expected"),
    [
        ("5", 3, 5),
        ("2.5", 1.0, 2.5),
        ("off", True, False),
        ("Yes", False, True),
        ("maybe", True, "maybe"),
        ("5", "3", "5"),
        ("abc", 3, "abc"),
    ],
)
def test_typed_text_takes_the_stored_values_type(raw, old, expected):
    assert typed_like(raw, old) == expected and type(typed_like(raw, old)) is type(expected)


def test_kept_fields_compares_as_settings():
    sent = {"caching_time": 5, "enabled": True, "client_secret": "new", "label": None}
    stored = {"caching_time": "5", "enabled": "1", "client_secret": "old", "label": ""}
    assert kept_fields(sent, stored) == ["caching_time", "label"]
    assert kept_fields(sent, {}) == []
    assert not same_value(True, "true") and same_value(None, "")
