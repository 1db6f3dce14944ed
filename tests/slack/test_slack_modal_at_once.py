"""The modal opens right after the ack, also in a stream of commands (issue 15).

Behaviour only (speed is measured by bench/latency_bench.py, never asserted here): the
trigger is used while other requests are still being answered, every command of a
stream opens its modal with a trigger the stand-in still accepts, and concurrent forms
share one site read of the events and of a day's free times."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from slack_test_helpers import all_text, block, methods

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE, U_BOB
from bot.slack.booking import form
from bot.slack.booking.common import Prefill
from bot.slack.ids import BlockId


def site_paths(stack: LocalStack, part: str) -> list[str]:
    return [r.path for r in stack.sandbox.requests if part in r.path]


@contextlib.contextmanager
def site_latency(stack: LocalStack, seconds: float) -> Iterator[None]:
    """Every site call answers late, so concurrent reads overlap for sure."""
    stack.sandbox.set_faults(latency=seconds)
    try:
        yield
    finally:
        stack.sandbox.clear_faults()


async def test_views_open_is_not_held_while_other_requests_wait(stack: LocalStack) -> None:
    """Other follow-up work waits for a burst of acks (AckGate); views.open does not."""
    deps = stack.deps
    deps.gate.max_wait = 600.0  # the gate alone would hold the work for ten minutes
    held: dict[str, Any] = {}

    async def hold() -> None:  # a request that is not answered until the test says so
        release = asyncio.Event()

        async def unanswered() -> None:
            with deps.gate.answering():
                await release.wait()

        held["release"], held["task"] = release, asyncio.ensure_future(unanswered())
        await asyncio.sleep(0)

    async def answer() -> None:
        held["release"].set()
        await held["task"]

    stack.bot.run(hold())
    try:
        assert deps.gate.unanswered == 1
        resp = await stack.requester.command("/book", "", U_ALICE)
        assert resp.status == 200
        for _ in range(500):  # until the modal is open (at most 5 s)
            if stack.slack.open_modals():
                break
            await asyncio.sleep(0.01)
        assert not held["task"].done(), "the held request was answered meanwhile"
        [opened] = stack.slack.open_modals()
        assert "Loading" in all_text(opened)
    finally:
        stack.bot.run(answer())
    stack.wait_idle()
    view = stack.slack.view(opened["id"])
    assert block(view, BlockId.EMAIL.value)["element"]["initial_value"] == "alice@example.com"


async def test_a_stream_of_commands_opens_every_modal_and_reads_the_events_once(
    stack: LocalStack,
) -> None:
    stack.sandbox.clear_requests()
    count = 24
    with site_latency(stack, 1.0):
        answers = await asyncio.gather(
            *(stack.requester.command("/book", "", (U_ALICE, U_BOB)[i % 2]) for i in range(count))
        )
        assert [a.status for a in answers] == [200] * count
        stack.wait_idle()
    # every trigger was accepted: one modal per command, each filled in with the form
    modals = stack.slack.open_modals()
    assert len(modals) == count
    assert len(stack.slack.calls_to("views.open")) == count
    filled = [m for m in modals if "Loading" not in all_text(m)]
    assert len(filled) == count
    emails = sorted(block(m, BlockId.EMAIL.value)["element"]["initial_value"] for m in filled)
    assert emails == ["alice@example.com"] * 12 + ["bob@example.com"] * 12
    # two dozen forms, one read of the event list; one profile read per member
    assert len(site_paths(stack, "/calendars")) == 1
    assert methods(stack).count("users.info") == 2


async def test_concurrent_forms_of_one_event_share_one_read_of_its_free_times(
    stack: LocalStack,
) -> None:
    deps = stack.deps
    client: Any = stack.bot.stack.app.client
    stack.bot.run(deps.events())  # the event list is cached; only the times are read
    stack.sandbox.clear_requests()

    async def open_all(count: int) -> list[str | None]:
        return await asyncio.gather(
            *(
                form.open_form(
                    deps,
                    client,
                    trigger_id=stack.slack.new_trigger_id(U_ALICE),
                    user_id=U_ALICE,
                    channel_id=None,
                    prefill=Prefill(event_id=1),
                )
                for _ in range(count)
            )
        )

    def times_read() -> int:
        return len(site_paths(stack, "/bookings/"))

    with site_latency(stack, 1.0):
        view_ids = stack.bot.run(open_all(12))
        assert len(set(view_ids)) == 12
        # one read of the times (the calls one form makes), not one per form
        reads = Counter(site_paths(stack, "/bookings/"))
        assert reads and set(reads.values()) == {1}, reads
        times = [
            [
                o["value"]
                for o in block(stack.slack.view(v), BlockId.TIME.value)["element"]["options"]
            ]
            for v in view_ids
            if v is not None
        ]
        assert times[0] and all(t == times[0] for t in times)
        # nothing is kept afterwards (times change with bookings): a lone form reads the
        # site again, and twelve at once cost what it costs
        before = times_read()
        stack.bot.run(open_all(1))
        lone = times_read() - before
        stack.bot.run(open_all(12))
        assert lone >= 1 and times_read() - before - lone == lone


@pytest.mark.parametrize("text", ["", "   "])
def test_only_book_without_text_starts_at_once(text: str) -> None:
    from bot.slack.booking.listeners import opens_modal

    assert opens_modal({"text": text})
    assert not opens_modal({"text": "tomorrow 3pm"})
    assert not opens_modal({"text": "help"})


async def test_reads_after_a_booking_are_not_shared(stack: LocalStack) -> None:
    """Only opening the form joins a read already running; elsewhere (the form again
    after a lost time, /slots, the one-line booking) each read is its own."""
    from bot.slack.booking.common import fetch_slots

    deps = stack.deps
    event = stack.bot.run(deps.event(1))
    day = deps.now().date()
    stack.bot.run(fetch_slots(deps, event, day, day, "UTC", None))  # the site's routes known
    stack.sandbox.clear_requests()

    async def read(shared: bool) -> list[dict]:
        return await asyncio.gather(
            *(fetch_slots(deps, event, day, day, "UTC", None, shared=shared) for _ in range(3))
        )

    with site_latency(stack, 0.5):
        stack.bot.run(read(shared=True))
        one = len(site_paths(stack, "/bookings/"))
        stack.bot.run(read(shared=False))
        three = len(site_paths(stack, "/bookings/")) - one
    assert one == 1 and three == 3


async def test_with_everything_cached_the_form_itself_opens(stack: LocalStack) -> None:
    """The first /book opens "Loading…" and fills it in; once the events and the member's
    profile are cached, the next one opens the filled form at once: no views.update, no
    site or profile read."""
    first = await stack.requester.command("/book", "", U_ALICE)
    assert first.status == 200
    stack.wait_idle()
    assert "Loading" in all_text(stack.slack.calls_to("views.open")[0])
    stack.sandbox.clear_requests()
    calls_before = len(stack.slack.calls)
    again = await stack.requester.command("/book", "", U_ALICE)
    assert again.status == 200
    stack.wait_idle()
    later = [c.method for c in stack.slack.calls[calls_before:]]
    assert later == ["views.open"]
    assert stack.sandbox.requests == []
    opened = stack.slack.calls_to("views.open")[-1]
    assert "Loading" not in all_text(opened)
    view = stack.slack.open_modals()[-1]
    assert block(view, BlockId.EMAIL.value)["element"]["initial_value"] == "alice@example.com"
    assert block(view, BlockId.EVENT.value)["element"]["option_groups"]  # the events offered
