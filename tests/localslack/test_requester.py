"""SlackRequester against a tiny Bolt AsyncApp on loopback: accepted, rejected, applied."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from bot.localslack import (
    DEMO_CHANNEL,
    U_ALICE,
    U_BOB,
    LocalSlack,
    SlackError,
    SlackRequester,
    SyncSlackRequester,
    sign,
)

from .conftest import TinyBot


async def open_modal(requester: SlackRequester, slack: LocalSlack) -> str:
    resp = await requester.command("/book", "demo", U_ALICE)
    assert resp.status == 200
    (view,) = slack.open_modals()
    return str(view["id"])


async def test_command_is_accepted_and_opens_a_modal(
    requester: SlackRequester, tiny_bot: TinyBot, slack: LocalSlack
) -> None:
    resp = await requester.command("/book", "demo tomorrow", U_BOB)
    assert resp.status == 200
    body = tiny_bot.last("command")
    assert body["text"] == "demo tomorrow" and body["user_id"] == U_BOB
    assert body["channel_id"] == DEMO_CHANNEL and body["team_id"] == slack.team_id
    assert body["trigger_id"] == resp.trigger_id
    (view,) = slack.open_modals()
    assert view["callback_id"] == "book_modal"
    assert slack.view_owner[view["id"]] == U_BOB
    assert slack.responses(resp.response_url_id or "") == [{"text": "Opening the booking form…"}]
    assert [e["text"] for e in slack.ephemerals(U_BOB)] == ["Opening the booking form…"]


async def test_command_ack_text_is_shown_to_the_user(
    requester: SlackRequester, slack: LocalSlack
) -> None:
    resp = await requester.command("/book", "help", U_ALICE)
    assert resp.status == 200 and resp.text == "Try /book demo tomorrow 3pm"
    (shown,) = slack.ephemerals(U_ALICE)
    assert shown["text"] == "Try /book demo tomorrow 3pm" and shown["source"] == "ack"


async def test_bad_signature_and_stale_timestamp_get_401(
    requester: SlackRequester, tiny_bot: TinyBot
) -> None:
    forged = await requester.variant(bad_signature=True).command("/book", "help", U_ALICE)
    assert forged.status == 401
    stale = await requester.variant(timestamp_offset=-6 * 60).command("/book", "help", U_ALICE)
    assert stale.status == 401
    assert tiny_bot.received == []
    fine = await requester.variant(timestamp_offset=-60).command("/book", "help", U_ALICE)
    assert fine.status == 200


async def test_retry_headers_are_sent_and_signed_body_is_json(slack: LocalSlack) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    requester = SlackRequester("http://bot.test/slack/events", slack, client=client)
    await requester.variant(retry_num=2, retry_reason="http_timeout").event(
        "app_home_opened", U_ALICE
    )
    await requester.event("app_home_opened", U_ALICE)
    await client.aclose()
    retried, first = seen
    assert retried.headers["X-Slack-Retry-Num"] == "2"
    assert retried.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert "X-Slack-Retry-Num" not in first.headers
    envelope = json.loads(retried.content)
    assert envelope["type"] == "event_callback" and envelope["event_id"].startswith("Ev")
    assert envelope["event"]["channel"] == slack.dm_id(U_ALICE)
    ts = int(retried.headers["X-Slack-Request-Timestamp"])
    assert retried.headers["X-Slack-Signature"] == sign(
        slack.signing_secret, ts, retried.content.decode()
    )


async def test_signature_is_slacks_v0_hmac(slack: LocalSlack) -> None:
    captured: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        return httpx.Response(200, text="")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    await SlackRequester("http://bot.test/", slack, client=client).command("/book", "x", U_ALICE)
    await client.aclose()
    req = captured[0]
    ts = int(req.headers["X-Slack-Request-Timestamp"])
    assert req.headers["X-Slack-Signature"] == sign(slack.signing_secret, ts, req.content.decode())
    assert req.headers["X-Slack-Signature"].startswith("v0=")


async def test_view_submission_built_from_the_real_view(
    requester: SlackRequester, tiny_bot: TinyBot, slack: LocalSlack
) -> None:
    view_id = await open_modal(requester, slack)
    resp = await requester.view_submission(
        view_id,
        {
            "name": "Ana Lima",
            "event": "Intro call",
            "day": "2025-01-14",
            "host": U_BOB,
            "email": "ana@acme.com",
            "guests": 2,
            "opts": ["notify", "video"],
            "where_ext": "office",
        },
    )
    assert resp.status == 200
    submitted = tiny_bot.last("submission")
    assert submitted["user"]["id"] == U_ALICE
    values = submitted["view"]["state"]["values"]
    assert values["name"]["name_in"] == {"type": "plain_text_input", "value": "Ana Lima"}
    assert values["event"]["event_sel"]["selected_option"]["value"] == "8"
    assert values["day"]["day_pick"]["selected_date"] == "2025-01-14"
    assert values["time"]["time_pick"]["selected_time"] == "09:00"  # the initial value
    assert values["host"]["host_sel"]["selected_user"] == U_BOB
    assert values["email"]["email_in"]["value"] == "ana@acme.com"
    assert values["guests"]["guests_in"]["value"] == "2"
    assert [o["value"] for o in values["opts"]["opts_cb"]["selected_options"]] == [
        "notify",
        "video",
    ]
    assert values["where"]["where_ext"]["selected_option"]["value"] == "office"
    assert submitted["view"]["private_metadata"] == '{"event": 7}'
    assert slack.open_modals() == []  # an empty ack closes the modal


async def test_submission_errors_keep_the_modal_open(
    requester: SlackRequester, slack: LocalSlack
) -> None:
    view_id = await open_modal(requester, slack)
    resp = await requester.view_submission(view_id, {"name": "Ana", "email": "not-an-email"})
    assert resp.json() == {"response_action": "errors", "errors": {"email": "Enter an email"}}
    assert slack.view_errors[view_id] == {"email": "Enter an email"}
    assert view_id in slack.views


async def test_submission_update_is_applied_and_checked(
    requester: SlackRequester, slack: LocalSlack
) -> None:
    view_id = await open_modal(requester, slack)
    await requester.view_submission(view_id, {"name": "good update"})
    assert slack.view(view_id)["title"]["text"] == "Booked"
    second = await open_modal_again(requester, slack, view_id)
    with pytest.raises(SlackError) as info:
        await requester.view_submission(second, {"name": "bad update"})
    assert info.value.error == "invalid_arguments"
    assert "/view/title/text" in info.value.messages[0]


async def open_modal_again(requester: SlackRequester, slack: LocalSlack, other: str) -> str:
    await requester.command("/book", "demo", U_ALICE)
    return next(v["id"] for v in slack.open_modals() if v["id"] != other)


async def test_unknown_option_is_a_clear_error(
    requester: SlackRequester, slack: LocalSlack
) -> None:
    view_id = await open_modal(requester, slack)
    try:
        await requester.view_submission(view_id, {"event": "Workshop"})
    except ValueError as exc:
        assert "'Workshop' is not an option of 'event_sel'" in str(exc)
    else:
        raise AssertionError("an unknown option must be refused")


async def test_actions_in_a_view_push_and_keep_state(
    requester: SlackRequester, tiny_bot: TinyBot, slack: LocalSlack
) -> None:
    view_id = await open_modal(requester, slack)
    await requester.block_action("day_pick", view_id=view_id, value="2025-02-03")
    day = tiny_bot.last("day")
    assert day["actions"][0]["selected_date"] == "2025-02-03"
    assert day["container"] == {"type": "view", "view_id": view_id}
    assert day["view"]["state"]["values"]["day"]["day_pick"]["selected_date"] == "2025-02-03"

    resp = await requester.click(view_id, text="More times")
    assert resp.status == 200
    assert tiny_bot.last("action")["actions"][0]["value"] == "more"
    pushed = [v for v in slack.open_modals() if v["previous_view_id"] == view_id]
    assert pushed and pushed[0]["title"]["text"] == "More times"

    await requester.view_submission(view_id, {"email": "a@b.c"})
    values = tiny_bot.last("submission")["view"]["state"]["values"]
    assert values["day"]["day_pick"]["selected_date"] == "2025-02-03"  # remembered


async def test_click_in_a_message_and_respond(
    requester: SlackRequester, tiny_bot: TinyBot, slack: LocalSlack
) -> None:
    web = tiny_bot.app.client
    await web.chat_postMessage(
        channel=DEMO_CHANNEL,
        text="Confirm?",
        blocks=[
            {
                "type": "actions",
                "block_id": "acts",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "confirm",
                        "text": {"type": "plain_text", "text": "Confirm"},
                        "value": "booking-9",
                        "style": "primary",
                    }
                ],
            }
        ],
    )
    (message,) = slack.messages(DEMO_CHANNEL)
    resp = await requester.click(message, text="Confirm", user_id=U_BOB)
    assert resp.status == 200
    body = tiny_bot.last("confirm")
    assert body["actions"][0]["value"] == "booking-9"
    assert body["container"]["message_ts"] == message["ts"]
    assert body["message"]["text"] == "Confirm?"
    (after,) = slack.messages(DEMO_CHANNEL)
    assert after["text"] == "Booked!"  # replace_original through the response_url
    url_id = body["response_url"].rsplit("/", 1)[-1]
    assert slack.responses(url_id) == [{"text": "Booked!", "replace_original": True}]


async def test_block_suggestion_returns_options(
    requester: SlackRequester, tiny_bot: TinyBot, slack: LocalSlack
) -> None:
    view_id = await open_modal(requester, slack)
    resp = await requester.block_suggestion(view_id, "where_ext", "Berl")
    assert resp.json()["options"][0]["text"]["text"] == "Berl office"
    assert tiny_bot.last("options")["block_id"] == "where"


async def test_view_closed_and_message_shortcut(
    requester: SlackRequester, tiny_bot: TinyBot, slack: LocalSlack
) -> None:
    view_id = await open_modal(requester, slack)
    assert (await requester.view_closed(view_id)).status == 200
    assert tiny_bot.last("closed")["view"]["id"] == view_id
    assert slack.open_modals() == []

    await tiny_bot.app.client.chat_postMessage(channel=DEMO_CHANNEL, text="Meet Ana next week?")
    (message,) = slack.messages(DEMO_CHANNEL)
    resp = await requester.message_shortcut("book_from_message", message, U_ALICE)
    assert resp.status == 200
    body = tiny_bot.last("shortcut")
    assert body["message"]["text"] == "Meet Ana next week?"
    assert body["trigger_id"] in slack.triggers and body["response_url"]


async def test_app_home_opened_event_publishes_home(
    requester: SlackRequester, tiny_bot: TinyBot, slack: LocalSlack
) -> None:
    resp = await requester.event("app_home_opened", U_BOB)
    assert resp.status == 200
    event = tiny_bot.last("event")
    assert event["user"] == U_BOB and event["tab"] == "home"
    home = slack.home(U_BOB)
    assert home is not None and home["blocks"][0]["text"]["text"] == "Welcome *home*"


async def test_response_url_limits(slack: LocalSlack) -> None:
    url = slack.new_response_url(DEMO_CHANNEL, U_ALICE)
    async with httpx.AsyncClient() as http:
        for i in range(5):
            ok = await http.post(url, json={"text": f"n{i}", "response_type": "in_channel"})
            assert ok.status_code == 200
        used = await http.post(url, json={"text": "sixth"})
        assert used.status_code == 404 and used.json()["error"] == "used_url"
        late = slack.new_response_url(DEMO_CHANNEL, U_ALICE)
        slack.advance_clock(30 * 60 + 1)
        expired = await http.post(late, json={"text": "late"})
        assert expired.json()["error"] == "expired_url"
        fresh = slack.new_response_url(DEMO_CHANNEL, U_ALICE)
        empty = await http.post(fresh, json={"response_type": "ephemeral"})
        assert empty.status_code == 400 and empty.json()["error"] == "no_text"
    assert [r["text"] for r in slack.responses(url)] == [f"n{i}" for i in range(5)]
    assert [m["text"] for m in slack.messages(DEMO_CHANNEL)] == [f"n{i}" for i in range(5)]


async def test_sync_requester(tiny_bot: TinyBot, slack: LocalSlack) -> None:
    def run() -> tuple[int, int]:
        with SyncSlackRequester(tiny_bot.url, slack) as sync:
            ok = sync.command("/book", "help", U_ALICE)
            forged = sync.variant(bad_signature=True).command("/book", "help", U_ALICE)
            return ok.status, forged.status

    # the bot runs on this test's loop: block in a worker thread
    assert await asyncio.to_thread(run) == (200, 401)
    assert tiny_bot.kinds() == ["command"]
