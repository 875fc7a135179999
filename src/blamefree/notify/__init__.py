"""Reminder delivery: digests (pure) and the e-mail, Slack and webhook senders."""
