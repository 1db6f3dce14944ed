"""The terminal demo: `python -m bot demo` (see `cli.main`)."""

from bot.demo.cli import main

__all__ = ["main"]
