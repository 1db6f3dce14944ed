"""The team: who hosts which calendar, and who may see or act on a booking.

Pure modules (no Slack, no I/O): `access` is the one authorisation rule every surface
uses; `identity` matches Slack members to the site's calendars.
"""
