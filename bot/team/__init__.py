"""The team: who hosts which calendar, and who may see or act on a booking.

Pure modules (no Slack, no I/O): `access` is the one authorisation rule every surface
uses; `identity` matches Slack members to the site's calendars; `listing` sorts bookings
into what a member sees; `facts` builds a booking's facts; `privacy` says what a channel
may read; `hostpick` reads a teammate named as host. `service` reads the site and the
store for the Slack surfaces (still no Slack in it).
"""
