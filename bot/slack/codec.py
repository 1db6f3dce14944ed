"""One typed codec for what Slack carries for the bot: button values and private_metadata.

Each value is a frozen dataclass with explicit field names; on the wire it is compact JSON
``{"v": 1, "kind": "...", <field>: ...}``. Sizes are checked after encoding, against
Slack's limits (a button value 2,000 characters, ``private_metadata`` 3,000). Reading
is strict: a value that is not this codec's JSON, names another kind, lacks a field, has
an unknown one, a wrong type, an unknown version or is longer than Slack allows is
refused with `WireError` (its `user_message` says what to do), before anything is done
with it, so a tampered button calls nothing.

Option values (the choices of a select) are single scalars, kept as Slack shows them
(event ids, durations, zone names, the site's slot times): `option_int` and `option_text`
read them back with the same refusal.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar, Union
from zoneinfo import ZoneInfo

from bot.slack.text import MAX_BUTTON_VALUE, MAX_METADATA, MAX_OPTION_VALUE

VERSION = 1

W = TypeVar("W", bound="WireValue")


class WireError(Exception):
    """A value from Slack that the bot did not write as it is now (changed, out of date,
    or too long): refused, nothing done."""

    kind = "wire"
    user_message = (
        "That button or form could not be read (it may be from an older version of the "
        "bot, or was changed), so nothing was done. Run the command again, e.g. `/book`."
    )

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class WireTooLarge(WireError):
    """Too long for Slack once encoded (on the way out), or longer than Slack allows (in)."""

    user_message = (
        "That is too long to fit in a Slack button or form. Shorten the name or the "
        "text and try again."
    )


class WireValue:
    """Base of the typed values; `KIND` names the value on the wire."""

    KIND: ClassVar[str]
    LIMIT: ClassVar[int] = MAX_BUTTON_VALUE
    #: fields (with defaults) left out of the wire while they hold their default
    OPTIONAL: ClassVar[frozenset[str]] = frozenset()

    def encode(self) -> str:
        fields = {
            f.name: _to_wire(getattr(self, f.name))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            # fields added later are left out while they hold their default, so values
            # (and the views that carry them) stay as they were before the field existed
            if f.name not in self.OPTIONAL or getattr(self, f.name) != f.default
        }
        raw = json.dumps(
            {"v": VERSION, "kind": self.KIND, **fields},
            separators=(",", ":"),
            sort_keys=True,
            ensure_ascii=False,
        )
        if len(raw) > self.LIMIT:
            raise WireTooLarge(f"{self.KIND}: {len(raw)} characters encoded > {self.LIMIT}")
        return raw

    @classmethod
    def decode(cls: type[W], raw: object) -> W:
        return _decode(cls, raw)


def decode_any(raw: object, *kinds: type[WireValue]) -> WireValue:
    """The value, as whichever of `kinds` it names."""
    data = _load(raw, max(k.LIMIT for k in kinds))
    for kind in kinds:
        if data.get("kind") == kind.KIND:
            return _from_data(kind, data)
    raise WireError(f"kind {data.get('kind')!r} where {[k.KIND for k in kinds]} expected")


def _decode(cls: type[W], raw: object) -> W:
    return _from_data(cls, _load(raw, cls.LIMIT))


def _load(raw: object, limit: int) -> dict[str, Any]:
    if not isinstance(raw, str):
        raise WireError(f"a {type(raw).__name__} where text was expected")
    if len(raw) > limit:
        raise WireTooLarge(f"{len(raw)} characters > {limit}")
    try:
        data = json.loads(raw)
    except ValueError:
        raise WireError("not JSON") from None
    if not isinstance(data, dict):
        raise WireError("not a JSON object")
    if data.get("v") != VERSION:
        raise WireError(f"version {data.get('v')!r}, this bot reads {VERSION}")
    return data


def _from_data(cls: type[W], data: dict[str, Any]) -> W:
    if data.get("kind") != cls.KIND:
        raise WireError(f"kind {data.get('kind')!r} where {cls.KIND!r} expected")
    hints = typing.get_type_hints(cls)
    all_fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    fields = {f.name for f in all_fields}
    # an optional field (added later, with a default) may be absent from the wire
    required = {f.name for f in all_fields if f.name not in cls.OPTIONAL}
    given = set(data) - {"v", "kind"}
    if not required <= given <= fields:
        missing, unknown = sorted(required - given), sorted(given - fields)
        raise WireError(f"{cls.KIND}: missing {missing}, unknown {unknown}")
    values = {}
    for name in fields & given:
        try:
            values[name] = _from_wire(hints[name], data[name])
        except (TypeError, ValueError) as exc:
            raise WireError(f"{cls.KIND}.{name}: {exc}") from None
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise WireError(f"{cls.KIND}: {exc}") from None


def _to_wire(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _from_wire(hint: object, value: object) -> object:

    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _from_wire(inner, value)
    if origin is tuple:
        (item, _) = typing.get_args(hint)
        if not isinstance(value, list):
            raise TypeError("not a list")
        return tuple(_from_wire(item, v) for v in value)
    if hint is bool:
        if not isinstance(value, bool):
            raise TypeError("not true or false")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("not a whole number")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise TypeError("not text")
        return value
    if hint is datetime:
        if not isinstance(value, str):
            raise TypeError("not a date and time")
        when = datetime.fromisoformat(value)
        if when.tzinfo is None:
            raise ValueError("a time without its offset")
        return when
    if hint is date:
        if not isinstance(value, str):
            raise TypeError("not a date")
        return date.fromisoformat(value)
    raise TypeError(f"no reader for {hint!r}")  # pragma: no cover - a new field type


def _positive(value: int | None, name: str) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"{name} must be positive")


# -- button values -----------------------------------------------------------------------


@dataclass(frozen=True)
class SlotValue(WireValue):
    """A Book button (and the Change button beside it): enough to book without asking."""

    KIND: ClassVar[str] = "slot"
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"phone", "address"})
    event_id: int
    event_time: str  # the site's slot string, sent back as it came
    start: datetime  # aware, in `timezone`
    timezone: str
    duration: int | None
    name: str
    email: str
    phone: str = ""  # typed in the line ("phone +1 555 0100"), for events that need one
    address: str = ""

    def __post_init__(self) -> None:
        _positive(self.event_id, "event_id")
        _positive(self.duration, "duration")


@dataclass(frozen=True)
class PrefillValue(WireValue):
    """An Open booking form button: what the form opens with."""

    KIND: ClassVar[str] = "prefill"
    event_id: int | None
    duration: int | None
    day: date | None
    start: datetime | None
    timezone: str | None
    name: str | None
    email: str | None


@dataclass(frozen=True)
class PickEventValue(WireValue):
    """One of several matching events: the event and the user's original text."""

    KIND: ClassVar[str] = "pick_event"
    event_id: int
    query: str

    def __post_init__(self) -> None:
        _positive(self.event_id, "event_id")


@dataclass(frozen=True)
class MoreBookingsValue(WireValue):
    """/bookings' More button: the period, how many rows to show, and whether it was the
    admin's whole-team view (checked again on the click: being an admin is never taken
    from here)."""

    KIND: ClassVar[str] = "more_bookings"
    period: str
    limit: int
    team: bool = False

    def __post_init__(self) -> None:
        _positive(self.limit, "limit")


@dataclass(frozen=True)
class SlotRangeValue(WireValue):
    """More times (one day) / Later days (the rest): the event, the days, the zone."""

    KIND: ClassVar[str] = "slot_range"
    event_id: int
    first: date
    last: date
    timezone: str
    duration: int | None

    def __post_init__(self) -> None:
        _positive(self.event_id, "event_id")
        _positive(self.duration, "duration")
        if self.last < self.first:
            raise ValueError("last day before the first")


@dataclass(frozen=True)
class IntegrationKeyValue(WireValue):
    """/booking-settings' Try again: the integration to reload."""

    KIND: ClassVar[str] = "integration_key"
    key: str


@dataclass(frozen=True)
class PickAnotherValue(WireValue):
    """/booking-settings' Choose another integration."""

    KIND: ClassVar[str] = "pick_another"


#: where a lifecycle button was shown, when that place must be redrawn after a change
#: ("" for messages the bot records itself: DMs and the channel announcement)
SHOWN_IN = ("", "home", "bookings")
BOOKING_STATUSES = ("", "scheduled", "pending", "cancelled", "rejected", "completed", "no_show")
LISTING_PERIODS = ("", "upcoming", "past", "all")


def _check_shown(shown_in: str, period: str, limit: int) -> None:
    if shown_in not in SHOWN_IN:
        raise ValueError(f"shown_in {shown_in[:20]!r}")
    if period not in LISTING_PERIODS:
        raise ValueError(f"period {period[:20]!r}")
    if limit < 0 or (shown_in == "bookings") != bool(period and limit):
        raise ValueError("a /bookings listing names its period and size, nothing else does")


@dataclass(frozen=True)
class LifecycleValue(WireValue):
    """A lifecycle button (Cancel, Reschedule, Approve, Decline, Completed, No-show; the
    change is its action_id): the booking, the state the member saw (absent on the
    feed's Approve / Decline) and where it was shown (App Home, or a /bookings listing
    with its period and size, to redraw after the change). None of it counts as a fact:
    the click reads the booking and checks the rule again."""

    KIND: ClassVar[str] = "lifecycle"
    OPTIONAL: ClassVar[frozenset[str]] = frozenset(
        {"status", "start", "shown_in", "period", "limit", "team"}
    )
    booking_id: int
    status: str = ""
    start: datetime | None = None  # aware (UTC)
    shown_in: str = ""
    period: str = ""
    limit: int = 0
    team: bool = False

    def __post_init__(self) -> None:
        _positive(self.booking_id, "booking_id")
        if self.status not in BOOKING_STATUSES:
            raise ValueError(f"status {self.status[:20]!r}")
        if bool(self.status) != (self.start is not None):
            raise ValueError("the state seen needs both its status and its start")
        _check_shown(self.shown_in, self.period, self.limit)


# -- private_metadata --------------------------------------------------------------------


@dataclass(frozen=True)
class BookingFormMeta(WireValue):
    """The booking modal's memory: where it was opened, by whom, the zone its times are
    in and what the chosen event requires. Never a value the user typed."""

    KIND: ClassVar[str] = "booking_form"
    LIMIT: ClassVar[int] = MAX_METADATA
    channel_id: str | None
    user_id: str
    timezone: str | None = None
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class SettingsMeta(WireValue):
    """The /booking-settings modal's memory: the integration key and the channel."""

    KIND: ClassVar[str] = "settings"
    LIMIT: ClassVar[int] = MAX_METADATA
    channel_id: str | None
    key: str | None = None


@dataclass(frozen=True)
class LifecycleMeta(WireValue):
    """A lifecycle modal's memory (Cancel, Decline, Reschedule): the booking and the state
    the member saw, their zone, the message clicked (channel, ts), the reschedule day
    shown, and where the booking was listed (as in `LifecycleValue`)."""

    KIND: ClassVar[str] = "lifecycle_modal"
    LIMIT: ClassVar[int] = MAX_METADATA
    OPTIONAL: ClassVar[frozenset[str]] = frozenset(
        {"channel", "ts", "day", "shown_in", "period", "limit", "team"}
    )
    booking_id: int
    status: str
    start: datetime
    timezone: str
    channel: str = ""
    ts: str = ""
    day: date | None = None
    shown_in: str = ""
    period: str = ""
    limit: int = 0
    team: bool = False

    def __post_init__(self) -> None:
        _positive(self.booking_id, "booking_id")
        if not self.status or self.status not in BOOKING_STATUSES:
            raise ValueError(f"status {self.status[:20]!r}")
        try:
            ZoneInfo(self.timezone)
        except (KeyError, ValueError):
            raise ValueError(f"timezone {self.timezone[:40]!r}") from None
        _check_shown(self.shown_in, self.period, self.limit)


# -- option values -----------------------------------------------------------------------


def option_text(value: object) -> str:
    """A select's chosen value (a zone name, a slot time): text within Slack's limit."""
    if not isinstance(value, str) or not value or len(value) > MAX_OPTION_VALUE:
        raise WireError(f"option value {str(value)[:40]!r}")
    return value


def option_int(value: object) -> int:
    """A select's chosen number (an event id, a duration)."""
    text = option_text(value)
    if not text.isdigit() or int(text) <= 0:
        raise WireError(f"option value {text[:40]!r} is not a positive number")
    return int(text)
