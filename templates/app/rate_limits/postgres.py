"""Rate limits counted in the store's PostgreSQL database, shared by every replica.

Each check runs in one transaction under a per-user advisory lock, so two
replicas admitting the same user's turns take turns; the database's clock is
the only one used, so replicas whose clocks differ still agree.
"""

import uuid
from datetime import timedelta

import asyncpg

from app.rate_limits.base import (
    WINDOW_SECONDS,
    LimiterUnavailable,
    Limits,
    too_many_streams,
    too_many_turns,
)
from app.rate_limits.shared import SharedRateLimiter
from app.store.postgres import PostgresStore, migrate

# Numbered apart from the store's own migrations (see app/store/postgres.py).
MIGRATIONS = [
    """
    CREATE TABLE chatkit_rate_turns (
        owner text NOT NULL,
        at timestamptz NOT NULL
    );
    CREATE INDEX chatkit_rate_turns_by_owner ON chatkit_rate_turns (owner, at);
    CREATE INDEX chatkit_rate_turns_by_time ON chatkit_rate_turns (at);
    CREATE TABLE chatkit_rate_streams (
        id text PRIMARY KEY,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL
    );
    CREATE INDEX chatkit_rate_streams_by_owner
        ON chatkit_rate_streams (owner, expires_at);
    """,
]

VERSION_TABLE = "chatkit_rate_limits_version"


class PostgresRateLimiter(SharedRateLimiter):
    def __init__(
        self, store: PostgresStore, limits: Limits, *, lease_seconds: float
    ) -> None:
        super().__init__(limits, lease_seconds=lease_seconds)
        self.store = store

    async def open(self) -> None:
        # The store is open by now: its pool and schema are ready.
        await migrate(self.store.pool, self.store.schema, MIGRATIONS, VERSION_TABLE)
        await super().open()

    async def take(self, user_id: str) -> str:
        lease_id = uuid.uuid4().hex
        try:
            async with self.store.pool.acquire() as conn, conn.transaction():
                await self._take(conn, user_id, lease_id)
        except (TimeoutError, asyncpg.PostgresError, OSError) as exc:
            raise LimiterUnavailable(f"PostgreSQL: {exc}") from exc
        return lease_id

    async def _take(
        self, conn: asyncpg.Connection, user_id: str, lease_id: str
    ) -> None:
        limits = self.limits
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('chatkit-rate:' || $1))", user_id
        )
        now = await conn.fetchval("SELECT clock_timestamp()")
        if limits.concurrent_streams:
            running = await conn.fetchval(
                "SELECT count(*) FROM chatkit_rate_streams"
                " WHERE owner = $1 AND expires_at > $2",
                user_id,
                now,
            )
            if running >= limits.concurrent_streams:
                raise too_many_streams(limits)
        if limits.turns_per_minute:
            window_start = now - timedelta(seconds=WINDOW_SECONDS)
            turns, oldest = await conn.fetchrow(
                "SELECT count(*), min(at) FROM chatkit_rate_turns"
                " WHERE owner = $1 AND at > $2",
                user_id,
                window_start,
            )
            if turns >= limits.turns_per_minute:
                raise too_many_turns(limits, (oldest - window_start).total_seconds())
            await conn.execute(
                "INSERT INTO chatkit_rate_turns (owner, at) VALUES ($1, $2)",
                user_id,
                now,
            )
        await conn.execute(
            "INSERT INTO chatkit_rate_streams (id, owner, expires_at)"
            " VALUES ($1, $2, $3)",
            lease_id,
            user_id,
            now + timedelta(seconds=self.lease_seconds),
        )

    async def give_back(self, lease_id: str, user_id: str) -> None:
        await self.store.pool.execute(
            "DELETE FROM chatkit_rate_streams WHERE id = $1", lease_id
        )

    async def renew(self, leases: dict[str, str]) -> None:
        async with self.store.pool.acquire() as conn:
            if leases:
                await conn.execute(
                    "UPDATE chatkit_rate_streams"
                    " SET expires_at = clock_timestamp() + make_interval(secs => $2)"
                    " WHERE id = ANY($1::text[])",
                    list(leases),
                    self.lease_seconds,
                )
            # Whatever expired, of any replica: dead replicas' leases, old turns.
            await conn.execute(
                "DELETE FROM chatkit_rate_streams WHERE expires_at < clock_timestamp()"
            )
            await conn.execute(
                "DELETE FROM chatkit_rate_turns"
                " WHERE at < clock_timestamp() - make_interval(secs => $1)",
                WINDOW_SECONDS,
            )
