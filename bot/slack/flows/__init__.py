"""The work behind each surface, as plain async functions (listeners only ack and spawn)."""
