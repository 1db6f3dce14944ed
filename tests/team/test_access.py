"""The authorisation rule, as tables of viewer x booking x action."""

from __future__ import annotations

import itertools

import pytest

from bot.team.access import Action, BookingFacts, Role, Viewer, allowed, roles

HOST_CAL = 7
OTHER_CAL = 9

BOOKING = BookingFacts(
    booking_id=101,
    calendar_id=HOST_CAL,
    host_email="Hana@Site.example",
    attendee_email="Ana@Acme.com",
    guest_emails=frozenset({"Gus@Acme.com", "other@acme.com"}),
    booked_by="U_BOOKER",
)


def viewer(
    user_id: str = "U_X",
    email: str | None = None,
    *,
    admin: bool = False,
    hosts: frozenset[int] = frozenset(),
) -> Viewer:
    return Viewer(user_id=user_id, email=email, is_admin=admin, hosted_calendar_ids=hosts)


VIEWERS = {
    "admin": viewer("U_ADMIN", "boss@acme.com", admin=True),
    "host": viewer("U_HANA", "hana@slack.example", hosts=frozenset({HOST_CAL})),
    "booker": viewer("U_BOOKER", "booker@acme.com"),
    "attendee": viewer("U_ANA", "ana@acme.com"),
    "guest": viewer("U_GUS", "gus@acme.com"),
    "other host": viewer("U_OTTO", "otto@acme.com", hosts=frozenset({OTHER_CAL})),
    "stranger": viewer("U_NOBODY", "nobody@acme.com"),
    "no email": viewer("U_NOMAIL", None),
}

# What each viewer may do on BOOKING: the rule of SHARED-INTERFACES.md, written out.
EXPECTED: dict[str, set[Action]] = {
    "admin": set(Action),
    "host": set(Action),
    "booker": {Action.VIEW, Action.VIEW_CONTACT, Action.CANCEL, Action.RESCHEDULE},
    "attendee": {Action.VIEW, Action.VIEW_CONTACT, Action.CANCEL, Action.RESCHEDULE},
    "guest": {Action.VIEW},
    "other host": set(),
    "stranger": set(),
    "no email": set(),
}


@pytest.mark.parametrize(
    ("who", "action"), list(itertools.product(VIEWERS, Action)), ids=lambda v: str(v)
)
def test_table(who: str, action: Action) -> None:
    assert allowed(VIEWERS[who], BOOKING, action) is (action in EXPECTED[who])


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", {Role.ADMIN}),
        ("host", {Role.HOST}),
        ("booker", {Role.BOOKER}),
        ("attendee", {Role.ATTENDEE}),
        ("guest", {Role.GUEST}),
        ("other host", set()),
        ("stranger", set()),
    ],
)
def test_roles(who: str, expected: set[Role]) -> None:
    assert roles(VIEWERS[who], BOOKING) == expected


def test_emails_compare_case_insensitively_and_trimmed() -> None:
    shouty = viewer("U_ANA", "  ANA@ACME.COM ")
    assert allowed(shouty, BOOKING, Action.VIEW_CONTACT)
    guest = viewer("U_GUS", "GUS@acme.COM")
    assert allowed(guest, BOOKING, Action.VIEW)
    assert not allowed(guest, BOOKING, Action.VIEW_CONTACT)


@pytest.mark.parametrize("email", [None, "", "   "])
def test_empty_emails_never_match(email: str | None) -> None:
    booking = BookingFacts(
        booking_id=1,
        calendar_id=None,
        host_email=email,
        attendee_email=email,
        guest_emails=frozenset({email}) if email is not None else frozenset(),
        booked_by=None,
    )
    nobody = viewer("U_X", email)
    assert roles(nobody, booking) == frozenset()
    assert not any(allowed(nobody, booking, action) for action in Action)


def test_empty_booked_by_is_nobody() -> None:
    booking = BookingFacts(1, HOST_CAL, None, None, frozenset(), booked_by="")
    assert not allowed(viewer("", None), booking, Action.VIEW)


def test_calendar_decides_the_host_over_the_email() -> None:
    # BOOKING_HOST_MAP gave calendar 7 to someone else: the WordPress user's own Slack
    # account (same email) is not its host any more.
    same_email = viewer("U_SAMEMAIL", "hana@site.example")
    assert not allowed(same_email, BOOKING, Action.DECIDE)
    assert not allowed(same_email, BOOKING, Action.VIEW)


def test_host_email_stands_in_when_the_calendar_is_unknown() -> None:
    booking = BookingFacts(5, None, "Hana@Site.example", "ana@acme.com", frozenset(), None)
    hana = viewer("U_HANA", "hana@site.example")
    assert allowed(hana, booking, Action.MARK)
    assert not allowed(viewer("U_ANA", "ana@acme.com"), booking, Action.MARK)


def test_several_roles_add_up() -> None:
    self_booked = BookingFacts(8, HOST_CAL, None, "hana@slack.example", frozenset(), "U_HANA")
    hana = VIEWERS["host"]
    assert roles(hana, self_booked) == {Role.HOST, Role.BOOKER, Role.ATTENDEE}
    assert all(allowed(hana, self_booked, action) for action in Action)


def test_actions_accept_their_string_values() -> None:
    assert allowed(VIEWERS["host"], BOOKING, "decide")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        allowed(VIEWERS["host"], BOOKING, "delete")  # type: ignore[arg-type]
