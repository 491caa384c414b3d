"""A Redis server for the tests: the one TEST_REDIS_URL names, or one started here.

Without TEST_REDIS_URL the tests start `redis-server` (on PATH, e.g. Debian's
`redis-server` package) on a free loopback port, with nothing saved to disk, and
stop it afterwards. When neither works they fail, saying so: never skipped.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

STARTUP_TIMEOUT = 10.0


@contextmanager
def redis_server() -> Iterator[str]:
    """The URL of a Redis server the tests may write keys to."""
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "Set TEST_REDIS_URL to a Redis server the tests may use, or install "
            "redis-server (Debian: apt-get install redis-server) so that they "
            "start one.",
            pytrace=False,
        )
    port = _free_port()
    with tempfile.TemporaryDirectory() as workdir:
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workdir,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(process, port)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = (
                process.stdout.read().decode(errors="replace") if process.stdout else ""
            )
            pytest.fail(f"redis-server exited at start:\n{output}", pytrace=False)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"redis-server did not answer on port {port}", pytrace=False)
