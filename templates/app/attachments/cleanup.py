"""Removes uploads that were never sent in a message.

Every replica runs this on startup and then on a timer. That is safe: removing
an attachment twice is not an error, and only records older than `max_age` go,
long after any upload or message naming them has finished.
"""

import asyncio
import logging
import time

from app.attachments.blobs import AttachmentBlobs
from app.context import RequestContext
from app.store import ChatStore

logger = logging.getLogger(__name__)


async def remove_unsent(
    store: ChatStore, blobs: AttachmentBlobs, max_age_seconds: float
) -> int:
    """Remove attachments older than `max_age_seconds` that no message carries."""
    created_before_us = int((time.time() - max_age_seconds) * 1_000_000)
    unsent = await store.unsent_attachments(created_before_us)
    for attachment_id, owner in unsent:
        await blobs.delete(attachment_id)
        await store.delete_attachment(attachment_id, RequestContext(user_id=owner))
    if unsent:
        logger.info("removed %d attachments never sent in a message", len(unsent))
    return len(unsent)


async def remove_unsent_periodically(
    store: ChatStore,
    blobs: AttachmentBlobs,
    max_age_seconds: float,
    interval_seconds: float,
) -> None:
    """Run `remove_unsent` now and every `interval_seconds`, until cancelled."""
    while True:
        try:
            await remove_unsent(store, blobs, max_age_seconds)
        except Exception:
            # A failed sweep is retried next time; the app keeps serving.
            logger.exception("could not remove unsent attachments")
        await asyncio.sleep(interval_seconds)
