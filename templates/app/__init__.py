"""A ChatKit server backed by the OpenAI Agents SDK."""
