"""Naming a teammate as the host in a command: `/slots @hana …`, `/book host:@hana …`.

In `/book` an @mention or email names the attendee (as before), so the host is named
with the `host:` prefix: `host:@hana`, `host:hana@wp.example` or `host:Hana` (a word of
the host's name). In `/slots` there is no attendee, so a bare @mention names the host
too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MENTION = r"<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>"
_HOST = re.compile(
    r"(?<!\S)host:\s*(?:" + _MENTION + r"|<mailto:([^|>]+)(?:\|[^>]*)?>|(\S+))", re.I
)
_BARE_MENTION = re.compile(_MENTION)


@dataclass(frozen=True)
class HostPick:
    """Who was named as host: a Slack user id, an email, or a name word (one of them)."""

    user_id: str | None = None
    email: str | None = None
    name: str | None = None


def take_host(text: str, *, bare_mention: bool = False) -> tuple[HostPick | None, str]:
    """(the host named in `text`, the text without it). `bare_mention`: a plain @mention
    names the host too (for `/slots`)."""
    found = _HOST.search(text)
    if found is not None:
        rest = (text[: found.start()] + " " + text[found.end() :]).strip()
        user_id, mailto, word = found.groups()
        if user_id:
            pick = HostPick(user_id=user_id)
        elif mailto or (word and "@" in word):
            pick = HostPick(email=(mailto or word).strip())
        else:
            pick = HostPick(name=word)
        return pick, " ".join(rest.split())
    if bare_mention:
        mention = _BARE_MENTION.search(text)
        if mention is not None:
            rest = text[: mention.start()] + " " + text[mention.end() :]
            return HostPick(user_id=mention.group(1)), " ".join(rest.split())
    return None, text
