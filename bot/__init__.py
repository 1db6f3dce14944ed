"""A Slack bot that books meetings on a FluentBooking site."""

__version__ = "0.1.0"
