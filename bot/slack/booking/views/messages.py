"""Message builders: confirmations, slot lists, event and booking lists, help, errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from bot.fluentbooking.models import Event
from bot.slack.blocks import button, context, message, notice, section
from bot.slack.booking.views.model import BookingLine, BookingListing, BookingSection, SlotChoice
from bot.slack.codec import (
    MoreBookingsValue,
    PickEventValue,
    PrefillValue,
    SlotRangeValue,
    SlotValue,
    WireTooLarge,
)
from bot.slack.fmt import clock, day_label, duration_label, when_label
from bot.slack.ids import ActionId
from bot.slack.text import (
    MAX_ACTIONS_ELEMENTS,
    MAX_BLOCKS_MESSAGE,
    MAX_SECTION_TEXT,
    escape,
    plain,
    truncate,
)

TEAM_LABEL = "whole team (admin view)"
MAX_DETAIL_OPTIONS = 100


def slot_value(
    event: Event,
    slot: SlotChoice,
    timezone: str,
    duration: int | None,
    name: str,
    email: str,
    *,
    phone: str = "",
    address: str = "",
) -> SlotValue:
    """What a Book button carries: enough to create the booking without asking again."""
    return SlotValue(
        event_id=event.id,
        event_time=slot.value,
        start=slot.start,
        timezone=timezone,
        duration=duration,
        name=name,
        email=email,
        phone=phone[:40],
        address=address[:200],
    )


def confirm_slot(
    event: Event,
    slot: SlotChoice,
    timezone: str,
    duration: int | None,
    name: str,
    email: str,
    *,
    phone: str = "",
    address: str = "",
) -> dict[str, Any]:
    """'/book demo with ana@… tue 3pm' when that time is free: Book / Change."""
    minutes = duration or event.duration
    lines = [
        f"*{escape(event.title)}*"
        + (f" with {escape(event.host_name)}" if event.host_name else ""),
        f"*When:* {when_label(slot.start, slot.end, timezone)} · {duration_label(minutes)}",
        f"*Attendee:* {escape(name)} ({escape(email)})",
    ]
    if phone:
        lines.append(f"*Phone:* {escape(phone[:40])}")
    if address:
        lines.append(f"*Address:* {escape(address[:200])}")
    value = slot_value(event, slot, timezone, duration, name, email, phone=phone, address=address)
    blocks = [
        section("\n".join(lines)),
        {
            "type": "actions",
            "elements": [
                button("Book", ActionId.BOOK_SLOT.value, value, style="primary"),
                button("Change", ActionId.CHANGE.value, value),
            ],
        },
    ]
    return message(blocks, f"Book {event.title}?")


def slot_buttons(
    event: Event,
    slots_by_day: dict[date, list[SlotChoice]],
    timezone: str,
    duration: int | None,
    name: str,
    email: str,
    *,
    intro: str,
    per_day: int = 10,
    max_days: int = 14,
    last_day: date | None = None,
) -> dict[str, Any]:
    """Free slots as Book buttons, times in `timezone`.

    One day alone shows every free time (rows of 25 buttons). Several days show
    `per_day` times each with a "More times" button that shows the whole day, and as
    many days as fit in one message; a "Later days" button shows the rest of the range
    (up to `last_day`)."""
    blocks: list[dict[str, Any]] = [section(intro)]
    if email:
        blocks.append(context(f"Booking for {escape(name)} ({escape(email)})"))
    days = [d for d in sorted(slots_by_day) if slots_by_day[d]]
    single = len(days) == 1
    reserve = 1  # room for the "Later days" row
    shown = 0
    for day in days[:max_days]:
        slots = slots_by_day[day]
        limit = len(slots) if single else min(per_day, MAX_ACTIONS_ELEMENTS - 1)
        day_blocks = [section(f"*{day_label(day)}*")]
        buttons = [
            button(
                clock(s.start),
                f"{ActionId.BOOK_SLOT.value}:{i}",
                slot_value(event, s, timezone, duration, name, email),
            )
            for i, s in enumerate(slots[:limit])
        ]
        if len(slots) > limit:
            buttons.append(
                button(
                    f"More times ({len(slots) - limit})",
                    f"{ActionId.MORE_SLOTS.value}:{shown}",
                    range_value(event, day, day, timezone, duration),
                )
            )
        for row in range(0, len(buttons), MAX_ACTIONS_ELEMENTS):
            day_blocks.append(
                {"type": "actions", "elements": buttons[row : row + MAX_ACTIONS_ELEMENTS]}
            )
        if len(blocks) + len(day_blocks) > MAX_BLOCKS_MESSAGE - reserve:
            break
        blocks.extend(day_blocks)
        shown += 1
    if shown < len(days):
        after = days[shown]
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    button(
                        f"Later days (from {day_label(after)})",
                        ActionId.MORE_SLOTS.value,
                        range_value(event, after, last_day or days[-1], timezone, duration),
                    )
                ],
            }
        )
    if not days:
        blocks.append(
            section(
                "No free times in that period. Try another day: `/slots "
                f"{escape(event.title)} next week`"
            )
        )
    return message(blocks, f"Free times for {event.title}")


def range_value(
    event: Event, first: date, last: date, timezone: str, duration: int | None
) -> SlotRangeValue:
    """What a More times / Later days button carries: the event, the days and the zone."""
    return SlotRangeValue(
        event_id=event.id, first=first, last=last, timezone=timezone, duration=duration
    )


def event_list(events: list[Event], *, intro: str, command: str = "/slots") -> dict[str, Any]:
    """The bookable events, with how to ask for one."""
    if not events:
        return notice("The site has no bookable events yet.")
    lines = []
    for e in events[:40]:
        extra = ", ".join(duration_label(d) for d in e.durations) or duration_label(e.duration)
        host = f" with {escape(e.host_name)}" if e.host_name else ""
        lines.append(f"• *{escape(e.title)}*{host} ({extra})")
    text = "\n".join(lines)
    blocks = [section(intro), section(text)]
    if len(events) > 40:
        blocks.append(context(f"and {len(events) - 40} more"))
    blocks.append(context(f"Type `{command} EVENT NAME tomorrow` to see its free times."))
    return message(blocks, intro)


def _pick_value(event_id: int, text: str) -> PickEventValue:
    """The event and as much of the typed text as fits in a button (checked encoded)."""
    cut = len(text)
    while True:
        value = PickEventValue(event_id=event_id, query=text[:cut])
        try:
            value.encode()
            return value
        except WireTooLarge:
            cut = cut * 3 // 4


def pick_event(events: list[Event], text: str, *, intro: str) -> dict[str, Any]:
    """Several events match: ask with buttons (each keeps the rest of what was typed)."""
    elements = [
        button(
            truncate(e.title, 75),
            f"{ActionId.PICK_EVENT.value}:{i}",
            _pick_value(e.id, text),
        )
        for i, e in enumerate(events[:MAX_ACTIONS_ELEMENTS])
    ]
    return message([section(intro), {"type": "actions", "elements": elements}], intro)


def open_form_prompt(text: str, value: PrefillValue) -> dict[str, Any]:
    """A button that opens the modal (a fresh trigger_id), when the first one may be stale."""
    return message(
        [
            section(text),
            {
                "type": "actions",
                "elements": [button("Open booking form", ActionId.OPEN_FORM.value, value)],
            },
        ],
        text,
    )


_STATUS_EMOJI = {
    "scheduled": ":white_check_mark:",
    "pending": ":hourglass:",
    "cancelled": ":x:",
    "canceled": ":x:",
    "completed": ":heavy_check_mark:",
    "rejected": ":no_entry:",
}


_PERIOD_TITLES = {"upcoming": "Upcoming", "past": "Past", "all": "All"}
_EMPTY = {
    "upcoming": "No upcoming bookings. Book one with `/book`, "
    "or type `/bookings past` to see earlier ones.",
    "past": "No past bookings. Type `/bookings` for upcoming ones.",
    "all": "No bookings yet. Book one with `/book demo tomorrow 3pm`, or type `/book` "
    "for the booking form.",
}


def booking_list(
    listing: BookingListing, *, more_value: MoreBookingsValue | None = None
) -> dict[str, Any]:
    """/bookings: the viewer's sections (meetings they host, attend, booked for others),
    each newest relevant first (upcoming soonest first, past most recent first), with
    More, and a Details menu for the rows whose contact details the viewer may see."""
    title = f"{_PERIOD_TITLES.get(listing.period, listing.period.title())} bookings"
    if listing.team:
        title += f" — {TEAM_LABEL}"
    blocks: list[dict[str, Any]] = [section(f"*{escape(title)}*")]
    if listing.note:
        blocks.append(context(escape(listing.note)))
    shown = [s for s in listing.sections if s.lines]
    if not shown:
        blocks.append(section(_EMPTY.get(listing.period, _EMPTY["all"])))
        return message(blocks, title)
    # the lifecycle buttons under as many rows as fit Slack's 50 blocks (the rest are
    # listed as text, and the note says so)
    reserve = 2  # the Details / More actions, and the note
    with_buttons = sum(1 for part in shown for line in part.lines if line.actions)
    rows = _sections(shown, with_buttons)
    while with_buttons and len(blocks) + len(rows) + reserve > MAX_BLOCKS_MESSAGE:
        with_buttons -= 1
        rows = _sections(shown, with_buttons)
    blocks.extend(rows)
    left_out = sum(1 for part in shown for line in part.lines if line.actions) - with_buttons
    if left_out:
        blocks.append(
            context(
                f"A Slack message holds buttons for only the first {with_buttons} "
                f"bookings here; the other {left_out} have none in this list."
            )
        )
    elements: list[dict[str, Any]] = []
    detailed = [line for part in shown for line in part.lines if line.details_id is not None]
    if detailed:
        elements.append(
            {
                "type": "static_select",
                "action_id": ActionId.BOOKING_DETAILS.value,
                "placeholder": plain("Contact details of…"),
                "options": [
                    {
                        "text": plain(truncate(line.short_when, 75)),
                        "value": str(line.details_id),
                    }
                    for line in detailed[:MAX_DETAIL_OPTIONS]
                ],
            }
        )
    if more_value is not None:
        elements.append(button("More", ActionId.MORE_BOOKINGS.value, more_value))
    if elements:
        blocks.append({"type": "actions", "elements": elements})
    return message(blocks, title)


def booking_details(
    title: str, when: str, host: str, name: str, email: str, phone: str, place: str | None
) -> dict[str, Any]:
    """One booking's contact details (only for those the rule allows)."""
    lines = [f"*{escape(title)}*", f"*When:* {escape(when)}"]
    if host:
        lines.append(f"*Host:* {escape(host)}")
    attendee = escape(name or "—") + (f" ({escape(email)})" if email else "")
    lines.append(f"*Attendee:* {attendee}")
    if phone:
        lines.append(f"*Phone:* {escape(phone)}")
    if place:
        lines.append(f"*Where:* {escape(place)}")
    return message([section("\n".join(lines))], f"Details: {title}")


def _sections(parts: list[BookingSection], with_buttons: int) -> list[dict[str, Any]]:
    """Each part's heading and rows; the first `with_buttons` rows that have lifecycle
    buttons get them, right under their own row (rows without are packed as before)."""
    out: list[dict[str, Any]] = []
    left = with_buttons
    given: set[str] = set()  # a row listed twice (the site's pages shifted) gets one set
    for part in parts:
        count = (
            f"{len(part.lines)} of {part.total}"
            if part.total > len(part.lines)
            else str(part.total)
        )
        out.append(context(f"*{escape(part.heading)}* ({count})"))
        pending: list[str] = []
        for line in part.lines:
            pending.append(_booking_row(line))
            if line.actions and left > 0 and line.actions.get("block_id") not in given:
                left -= 1
                given.add(str(line.actions.get("block_id")))
                out.extend(section(text) for text in _packed(pending))
                out.append(line.actions)
                pending = []
        out.extend(section(text) for text in _packed(pending))
    return out


def _booking_row(line: BookingLine) -> str:
    emoji = _STATUS_EMOJI.get(line.status.lower(), ":small_blue_diamond:")
    people = f" {escape(line.people)}" if line.people else ""
    return (
        f"{emoji} *{escape(line.title)}*{people}\n"
        f"{escape(line.when)} · {escape(line.status.lower())}"
    )


def _packed(rows: Iterable[str], limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Rows joined into as few section texts as fit Slack's 3000 characters each."""
    texts: list[str] = []
    for row in rows:
        if texts and len(texts[-1]) + 1 + len(row) <= limit:
            texts[-1] += "\n" + row
        else:
            texts.append(row)
    return texts
