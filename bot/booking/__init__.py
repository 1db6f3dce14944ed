"""Making a booking once per user intent, and remembering who booked what (no Slack here).

`service` claims the intent in the store, calls the site and stores the result;
`result` is what the user is shown (and what a replay returns); `records` keeps the
bookings each Slack user made through the bot.
"""

from bot.booking.result import BookingResult
from bot.booking.service import BookingIntent, BookingPending, BookingService, BookOutcome

__all__ = ["BookOutcome", "BookingIntent", "BookingPending", "BookingResult", "BookingService"]
