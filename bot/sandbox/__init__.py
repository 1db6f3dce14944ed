"""A local FluentBooking-compatible site, for the demo, integration tests and benchmarks.

It emulates a WordPress site running FluentBooking 2.0.0 as seen from its REST API
(`/wp-json/fluent-booking/v2/...` and `/?rest_route=/fluent-booking/v2/...`): calendars,
event details with computed availability, booking creation, the user's and the host's
bookings and integration settings, with the real site's shapes, status codes, error
bodies and quirks (see /work/shared/fluentbooking-api.md). Data lives in SQLite and is
seeded with sample hosts and events. On top, it misbehaves on demand (latency, error
statuses, HTML pages, hangs), has a settable clock and counts the requests it receives.

    from bot.sandbox import start_sandbox
    with start_sandbox() as sandbox:
        ...  # sandbox.url, sandbox.username, sandbox.app_password
"""

from bot.sandbox.app import RequestRecord
from bot.sandbox.faults import Faults
from bot.sandbox.lifecycle import SentEmail
from bot.sandbox.seed import DEMO_APP_PASSWORD, DEMO_EMAIL, DEMO_USERNAME
from bot.sandbox.server import Sandbox, start_sandbox

__all__ = [
    "DEMO_APP_PASSWORD",
    "DEMO_EMAIL",
    "DEMO_USERNAME",
    "Faults",
    "RequestRecord",
    "Sandbox",
    "SentEmail",
    "start_sandbox",
]
