"""Watching the site for what happens outside Slack (no Slack imports here).

`Watcher` looks at the site every interval (one process at a time, by a lease in the
store), derives `Change`s (new bookings from any source, cancellations, reschedules,
confirmations, rejections) and hands them to a `Teller`, each exactly once; it also
sends reminders. `bot.feed.webhook` feeds FluentBooking Pro webhooks into the same
pipeline.
"""

from bot.feed.changes import Change, Kind, Seen
from bot.feed.ports import NoTeller, Reminder, SiteReader, Summary, Teller
from bot.feed.state import FeedState, WatcherStatus
from bot.feed.watcher import LookResult, Watcher, WatcherOptions

__all__ = [
    "Change",
    "FeedState",
    "Kind",
    "LookResult",
    "NoTeller",
    "Reminder",
    "Seen",
    "SiteReader",
    "Summary",
    "Teller",
    "Watcher",
    "WatcherOptions",
    "WatcherStatus",
]
