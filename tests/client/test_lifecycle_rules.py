"""Which changes the client sends at all, and where admin-ajax lives for each URL form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.fluentbooking.lifecycle import Change, ajax_url, refusal
from bot.fluentbooking.urls import locate_api

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
FUTURE = NOW + timedelta(days=1)
PAST = NOW - timedelta(days=1)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (Change.CANCEL, "scheduled"),
        (Change.CANCEL, "pending"),
        (Change.RESCHEDULE, "scheduled"),
        (Change.RESCHEDULE, "pending"),
        (Change.APPROVE, "pending"),
        (Change.DECLINE, "pending"),
    ],
)
def test_changes_that_are_sent(change: Change, status: str) -> None:
    assert refusal(change, status, start_utc=FUTURE, now=NOW) is None


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        # the site would answer success and do nothing
        (Change.DECLINE, "scheduled", "Only a booking waiting for approval"),
        (Change.CANCEL, "completed", "marked completed, so it cannot be cancelled"),
        (Change.CANCEL, "rejected", "declined, so it cannot be cancelled"),
        # the site would re-book with no slot check
        (Change.APPROVE, "cancelled", "Only a booking waiting for approval"),
        # the site would refuse with a word that says little
        (Change.RESCHEDULE, "cancelled", "cancelled, so it cannot be rescheduled"),
        (Change.RESCHEDULE, "completed", "cannot be rescheduled"),
    ],
)
def test_changes_refused_before_writing(change: Change, status: str, words: str) -> None:
    refused = refusal(change, status, start_utc=FUTURE, now=NOW)
    assert refused is not None and words in refused.message
    assert not refused.already


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (Change.CANCEL, "cancelled"),
        (Change.APPROVE, "scheduled"),
        (Change.DECLINE, "rejected"),
        (Change.COMPLETED, "completed"),
        (Change.NO_SHOW, "no_show"),
    ],
)
def test_already_done_is_said_so(change: Change, status: str) -> None:
    refused = refusal(change, status, start_utc=PAST, now=NOW)
    assert refused is not None and refused.already
    assert "already" in refused.message


def test_marks_only_after_the_meeting_started() -> None:
    assert refusal(Change.COMPLETED, "scheduled", start_utc=PAST, now=NOW) is None
    assert refusal(Change.NO_SHOW, "scheduled", start_utc=PAST, now=NOW) is None
    early = refusal(Change.NO_SHOW, "scheduled", start_utc=FUTURE, now=NOW)
    assert early is not None and "not started yet" in early.message
    # a mark can be corrected, but a cancelled meeting is not marked
    assert refusal(Change.COMPLETED, "no_show", start_utc=PAST, now=NOW) is None
    assert refusal(Change.COMPLETED, "cancelled", start_utc=PAST, now=NOW) is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com", "https://example.com/wp-admin/admin-ajax.php"),
        ("https://example.com/", "https://example.com/wp-admin/admin-ajax.php"),
        ("https://example.com/blog", "https://example.com/blog/wp-admin/admin-ajax.php"),
        (
            "https://example.com/wp-json/fluent-booking/v2",
            "https://example.com/wp-admin/admin-ajax.php",
        ),
        (
            "https://example.com/blog/wp-json/fluent-booking/v2/",
            "https://example.com/blog/wp-admin/admin-ajax.php",
        ),
        ("https://example.com/?rest_route=/", "https://example.com/wp-admin/admin-ajax.php"),
        (
            "http://127.0.0.1:8080/index.php?rest_route=/fluent-booking/v2",
            "http://127.0.0.1:8080/wp-admin/admin-ajax.php",
        ),
    ],
)
def test_ajax_url_from_every_url_form(url: str, expected: str) -> None:
    assert ajax_url(locate_api(url)) == expected
