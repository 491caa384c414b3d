"""Widgets the agent shows in the chat, and the handlers of their buttons."""
