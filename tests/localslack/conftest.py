"""Fixtures: a running stand-in, a Web API client pointed at it, a tiny Bolt app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from support.leaks import register_secrets

from bot.localslack import LocalSlack, SlackRequester, start_local_slack


class FakeClock:
    """A clock the test moves by hand (trigger and response_url expiry)."""

    def __init__(self, start: float = 1_736_500_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def slack(clock: FakeClock) -> Iterator[LocalSlack]:
    with start_local_slack(clock=clock) as stand_in:
        register_secrets(stand_in.bot_token, stand_in.signing_secret)
        yield stand_in


@pytest.fixture
def web_client(slack: LocalSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


MODAL = {
    "type": "modal",
    "callback_id": "book_modal",
    "title": {"type": "plain_text", "text": "Book a meeting"},
    "submit": {"type": "plain_text", "text": "Book"},
    "private_metadata": '{"event": 7}',
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "name_in"},
        },
        {
            "type": "input",
            "block_id": "event",
            "label": {"type": "plain_text", "text": "Event"},
            "element": {
                "type": "static_select",
                "action_id": "event_sel",
                "options": [
                    {"text": {"type": "plain_text", "text": "Demo"}, "value": "7"},
                    {"text": {"type": "plain_text", "text": "Intro call"}, "value": "8"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "day",
            "dispatch_action": True,
            "label": {"type": "plain_text", "text": "Day"},
            "element": {"type": "datepicker", "action_id": "day_pick"},
        },
        {
            "type": "input",
            "block_id": "time",
            "label": {"type": "plain_text", "text": "Time"},
            "element": {"type": "timepicker", "action_id": "time_pick", "initial_time": "09:00"},
        },
        {
            "type": "input",
            "block_id": "host",
            "optional": True,
            "label": {"type": "plain_text", "text": "Host"},
            "element": {"type": "users_select", "action_id": "host_sel"},
        },
        {
            "type": "input",
            "block_id": "email",
            "label": {"type": "plain_text", "text": "Email"},
            "element": {"type": "email_text_input", "action_id": "email_in"},
        },
        {
            "type": "input",
            "block_id": "guests",
            "optional": True,
            "label": {"type": "plain_text", "text": "Guests"},
            "element": {
                "type": "number_input",
                "action_id": "guests_in",
                "is_decimal_allowed": False,
            },
        },
        {
            "type": "input",
            "block_id": "opts",
            "optional": True,
            "label": {"type": "plain_text", "text": "Options"},
            "element": {
                "type": "checkboxes",
                "action_id": "opts_cb",
                "options": [
                    {"text": {"type": "plain_text", "text": "Notify team"}, "value": "notify"},
                    {"text": {"type": "plain_text", "text": "Add video"}, "value": "video"},
                ],
            },
        },
        {
            "type": "section",
            "block_id": "more",
            "text": {"type": "mrkdwn", "text": "Need another slot?"},
            "accessory": {
                "type": "button",
                "action_id": "more_slots",
                "text": {"type": "plain_text", "text": "More times"},
                "value": "more",
            },
        },
        {
            "type": "input",
            "block_id": "where",
            "optional": True,
            "label": {"type": "plain_text", "text": "Location"},
            "element": {"type": "external_select", "action_id": "where_ext"},
        },
    ],
}


class TinyBot:
    """A small Bolt AsyncApp served on loopback that records what it receives."""

    def __init__(self, slack: LocalSlack) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.url = ""
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        app = AsyncApp(
            client=client, signing_secret=slack.signing_secret, process_before_response=True
        )
        self.app = app

        @app.command("/book")
        async def book(
            ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any
        ) -> None:
            self.received.append(("command", body))
            if body.get("text") == "help":
                await ack("Try /book demo tomorrow 3pm")
                return
            await ack()
            await client.views_open(trigger_id=body["trigger_id"], view=MODAL)
            await respond("Opening the booking form…")

        @app.action("more_slots")
        async def more(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
            await ack()
            self.received.append(("action", body))
            await client.views_push(
                trigger_id=body["trigger_id"],
                view={
                    "type": "modal",
                    "title": {"type": "plain_text", "text": "More times"},
                    "blocks": [
                        {"type": "section", "text": {"type": "plain_text", "text": "None left"}}
                    ],
                },
            )

        @app.action("day_pick")
        async def day(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self.received.append(("day", body))

        @app.action("confirm")
        async def confirm(ack: Any, body: dict[str, Any], respond: Any) -> None:
            await ack()
            self.received.append(("confirm", body))
            await respond(text="Booked!", replace_original=True)

        @app.view("book_modal")
        async def submit(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
            self.received.append(("submission", body))
            email = view["state"]["values"]["email"]["email_in"]["value"] or ""
            name = view["state"]["values"]["name"]["name_in"]["value"]
            if name in ("good update", "bad update"):
                title = "Booked" if name == "good update" else "Booked for " + "x" * 30
                done = {
                    "type": "modal",
                    "title": {"type": "plain_text", "text": title},
                    "blocks": [
                        {"type": "section", "text": {"type": "mrkdwn", "text": "See you then"}}
                    ],
                }
                await ack(response_action="update", view=done)
            elif "@" not in email:
                await ack(response_action="errors", errors={"email": "Enter an email"})
            else:
                await ack()

        @app.view_closed("book_modal")
        async def closed(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self.received.append(("closed", body))

        @app.options("where_ext")
        async def where(ack: Any, body: dict[str, Any]) -> None:
            self.received.append(("options", body))
            typed = body["value"]
            await ack(
                options=[
                    {"text": {"type": "plain_text", "text": f"{typed} office"}, "value": "office"}
                ]
            )

        @app.shortcut("book_from_message")
        async def shortcut(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self.received.append(("shortcut", body))

        @app.event("app_home_opened")
        async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
            self.received.append(("event", event))
            await client.views_publish(
                user_id=event["user"],
                view={
                    "type": "home",
                    "blocks": [
                        {"type": "section", "text": {"type": "mrkdwn", "text": "Welcome *home*"}}
                    ],
                },
            )

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.received]

    def last(self, kind: str) -> dict[str, Any]:
        return [body for k, body in self.received if k == kind][-1]


@pytest.fixture
async def tiny_bot(slack: LocalSlack) -> AsyncIterator[TinyBot]:
    bot = TinyBot(slack)
    runner = web.AppRunner(bot.app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    bot.url = f"http://127.0.0.1:{port}/slack/events"
    yield bot
    await runner.cleanup()


@pytest.fixture
def requester(tiny_bot: TinyBot, slack: LocalSlack) -> SlackRequester:
    return SlackRequester(tiny_bot.url, slack)
