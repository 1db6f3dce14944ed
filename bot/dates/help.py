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
        "8–11 morning, 12 noon, 1–6 afternoon (say am or pm for 7). `half two` = 2:30.",
        "• `morning` 8–12, `afternoon` 12–17, `evening`/`tonight` 17–21; with a time they fix "
        "am/pm (`11 tonight` = 23:00). `midnight` is the coming 00:00; `10pm-1am` ends next day.",
        "• `now`; `in 2 hours` counts elapsed time, `in 3 days` a calendar date, `in 2 months` "
        "the same day (or the month's last); `in 1d 2hr`, `+15 min`: days first, then time.",
        "• `eod` = 17:00; `end of week` = Friday 17:00; `this weekend` = Sat–Sun; `next week` "
        "/ `next month` = all of it; `early next week` = Mon–Tue, `late next week` = Thu–Fri; "
        "`first monday of next month` works.",
        "• `03/04` is month first for US time zones, day first elsewhere.",
        "• On a DST change a missing time moves forward by the gap; a repeated time is its "
        "first occurrence.",
        "• Impossible dates (`Feb 30`, `25:00`), the past (`3 days ago`), repeats (`every "
        "monday`), durations alone and dates over 100 years away are refused, never guessed; "
        "so is a line with a date part I could not read (I name it). `tommorow` is corrected.",
    ]
)
