"""slack_sdk's AsyncWebClient against the stand-in: each method, both encodings, errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.localslack import DEMO_CHANNEL, U_ALICE, U_BOB, U_HELPER_BOT, LocalSlack

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*Demo* at 3pm"}}


async def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        await call
    return str(info.value.response["error"])


async def test_auth_test_names_the_bot(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    resp = await web_client.auth_test()
    assert resp["user_id"] == slack.bot_user_id
    assert resp["team_id"] == slack.team_id
    assert resp["bot_id"] == slack.bot_id


async def test_missing_and_wrong_tokens_are_refused(slack: LocalSlack) -> None:
    anonymous = AsyncWebClient(base_url=slack.api_url)
    assert await error_of(anonymous.auth_test()) == "not_authed"
    wrong = AsyncWebClient(token="xoxb-not-the-token", base_url=slack.api_url)
    assert await error_of(wrong.chat_postMessage(channel=DEMO_CHANNEL, text="hi")) == (
        "invalid_auth"
    )
    assert slack.messages(DEMO_CHANNEL) == []


async def test_token_in_form_body_is_accepted(slack: LocalSlack) -> None:
    async with httpx.AsyncClient() as http:
        resp = await http.post(slack.api_url + "auth.test", data={"token": slack.bot_token})
    assert resp.status_code == 200
    assert resp.json()["ok"] is True


async def test_unknown_method(web_client: AsyncWebClient) -> None:
    assert await error_of(web_client.api_call("chat.scheduleMessage")) == "unknown_method"


async def test_users_info_has_profile_email_and_timezone(web_client: AsyncWebClient) -> None:
    alice = (await web_client.users_info(user=U_ALICE))["user"]
    assert alice["profile"]["email"] == "alice@example.com"
    assert alice["tz"] == "America/New_York"
    assert alice["tz_label"] in ("Eastern Standard Time", "Eastern Daylight Time")
    assert alice["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert alice["is_admin"] is False and alice["is_bot"] is False
    bob = (await web_client.users_info(user=U_BOB))["user"]
    assert bob["tz"] == "Europe/Berlin" and bob["profile"]["display_name"] == "bobby"
    helper = (await web_client.users_info(user=U_HELPER_BOT))["user"]
    assert helper["is_bot"] is True and "email" not in helper["profile"]
    assert await error_of(web_client.users_info(user="U_NOBODY")) == "user_not_found"


async def test_users_lookup_and_profile(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    slack.add_user(
        "U_CAROL", real_name="Carol C", email="Carol@Example.com", tz="Asia/Kolkata", is_admin=True
    )
    found = await web_client.users_lookupByEmail(email="carol@example.com")
    assert found["user"]["id"] == "U_CAROL"
    assert found["user"]["tz_offset"] == 5 * 3600 + 1800
    assert found["user"]["is_admin"] is True
    assert await error_of(web_client.users_lookupByEmail(email="x@y.z")) == "users_not_found"
    profile = await web_client.users_profile_get(user=U_BOB)
    assert profile["profile"]["real_name"] == "Bob Becker"


async def test_add_user_rejects_bad_input(slack: LocalSlack) -> None:
    with pytest.raises(ValueError, match="timezone"):
        slack.add_user("U_X", tz="Mars/Olympus")
    with pytest.raises(ValueError, match="start with U"):
        slack.add_user("alice")


async def test_conversations_open_and_info(web_client: AsyncWebClient) -> None:
    dm = (await web_client.conversations_open(users=U_ALICE))["channel"]["id"]
    assert dm == (await web_client.conversations_open(users=[U_ALICE]))["channel"]["id"]
    info = (await web_client.conversations_info(channel=dm))["channel"]
    assert info["is_im"] is True and info["user"] == U_ALICE
    general = (await web_client.conversations_info(channel=DEMO_CHANNEL))["channel"]
    assert general["name"] == "general" and general["is_member"] is True
    assert await error_of(web_client.conversations_info(channel="C_NOPE")) == ("channel_not_found")


async def test_post_message_json_encoding(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    resp = await web_client.chat_postMessage(
        channel=DEMO_CHANNEL, text="fallback", blocks=[SECTION]
    )
    assert resp["channel"] == DEMO_CHANNEL
    (message,) = slack.messages(DEMO_CHANNEL)
    assert message["ts"] == resp["ts"]
    assert message["blocks"] == [SECTION] and message["text"] == "fallback"
    method, params = slack.calls[-1]
    assert method == "chat.postMessage" and params["blocks"] == [SECTION]
    assert "token" not in params


async def test_post_message_form_encoding(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    await web_client.api_call(
        "chat.postMessage",
        data={"channel": DEMO_CHANNEL, "text": "form", "blocks": json.dumps([SECTION])},
    )
    (message,) = slack.messages(DEMO_CHANNEL)
    assert message["blocks"] == [SECTION] and message["text"] == "form"


async def test_get_with_query_params(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    posted = await web_client.chat_postMessage(channel=DEMO_CHANNEL, text="link me")
    link = await web_client.chat_getPermalink(channel=DEMO_CHANNEL, message_ts=posted["ts"])
    assert link["permalink"].endswith(posted["ts"].replace(".", ""))
    assert slack.calls_to("chat.getPermalink")[0]["message_ts"] == posted["ts"]


async def test_post_to_user_id_lands_in_their_dm(
    web_client: AsyncWebClient, slack: LocalSlack
) -> None:
    resp = await web_client.chat_postMessage(channel=U_BOB, text="Your booking is confirmed")
    assert resp["channel"] == slack.dm_id(U_BOB)
    assert [m["text"] for m in slack.messages(U_BOB)] == ["Your booking is confirmed"]


async def test_message_checks(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    slack.add_channel("C_SALES", "sales", member=False)
    assert await error_of(web_client.chat_postMessage(channel="C_SALES", text="x")) == (
        "not_in_channel"
    )
    assert await error_of(web_client.chat_postMessage(channel="C_MISSING", text="x")) == (
        "channel_not_found"
    )
    no_text = web_client.api_call("chat.postMessage", json={"channel": DEMO_CHANNEL})
    assert await error_of(no_text) == "no_text"
    too_many = [{"type": "divider"}] * 51
    with pytest.raises(SlackApiError) as info:
        await web_client.chat_postMessage(channel=DEMO_CHANNEL, text="x", blocks=too_many)
    assert info.value.response["error"] == "invalid_blocks"
    assert "no more than 50 items" in info.value.response["response_metadata"]["messages"][0]
    assert (
        await error_of(
            web_client.chat_postMessage(
                channel=DEMO_CHANNEL,
                text="x",
                blocks=[{"type": "section", "text": {"type": "plain", "text": "x"}}],
            )
        )
        == "invalid_blocks"
    )
    assert slack.messages(DEMO_CHANNEL) == []
    slack.set_member("C_SALES", True)
    await web_client.chat_postMessage(channel="C_SALES", text="now in")
    assert len(slack.messages("C_SALES")) == 1


async def test_ephemeral_needs_the_user_in_the_channel(
    web_client: AsyncWebClient, slack: LocalSlack
) -> None:
    slack.add_channel("C_TEAM", "team", users=[U_BOB])
    assert (
        await error_of(web_client.chat_postEphemeral(channel="C_TEAM", user=U_ALICE, text="psst"))
        == "user_not_in_channel"
    )
    resp = await web_client.chat_postEphemeral(channel="C_TEAM", user=U_BOB, text="psst")
    dm = (await web_client.conversations_open(users=U_ALICE))["channel"]["id"]
    await web_client.chat_postEphemeral(channel=dm, user=U_ALICE, text="in DM")
    await web_client.chat_postEphemeral(channel=DEMO_CHANNEL, user=U_ALICE, text="in general")
    assert [e["text"] for e in slack.ephemerals(U_BOB)] == ["psst"]
    assert slack.ephemerals(U_BOB)[0]["ts"] == resp["message_ts"]
    assert [e["text"] for e in slack.ephemerals(U_ALICE)] == ["in DM", "in general"]
    assert slack.messages("C_TEAM") == []


async def test_update_and_delete(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    posted = await web_client.chat_postMessage(channel=DEMO_CHANNEL, text="Booking pending")
    await web_client.chat_update(
        channel=DEMO_CHANNEL, ts=posted["ts"], text="Booking confirmed", blocks=[SECTION]
    )
    (message,) = slack.messages(DEMO_CHANNEL)
    assert message["text"] == "Booking confirmed" and message["blocks"] == [SECTION]
    assert await error_of(web_client.chat_update(channel=DEMO_CHANNEL, ts="1.2", text="x")) == (
        "message_not_found"
    )
    await web_client.chat_delete(channel=DEMO_CHANNEL, ts=posted["ts"])
    assert slack.messages(DEMO_CHANNEL) == []
    assert await error_of(web_client.chat_delete(channel=DEMO_CHANNEL, ts=posted["ts"])) == (
        "message_not_found"
    )


async def test_rate_limit_fault(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    slack.fail_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as info:
        await web_client.chat_postMessage(channel=DEMO_CHANNEL, text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    await web_client.chat_postMessage(channel=DEMO_CHANNEL, text="second try")
    slack.fail_next(error="fatal_error")
    assert await error_of(web_client.auth_test()) == "fatal_error"
    assert [m["text"] for m in slack.messages(DEMO_CHANNEL)] == ["second try"]


async def test_calls_are_recorded_in_order(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    await web_client.auth_test()
    await web_client.users_info(user=U_ALICE)
    await web_client.conversations_open(users=U_ALICE)
    assert [c.method for c in slack.calls] == ["auth.test", "users.info", "conversations.open"]
    assert slack.calls[1].params == {"user": U_ALICE}
