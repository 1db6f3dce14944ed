"""The demo's command interpreter: one line in, the text to show out (no terminal I/O).

`DemoSession.execute(line)` drives the bot with the signed requests Slack would send
(through a `SyncSlackRequester`), waits for the bot's follow-up work, then renders what
changed in the Slack stand-in: new or edited messages, the App Home, the open modal.
Controls are numbered in each output; `click`, `select` and `fill` act on those numbers
or on labels, exactly as a Slack user would on the elements.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.demo.render import (
    MULTI_SELECTS,
    SINGLE_SELECTS,
    TEXT_INPUTS,
    Control,
    plain,
    render_message,
    render_view,
)

SLASH_COMMANDS = ("/book", "/slots", "/bookings", "/booking-settings")

HELP = """\
Type what a Slack user would type:
  /book [text]          book a meeting (no text: opens the booking form;
                        e.g. /book demo with ana@acme.com tomorrow 10am)
  /slots [event] [when] free times, e.g. /slots demo tomorrow
  /bookings [past|all]  list bookings      /booking-settings   admin settings
  home                  open the bot's App Home tab
Act on what is shown (N is the [N] next to an element, or use its label):
  click N               press a button, e.g. click 3  or  click "10:00 AM"
  select N OPTION       choose an option by its (number) or text,
                        e.g. select event "Phone call"   select time 2
  fill N VALUE          type into an input, e.g. fill email ana@acme.com
                        (dates: fill day 2025-01-15 or fill day tomorrow)
  submit | close | back the open form's buttons
  show                  show the open form (or the last message) again
  whoami                who you are in this demo workspace
  help | quit"""


class DemoError(Exception):
    """A user mistake or a refusal, shown as one line."""


@dataclass(frozen=True)
class Surface:
    """Where a control lives: a view (modal / home) or a message."""

    view_id: str | None = None
    channel: str | None = None
    ts: str | None = None


@dataclass
class Active:
    control: Control
    surface: Surface


@dataclass
class _Output:
    lines: list[str] = field(default_factory=list)
    controls: list[Active] = field(default_factory=list)

    @property
    def next_number(self) -> int:
        return len(self.controls) + 1


class DemoSession:
    """A terminal Slack client for one user, driving the bot over signed HTTP."""

    def __init__(
        self,
        slack: Any,  # bot.localslack.LocalSlack
        requester: Any,  # bot.localslack.SyncSlackRequester
        wait_idle: Callable[[], None],
        *,
        user_id: str,
        channel: str,
    ) -> None:
        self.slack = slack
        self.requester = requester
        self.wait_idle = wait_idle
        self.user_id = user_id
        self.channel = channel
        self.done = False
        self.active: list[Active] = []
        self._seen: dict[tuple[str, str], str] = {}
        self._shown_view: tuple[str, str] | None = None  # (view id, fingerprint)
        self._home_seen = ""
        self._last_message: dict[str, Any] | None = None
        self._mark_all_seen()

    # -- the one entry point -------------------------------------------------------------

    def execute(self, line: str) -> str:
        """Run one command line; returns the text to print (errors are one clear line)."""
        line = line.strip()
        if not line or line.startswith("#"):
            return ""
        try:
            return self._dispatch(line)
        except DemoError as exc:
            return f"error: {exc}"
        except Exception as exc:  # any other failure: one line, never a traceback
            name = type(exc).__name__
            detail = str(exc).splitlines()[0] if str(exc) else ""
            return f"error: {name}: {detail}" if detail else f"error: {name}"

    def _dispatch(self, line: str) -> str:
        if line.startswith("/"):
            command, _, text = line.partition(" ")
            return self.slash(command.lower(), text.strip())
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise DemoError(f"could not read that line ({exc})") from None
        verb, args = words[0].lower(), words[1:]
        if verb in ("help", "?"):
            return HELP
        if verb in ("quit", "exit", "q"):
            self.done = True
            return "bye"
        if verb == "home":
            return self.home()
        if verb in ("click", "press"):
            return self.click(" ".join(args))
        if verb in ("select", "choose", "pick"):
            if len(args) < 2:
                raise DemoError(f'usage: {verb} N OPTION (e.g. select event "Phone call")')
            return self.set_value(args[0], " ".join(args[1:]))
        if verb in ("fill", "type", "set"):
            if len(args) < 2:
                raise DemoError(f"usage: {verb} N VALUE (e.g. fill email ana@acme.com)")
            return self.set_value(args[0], " ".join(args[1:]))
        if verb == "submit":
            return self.submit()
        if verb in ("close", "cancel"):
            return self.close()
        if verb == "back":
            return self.back()
        if verb in ("show", "look"):
            return self.show()
        if verb == "whoami":
            return self.whoami()
        raise DemoError(f"unknown command {verb!r}; type help")

    # -- commands ------------------------------------------------------------------------

    def slash(self, command: str, text: str) -> str:
        if command not in SLASH_COMMANDS:
            raise DemoError(f"unknown slash command {command}; try {', '.join(SLASH_COMMANDS)}")
        resp = self.requester.command(command, text, self.user_id, self.channel)
        return self._after(resp)

    def home(self) -> str:
        resp = self.requester.event("app_home_opened", self.user_id)
        self._home_seen = ""  # always show it when asked
        return self._after(resp, show_home=True)

    def click(self, target: str) -> str:
        if not target:
            raise DemoError("usage: click N (the number shown next to a button)")
        item = self._find(target, buttons=True)
        if not item.control.is_button:
            raise DemoError(f"[{item.control.number}] is not a button; use select or fill")
        return self._act(item, None)

    def set_value(self, target: str, raw: str) -> str:
        item = self._find(target, buttons=False)
        control = item.control
        if control.is_button:
            raise DemoError(f"[{control.number}] is a button; use click {control.number}")
        value = self._typed(item, raw)
        self._clear_error(item)
        sends = not control.in_input or control.dispatch
        if not sends:  # Slack keeps what is typed in the form until it is submitted
            self._remember(item, value)
            return self._after(None, force_view=True)
        return self._act(item, value)

    def submit(self) -> str:
        view = self._modal()
        if view is None:
            raise DemoError("no form is open")
        if not view.get("submit"):
            raise DemoError("this form has no submit button; use close")
        resp = self.requester.view_submission(view["id"], None, self.user_id)
        text = self._after(resp, force_view=True)
        with self.slack.lock:
            errors = dict(self.slack.view_errors.get(view["id"]) or {})
        if errors and self._modal() is not None:
            count = "1 field needs" if len(errors) == 1 else f"{len(errors)} fields need"
            text += f"\n\nNot booked yet: {count} fixing (marked !). Fix, then submit again."
        return text

    def close(self) -> str:
        view = self._modal()
        if view is None:
            raise DemoError("no form is open")
        resp = None
        while view is not None:  # the X closes the whole stack
            resp = self.requester.view_closed(view["id"], self.user_id)
            view = self._modal()
        return self._after(resp)

    def back(self) -> str:
        view = self._modal()
        if view is None or not view.get("previous_view_id"):
            raise DemoError("there is no previous form to go back to")
        resp = self.requester.view_closed(view["id"], self.user_id)
        return self._after(resp, force_view=True)

    def show(self) -> str:
        self._shown_view = None
        out = _Output()
        view = self._modal()
        if view is None and self._last_message is not None:
            self._add_message(out, self._last_message)
        self._add_view(out, force=True)
        if not out.lines:
            return "no form is open and no message to show again; try /book or home"
        self.active = out.controls
        return "\n".join(out.lines)

    def whoami(self) -> str:
        user = self.slack.users[self.user_id]
        return f"you are {user.real_name} <{user.email}> ({self.user_id}), timezone {user.tz}"

    # -- acting on controls --------------------------------------------------------------

    def _find(self, target: str, *, buttons: bool) -> Active:
        if not self.active:
            raise DemoError("nothing to act on; try /book or show")
        if target.isdigit():
            number = int(target)
            for item in self.active:
                if item.control.number == number:
                    return item
            raise DemoError(f"there is no [{number}]; the numbers shown go 1-{len(self.active)}")
        wanted = target.strip().lower()

        def names(c: Control) -> list[str]:
            if c.is_button:
                return [plain(c.element.get("text")).lower(), c.action_id.lower()]
            return [c.label.lower(), c.block_id.lower(), c.action_id.lower()]

        pool = [a for a in self.active if a.control.is_button == buttons] or self.active
        for test in (
            lambda n: n == wanted,
            lambda n: n.startswith(wanted),
            lambda n: wanted in n,
        ):
            found = [a for a in pool if any(test(n) for n in names(a.control) if n)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                listed = ", ".join(f"[{a.control.number}]" for a in found[:8])
                raise DemoError(f"{target!r} matches {listed}; use the number")
        raise DemoError(f"nothing shown is called {target!r}; use the number in [ ]")

    def _typed(self, item: Active, raw: str) -> Any:
        control = item.control
        kind = control.kind
        if kind in SINGLE_SELECTS:
            return self._option(item, raw)
        if kind in MULTI_SELECTS:
            return [self._option(item, part.strip()) for part in raw.split(",") if part.strip()]
        if kind == "datepicker":
            return self._date(raw).isoformat()
        if kind == "timepicker":
            try:
                return datetime.strptime(raw.strip(), "%H:%M").strftime("%H:%M")
            except ValueError:
                raise DemoError(f"{raw!r} is not a time like 14:30") from None
        if kind in TEXT_INPUTS or kind:
            return raw
        raise DemoError(f"[{control.number}] cannot take a value")

    def _option(self, item: Active, raw: str) -> dict[str, Any]:
        control = item.control
        options = control.options
        if control.kind.endswith("external_select"):
            options = self._suggest(item, raw)
        if (
            raw.isdigit()
            and 1 <= int(raw) <= len(options)
            and not control.kind.endswith("external_select")
        ):
            return copy.deepcopy(options[int(raw) - 1])
        wanted = raw.strip().lower()
        texts = [
            (o, control.option_text(o).lower(), str(o.get("value", "")).lower()) for o in options
        ]
        tests: list[Callable[[str, str], bool]] = [
            lambda t, v: t == wanted or v == wanted,
            lambda t, v: t.startswith(wanted),
            lambda t, v: wanted in t,
        ]
        for rank, test in enumerate(tests):
            found = [o for o, t, v in texts if test(t, v)]
            if len(found) == 1 or (found and rank == 0):
                return copy.deepcopy(found[0])
            if len(found) > 1:
                listed = ", ".join(control.option_text(o) for o in found[:6])
                raise DemoError(f"{raw!r} matches several options ({listed}); be more precise")
        if not options:
            raise DemoError(f"no option matches {raw!r}")
        raise DemoError(f"{raw!r} is not an option of [{control.number}] {control.label}")

    def _suggest(self, item: Active, query: str) -> list[dict[str, Any]]:
        if item.surface.view_id is None:
            raise DemoError("searching options works in forms only")
        resp = self.requester.block_suggestion(
            item.surface.view_id, item.control.action_id, query, self.user_id
        )
        body = resp.json() if resp.status == 200 else None
        if not isinstance(body, dict):
            raise DemoError(f"the bot did not answer the search (HTTP {resp.status})")
        options = list(body.get("options") or [])
        for group in body.get("option_groups") or []:
            options += group.get("options") or []
        if not options:
            raise DemoError(f"no option matches {query!r}")
        return options

    def _date(self, raw: str) -> date:
        text = raw.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        from bot.dates import DateParseError, parse_when

        tz = self.slack.users[self.user_id].tz
        try:
            return parse_when(text, tz=tz).start.date()
        except DateParseError as exc:
            raise DemoError(str(exc)) from None

    def _remember(self, item: Active, value: Any) -> None:
        """Keep a typed value in the form's state, as the Slack client does."""
        from bot.localslack.payloads import typed_value

        view_id = item.surface.view_id
        if view_id is None:
            raise DemoError("only form inputs can be filled")
        control = item.control
        with self.slack.lock:
            state = self.slack.view_state.setdefault(view_id, {})
            state.setdefault(control.block_id, {})[control.action_id] = typed_value(
                control.element, value
            )

    def _clear_error(self, item: Active) -> None:
        """Editing a field clears the error shown under it, as the Slack client does."""
        view_id, block_id = item.surface.view_id, item.control.block_id
        if view_id is None or not block_id:
            return
        with self.slack.lock:
            errors = self.slack.view_errors.get(view_id)
            if errors:
                errors.pop(block_id, None)

    def _act(self, item: Active, value: Any) -> str:
        control, surface = item.control, item.surface
        if surface.view_id is not None:
            if surface.view_id not in self.slack.views:
                raise DemoError("that form is no longer open; type show")
            resp = self.requester.block_action(
                control.action_id,
                user_id=self.user_id,
                view_id=surface.view_id,
                block_id=control.block_id or None,
                value=value,
            )
            return self._after(resp, force_view=True, show_home=self._is_home(surface.view_id))
        resp = self.requester.block_action(
            control.action_id,
            user_id=self.user_id,
            channel=surface.channel,
            message_ts=surface.ts,
            block_id=control.block_id or None,
            value=value,
        )
        return self._after(resp)

    def _is_home(self, view_id: str) -> bool:
        home = self.slack.home(self.user_id)
        return bool(home and home["id"] == view_id)

    # -- what changed ---------------------------------------------------------------------

    def _after(self, resp: Any, *, force_view: bool = False, show_home: bool = False) -> str:
        self.wait_idle()
        out = _Output()
        if resp is not None and resp.status != 200:
            out.lines.append(f"error: the bot answered HTTP {resp.status}")
        for message in self._new_messages():
            self._add_message(out, message)
        if show_home:
            self._add_home(out)
        self._add_view(out, force=force_view)
        if out.controls:
            self.active = out.controls
        if not out.lines:
            return "(ok: nothing new)"
        return "\n".join(out.lines)

    def _add_message(self, out: _Output, message: dict[str, Any]) -> None:
        channel = str(message.get("channel") or "")
        where = self._where(channel)
        if message.get("ephemeral"):
            label = f"bot, only you can see this, in {where}"
        else:
            label = f"bot in {where}"
        if message.get("edited_by_demo"):
            label += " (updated)"
        rendered = render_message(message, start=out.next_number, users=self._users(), label=label)
        out.lines += ([""] if out.lines else []) + rendered.lines
        surface = Surface(channel=channel, ts=str(message.get("ts")))
        out.controls += [Active(c, surface) for c in rendered.controls]
        self._last_message = message

    def _add_home(self, out: _Output) -> None:
        home = self.slack.home(self.user_id)
        if home is None:
            out.lines.append("(the bot has no App Home for you)")
            return
        mark = _fingerprint(home)
        if mark == self._home_seen:
            return
        self._home_seen = mark
        state = self.slack.view_state.get(home["id"], {})
        rendered = render_view(home, start=out.next_number, state=state, users=self._users())
        out.lines += ([""] if out.lines else []) + rendered.lines
        out.controls += [Active(c, Surface(view_id=home["id"])) for c in rendered.controls]

    def _add_view(self, out: _Output, *, force: bool) -> None:
        view = self._modal()
        if view is None:
            if self._shown_view is not None:
                out.lines.append(("\n" if out.lines else "") + "(the form closed)")
                self._shown_view = None
            return
        with self.slack.lock:
            state = copy.deepcopy(self.slack.view_state.get(view["id"], {}))
            errors = dict(self.slack.view_errors.get(view["id"], {}))
        mark = _fingerprint({"v": view, "s": state, "e": errors})
        if not force and self._shown_view == (view["id"], mark):
            return
        self._shown_view = (view["id"], mark)
        rendered = render_view(
            view, start=out.next_number, state=state, errors=errors, users=self._users()
        )
        out.lines += ([""] if out.lines else []) + rendered.lines
        out.controls += [Active(c, Surface(view_id=view["id"])) for c in rendered.controls]

    def _modal(self) -> dict[str, Any] | None:
        """The user's top open modal (the last opened or pushed)."""
        mine = [
            v
            for v in self.slack.open_modals()
            if self.slack.view_owner.get(v["id"]) == self.user_id
        ]
        return mine[-1] if mine else None

    def _all_messages(self) -> list[dict[str, Any]]:
        found = self.slack.ephemerals(self.user_id) + self.slack.messages(self.channel)
        if self.slack.dm_id(self.user_id):
            found += self.slack.messages(self.user_id)
        return sorted(found, key=_ts_key)

    def _new_messages(self) -> list[dict[str, Any]]:
        fresh = []
        for message in self._all_messages():
            key = (str(message.get("channel")), str(message.get("ts")))
            mark = _fingerprint(message)
            before = self._seen.get(key)
            if before == mark:
                continue
            self._seen[key] = mark
            if before is not None:
                message = {**message, "edited_by_demo": True}
            fresh.append(message)
        return fresh

    def _mark_all_seen(self) -> None:
        for message in self._all_messages():
            self._seen[(str(message.get("channel")), str(message.get("ts")))] = _fingerprint(
                message
            )

    def _where(self, channel: str) -> str:
        if channel.startswith("D"):
            return "your DM with the bot"
        info = self.slack.channels.get(channel)
        return f"#{info.name}" if info else channel

    def _users(self) -> dict[str, str]:
        return {uid: u.name for uid, u in self.slack.users.items()}


def _fingerprint(obj: Any) -> str:
    data = json.dumps(obj, sort_keys=True, default=str).encode()
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _ts_key(message: dict[str, Any]) -> tuple[int, int]:
    head, _, tail = str(message.get("ts", "0.0")).partition(".")
    try:
        return int(head), int(tail or 0)
    except ValueError:
        return 0, 0
