"""How dates are read, for `/book help` (mrkdwn, kept short)."""

HELP_TEXT = "\n".join(
    [
        "*How I read dates and times*",
        "• Times are in your Slack time zone unless you name one: `3pm London time`, "
        "`10am PST`, `15:00 UTC+2`, `Europe/Paris`.",
        "• `friday` = the next Friday (today only with a time still ahead); `next tue` = the "
        "first Tuesday after today; `this fri` = from today on; `tue next week` = in the "
        "Monday–Sunday week after this one.",
        "• A bare time (`3pm`) is today if still ahead, else tomorrow. `at 3` without am/pm: "
        "8–11 morning, 12 noon, 1–6 afternoon (say am or pm for 7).",
        "• `morning` 8–12, `afternoon` 12–17, `evening`/`tonight` 17–21; `midnight` is the "
        "coming 00:00.",
        "• `in 2 hours` counts elapsed time; `in 3 days` is a calendar date; `in 2 months` is "
        "the same day two months on (the month's last day if it is shorter).",
        "• `eod` = 17:00 (today if still ahead, else tomorrow); `end of week` = Friday 17:00; "
        "`this weekend` = Sat 00:00 to Mon 00:00; `next week` / `next month` = that whole "
        "week or month; `first monday of next month` works.",
        "• `03/04` is month first for US time zones, day first elsewhere.",
        "• On a DST change a missing time moves forward by the gap; a repeated time is its "
        "first occurrence.",
        "• Impossible dates (`Feb 30`, `25:00`), past or repeating days (`last friday`, "
        "`every monday`) and durations alone (`for 45 minutes`) are refused, never guessed. "
        "Misspelt day words (`tommorow`) are corrected.",
    ]
)
