"""The agent's function tools. This file is yours: add tools here and list them
in `build_agent()` (app/agent.py). The docstring and type hints of each function
become the tool's description and JSON schema the model sees.
"""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agents import function_tool


@function_tool
def get_current_time(timezone: str) -> str:
    """Return the current date and time in an IANA time zone.

    Args:
        timezone: An IANA time zone name, such as "Europe/Paris" or "UTC".
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"Unknown time zone: {timezone}"
    return datetime.now(zone).isoformat(timespec="seconds")
