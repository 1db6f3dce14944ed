"""The Block Kit -> terminal text renderer (pure, no network)."""

from __future__ import annotations

from bot.demo.render import mrkdwn, render_message, render_view


def _text(kind: str, text: str) -> dict:
    return {"type": kind, "text": text}


def test_message_buttons_are_numbered_with_their_text() -> None:
    message = {
        "ephemeral": True,
        "blocks": [
            {"type": "section", "text": _text("mrkdwn", "Free times for *Demo*:")},
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": _text("plain_text", "Book 10:00"), "action_id": "a"},
                    {"type": "button", "text": _text("plain_text", "Book 10:30"), "action_id": "b"},
                ],
            },
            {"type": "context", "elements": [_text("mrkdwn", "Booking for Ana")]},
        ],
    }
    out = render_message(message, start=3)
    assert "only you can see this" in out.lines[0]
    assert "Free times for *Demo*:" in out.text
    assert "-" * 40 in out.lines
    assert "[3] Book 10:00  [4] Book 10:30" in out.text
    assert "  Booking for Ana" in out.lines
    assert [(c.number, c.action_id, c.is_button) for c in out.controls] == [
        (3, "a", True),
        (4, "b", True),
    ]


def test_message_without_blocks_shows_its_text() -> None:
    out = render_message({"text": "Hello &lt;world&gt; &amp; all"})
    assert out.lines[1] == "Hello <world> & all"
    assert out.controls == []


def test_modal_inputs_selects_values_and_field_errors() -> None:
    view = {
        "type": "modal",
        "title": _text("plain_text", "Book a meeting"),
        "submit": _text("plain_text", "Book"),
        "close": _text("plain_text", "Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": "event",
                "dispatch_action": True,
                "label": _text("plain_text", "Event"),
                "element": {
                    "type": "static_select",
                    "action_id": "event_select",
                    "placeholder": _text("plain_text", "Choose an event"),
                    "options": [
                        {"text": _text("plain_text", "Phone call"), "value": "1"},
                        {"text": _text("plain_text", "Demo"), "value": "3"},
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "attendee_email",
                "label": _text("plain_text", "Attendee email"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "email_input",
                    "initial_value": "alice@example.com",
                },
            },
            {
                "type": "input",
                "block_id": "day",
                "label": _text("plain_text", "Day"),
                "element": {"type": "datepicker", "action_id": "day_pick"},
                "optional": True,
            },
        ],
    }
    state = {
        "event": {"event_select": {"selected_option": view["blocks"][0]["element"]["options"][1]}},
        "attendee_email": {"email_input": {"type": "plain_text_input", "value": "ana@@acme"}},
    }
    errors = {"attendee_email": "Enter a valid email address."}
    out = render_view(view, state=state, errors=errors)
    lines = out.lines
    assert lines[0].startswith("+== Book a meeting")
    assert "[1] Event: Demo" in lines
    assert "(1) Phone call  (2)* Demo" in out.text  # options listed, the chosen one marked
    email_at = lines.index("[2] Attendee email: ana@@acme")  # the typed value, not the initial
    assert "! Enter a valid email address." in lines[email_at + 1]
    assert "[3] Day (optional): (empty)  (date YYYY-MM-DD)" in lines
    assert lines[-1] == "+== submit = Book | close = Cancel"
    event, email, day = out.controls
    assert event.dispatch and event.in_input and event.is_select
    assert email.in_input and not email.dispatch and email.block_id == "attendee_email"
    assert day.kind == "datepicker"


def test_errors_without_an_input_still_show() -> None:
    view = {"type": "modal", "title": _text("plain_text", "X"), "blocks": []}
    out = render_view(view, errors={"time_1": "That time was just taken."})
    assert "! That time was just taken." in out.text


def test_home_tab_header_and_accessory_button() -> None:
    home = {
        "type": "home",
        "blocks": [
            {"type": "header", "text": _text("plain_text", "Book meetings")},
            {
                "type": "section",
                "text": _text("mrkdwn", "Your next meeting"),
                "accessory": {
                    "type": "button",
                    "text": _text("plain_text", "Open form"),
                    "action_id": "open",
                },
            },
        ],
    }
    out = render_view(home)
    assert out.lines[:3] == ["=== App Home ===", "BOOK MEETINGS", "=" * len("Book meetings")]
    assert "    [1] Open form" in out.lines
    assert out.controls[0].action_id == "open"


def test_mrkdwn_dates_links_mentions_and_escapes() -> None:
    text = (
        "<!date^1736780400^{date_short_pretty} {time}|Mon, Jan 13 10:00 AM> with "
        "<@U_BOB> and <@U_X|xena> in <#C1|general>: <https://x.test/b?a=1&amp;b=2|the link> "
        "<mailto:ana@acme.com|ana@acme.com> &lt;b&gt; <!here> :white_check_mark:"
    )
    out = mrkdwn(text, {"U_BOB": "bob"})
    assert out == (
        "Mon, Jan 13 10:00 AM with @bob and @xena in #general: "
        "the link (https://x.test/b?a=1&b=2) ana@acme.com <b> @here \u2705"
    )
    assert mrkdwn("<!date^0^{date}>") == "1970-01-01 00:00 UTC"
