"""Local stand-ins for Slack: a Web API server and a signed-request client.

`start_local_slack()` serves the Web API methods a booking bot calls on 127.0.0.1 (see
`api.py` for what is checked and what is not, `blockkit.py` for the Block Kit limits);
`SlackRequester` sends the bot the signed requests Slack would send (slash commands,
interactivity, events) with trigger_ids and response_urls from the stand-in.

The bot talks to both only over HTTP, exactly as to real Slack: point its Web API client
at ``slack.api_url`` (``SLACK_API_URL``) with ``slack.bot_token``, and verify requests
with ``slack.signing_secret``.
"""

from bot.localslack.model import ApiCall, SlackError
from bot.localslack.requester import (
    BotResponse,
    SlackRequester,
    SocketRequester,
    SyncSlackRequester,
    sign,
)
from bot.localslack.server import start_local_slack
from bot.localslack.stand_in import (
    BOT_USER_ID,
    DEMO_CHANNEL,
    U_ADMIN,
    U_ALICE,
    U_BOB,
    U_HELPER_BOT,
    LocalSlack,
)

__all__ = [
    "BOT_USER_ID",
    "DEMO_CHANNEL",
    "U_ADMIN",
    "U_ALICE",
    "U_BOB",
    "U_HELPER_BOT",
    "ApiCall",
    "BotResponse",
    "LocalSlack",
    "SlackError",
    "SlackRequester",
    "SocketRequester",
    "SyncSlackRequester",
    "sign",
    "start_local_slack",
]
