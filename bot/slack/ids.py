"""Every callback id, block id and action id the app uses, in one place.

The message shortcut's callback id is also declared in manifest.yml.
"""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    BOOK_MODAL = "book_modal"
    BOOK_SHORTCUT = "book_with_person"


class BlockId(StrEnum):
    EVENT = "event"
    DURATION = "duration"
    DAY = "day"
    TIME = "time"  # the real block id carries a suffix so a refresh resets the choice
    NAME = "attendee_name"
    EMAIL = "attendee_email"
    TIMEZONE = "attendee_tz"
    PHONE = "phone"
    ADDRESS = "address"
    MESSAGE = "message"
    GUESTS = "guests"
    TIME_NOTE = "time_note"


class ActionId(StrEnum):
    EVENT = "event_select"
    DURATION = "duration_select"
    DAY = "day_pick"
    TIME = "time_select"
    NAME = "name_input"
    EMAIL = "email_input"
    TIMEZONE = "tz_select"
    PHONE = "phone_input"
    ADDRESS = "address_input"
    MESSAGE = "message_input"
    GUESTS = "guests_input"
    # buttons in messages
    BOOK_SLOT = "book_slot"
    CHANGE = "open_form"
    PICK_EVENT = "pick_event"
    MORE_BOOKINGS = "more_bookings"
    BOOKING_DETAILS = "booking_details"  # the /bookings Details menu
    MORE_SLOTS = "more_slots"  # More times (one whole day) / Later days (the rest)
    OPEN_FORM = "open_form_button"


#: actions inside the modal that refresh the available times
REFRESH_ACTIONS = (ActionId.EVENT, ActionId.DURATION, ActionId.DAY, ActionId.TIMEZONE)
