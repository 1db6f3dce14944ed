"""Slack's 429s and server errors on the Web API: retried where a repeat is safe.

A 429 on views.open used to show "something went wrong"; one on views.publish left App
Home unpublished. The stand-in answers 429 with Retry-After (and 500) like Slack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from support.leaks import register_stack_secrets

from bot.demo.stack import LocalStack, start_local_stack
from bot.localslack import U_ALICE, U_BOB
from bot.slack_retries import (
    BoundedRateLimitRetry,
    RepeatableServerErrorRetry,
    method_of,
)


@pytest.fixture
def stack(tmp_path) -> Iterator[LocalStack]:
    with start_local_stack(tmp_path) as running:
        register_stack_secrets(running)
        yield running


async def test_views_open_rate_limited_once_still_opens_the_form(stack: LocalStack) -> None:
    stack.slack.fail_next("views.open", status=429, retry_after=1)
    resp = await stack.requester.command("/book", "", U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    assert stack.slack.served_faults() == [("views.open", 429)]
    modals = stack.slack.open_modals()
    assert modals, "the form was not opened after Slack's Retry-After"
    assert not stack.slack.ephemerals(U_ALICE), "the user was told something went wrong"


async def test_views_publish_rate_limited_still_publishes_home(stack: LocalStack) -> None:
    stack.slack.fail_next("views.publish", status=429, retry_after=1, count=2)
    resp = await stack.requester.event("app_home_opened", U_BOB)
    assert resp.status == 200
    stack.wait_idle()
    assert stack.slack.served_faults() == [("views.publish", 429)] * 2
    assert stack.slack.home(U_BOB) is not None, "App Home was left unpublished"


async def test_server_error_repeats_home_but_never_a_message(stack: LocalStack) -> None:
    stack.slack.fail_next("views.publish", status=500, retry_after=None)
    await stack.requester.event("app_home_opened", U_ALICE)
    stack.wait_idle()
    assert stack.slack.home(U_ALICE) is not None

    calls_before = len(stack.slack.calls_to("chat.postMessage"))
    stack.slack.fail_next("chat.postMessage", status=500, retry_after=None)
    client = stack.bot.stack.app.client

    async def post() -> None:
        try:
            await client.chat_postMessage(channel="C_GENERAL", text="once")
        except Exception:  # the 500 reaches the caller: the post is not repeated
            return
        raise AssertionError("a 500 was hidden")

    stack.bot.run(post())
    assert len(stack.slack.calls_to("chat.postMessage")) == calls_before  # no second try


def _state() -> RetryState:
    return RetryState()


def _request(method: str) -> HttpRequest:
    return HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})


def _response(status: int, retry_after: str | None = None) -> HttpResponse:
    headers = {"Retry-After": [retry_after]} if retry_after else {}
    return HttpResponse(status_code=status, headers=headers)


@pytest.mark.parametrize(
    ("method", "retry_after", "retried"),
    [
        ("views.publish", "1", True),
        ("views.publish", "10", True),
        ("views.publish", "30", False),  # longer than a request should hang
        ("views.open", "1", True),
        ("views.open", "3", False),  # the trigger id would be dead by then
        ("chat.postMessage", "2", True),  # a 429 did nothing: safe to repeat
    ],
)
async def test_rate_limit_waits_only_when_the_wait_is_worth_it(
    method: str, retry_after: str, retried: bool
) -> None:
    handler = BoundedRateLimitRetry(max_retry_count=2)
    decision = await handler._can_retry_async(
        state=_state(), request=_request(method), response=_response(429, retry_after)
    )
    assert decision is retried


@pytest.mark.parametrize(
    ("method", "retried"),
    [
        ("views.publish", True),
        ("users.info", True),
        ("chat.postMessage", False),
        ("views.open", False),
        ("chat.postEphemeral", False),
    ],
)
async def test_server_errors_repeat_only_repeatable_methods(method: str, retried: bool) -> None:
    handler = RepeatableServerErrorRetry(max_retry_count=1)
    decision = await handler._can_retry_async(
        state=_state(), request=_request(method), response=_response(503)
    )
    assert decision is retried


def test_method_of_reads_the_url() -> None:
    assert method_of(_request("views.open")) == "views.open"
    assert method_of(HttpRequest(method="GET", url="http://127.0.0.1:9/api/auth.test?x=1",
                                 headers={})) == "auth.test"  # fmt: skip
