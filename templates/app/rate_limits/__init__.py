"""Per-user rate limits: turns per minute and streams at once (app/rate_limits/base.py)."""

from app.rate_limits.base import Limits, RateLimited, RateLimiter
from app.rate_limits.responses import limit_stream
from app.rate_limits.setup import build_rate_limiter

__all__ = ["Limits", "RateLimited", "RateLimiter", "build_rate_limiter", "limit_stream"]
