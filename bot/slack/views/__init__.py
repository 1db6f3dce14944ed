"""Pure Block Kit builders: data in, dict out. No I/O, so golden tests pin them down."""

from bot.slack.views.model import BookingLine, BookingResult, FormState, SlotChoice

__all__ = ["BookingLine", "BookingResult", "FormState", "SlotChoice"]
