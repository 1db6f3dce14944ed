"""The Slack app (Bolt), one folder per feature.

Features (each registers its own listeners with `register(app, deps)`, and holds its
flows and pure views): `booking` (/book, /slots, /bookings, the booking modal, the
message shortcut), `home` (App Home), `admin` (/booking-settings), and the rooms kept for
`lifecycle` and `feed`. Shared by all and owned by none: `deps` (what listeners share),
`errors` (the one error path), `origin` (where a request came from), `ids`, `blocks`
(Block Kit primitives), `modal` (the modal envelope), `inputs`, `text` (escaping and
Slack's limits), `fmt` (time wording), `help`. `app` builds the Bolt app and registers
every feature; `run` serves it. See docs/ARCHITECTURE.md.
"""
