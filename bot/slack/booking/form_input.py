"""Modal state (view.state.values) -> plain form data, and the local checks on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.slack.codec import BookingFormMeta, WireError, option_int
from bot.slack.ids import ActionId, BlockId
from bot.slack.inputs import element_value

EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PHONE_RE = re.compile(r"^\+?[0-9 ().\-]{6,25}$")


@dataclass
class FormData:
    event_id: int | None = None
    duration: int | None = None
    day: date | None = None
    time_value: str | None = None
    time_block: str | None = None  # the actual block id of the time select, for errors
    name: str = ""
    email: str = ""
    timezone: str | None = None
    phone: str = ""
    address: str = ""
    message: str = ""
    guests: list[str] = field(default_factory=list)
    guests_text: str = ""


#: text inputs read as they are (stripped) into the FormData attribute of that name
_TEXT_FIELDS: dict[str, str] = {
    ActionId.NAME: "name",
    ActionId.EMAIL: "email",
    ActionId.PHONE: "phone",
    ActionId.ADDRESS: "address",
    ActionId.MESSAGE: "message",
}


def read_state(view: dict[str, Any]) -> FormData:
    """Read every input of the booking modal; missing or empty inputs stay empty."""
    values: dict[str, dict[str, Any]] = (view.get("state") or {}).get("values") or {}
    form = FormData()
    for block_id, actions in values.items():
        for action_id, element in actions.items():
            raw = element_value(element)
            text = (raw or "").strip()
            if action_id == ActionId.EVENT and text:
                form.event_id = _number_or_none(text)
            elif action_id == ActionId.DURATION and text:
                form.duration = _number_or_none(text)
            elif action_id == ActionId.DAY and text:
                try:
                    form.day = date.fromisoformat(text)
                except ValueError:
                    form.day = None
            elif action_id == ActionId.TIME:
                form.time_block = block_id
                form.time_value = text or None
            elif action_id in _TEXT_FIELDS:
                setattr(form, _TEXT_FIELDS[action_id], text)
            elif action_id == ActionId.TIMEZONE:
                form.timezone = text or None
            elif action_id == ActionId.GUESTS:
                form.guests_text = text
                form.guests = [g for g in re.split(r"[\s,;]+", text) if g]
    return form


def _number_or_none(text: str) -> int | None:
    """An option's number; one that is not (changed, outdated) reads as not chosen."""
    try:
        return option_int(text)
    except WireError:
        return None


def read_metadata(view: dict[str, Any]) -> BookingFormMeta:
    """The modal's memory, or WireError when it is not this bot's (changed, outdated)."""
    return BookingFormMeta.decode(view.get("private_metadata"))


def validate(form: FormData, *, requires: tuple[str, ...] = ()) -> dict[str, str]:
    """Errors keyed by block id, in the words shown under the input."""
    errors: dict[str, str] = {}
    if form.event_id is None:
        errors[BlockId.EVENT] = "Choose an event."
    if form.day is None:
        errors[BlockId.DAY] = "Choose a day."
    elif not form.time_value:
        if form.time_block:
            errors[form.time_block] = "Choose a time."
        else:
            errors[BlockId.DAY] = "No free time chosen on this day: pick another day."
    if not form.name:
        errors[BlockId.NAME] = "Enter the attendee's name."
    if not EMAIL_RE.match(form.email):
        errors[BlockId.EMAIL] = "Enter a valid email address, like ana@example.com."
    if "phone" in requires:
        if not form.phone:
            errors[BlockId.PHONE] = "This meeting is a phone call: enter a phone number."
        elif not PHONE_RE.match(form.phone):
            errors[BlockId.PHONE] = "Enter a phone number with digits only, like +1 555 123 4567."
    if "address" in requires and not form.address:
        errors[BlockId.ADDRESS] = "This meeting is in person: enter the address."
    bad = [g for g in form.guests if not EMAIL_RE.match(g)]
    if bad:
        errors[BlockId.GUESTS] = f"Not an email address: {bad[0][:80]}"
    return {str(k): v for k, v in errors.items()}


#: site validation field -> modal block
SITE_FIELD_BLOCKS = {
    "email": BlockId.EMAIL,
    "name": BlockId.NAME,
    "location_description": BlockId.PHONE,
    "phone_number": BlockId.PHONE,
    "address": BlockId.ADDRESS,
    "message": BlockId.MESSAGE,
    "guests": BlockId.GUESTS,
}
