"""Booking: `/book` (one line, or the form), `/slots`, `/bookings`, the booking modal,
the Book buttons and the message shortcut; what happens after a booking (DM, channel
post, App Home refresh).

- `listeners`: every Bolt listener of the feature, registered by `register(app, deps)`;
- flows: `oneline` (/book text), `form` (the modal), `slots` (/slots), `bookings_list`
  (/bookings), `shortcut` (the message shortcut), `announce` (after a booking), with
  `common`, `matching`, `form_input` and `suggest` helping them;
- `views/`: pure Block Kit builders (`messages`, `modal`, `announcements`) and the plain
  data they take (`model`).
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.booking import listeners
from bot.slack.deps import Deps
from bot.store.outbox import Outbox


def register(app: AsyncApp, deps: Deps) -> None:
    listeners.register(app, deps)


def outbox(app: AsyncApp, deps: Deps) -> Outbox:
    """The process's outbox of booking announcements, delivering through the app's Web
    API client; `bot.slack.run` starts and stops its background retries with the process."""
    from bot.slack.booking.announce import outbox_of

    return outbox_of(deps, app.client)
