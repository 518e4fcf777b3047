"""The outbox relay as its own process, started as `accord-outbox-relay` and as `accord outbox relay`:
drain once, run until SIGTERM, refuse bad usage."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from client import EventSerializer
from client.delivery.outbox import Outbox
from tests.client.delivery.conftest import AMQP_URL
from tests.client.delivery.outbox_support import bound_queue, outbox_rows, prepare_outbox
from tests.client.delivery.support import order_event, order_registry, run

COMMANDS = {
    "accord-outbox-relay": [sys.executable, "-m", "client.delivery.relay_command"],
    "accord outbox relay": [sys.executable, "-c", "from registry.cli import main; main()", "outbox", "relay"],
}


@pytest.fixture(params=sorted(COMMANDS))
def command(request: pytest.FixtureRequest) -> list[str]:
    return COMMANDS[request.param]


def publish(url: str, count: int) -> None:
    with psycopg.connect(url) as connection:
        Outbox(EventSerializer(order_registry())).publish_batch(
            connection, [order_event(f"o-{index}") for index in range(count)]
        )


def test_once_drains_the_outbox_and_exits_0(command, postgres_url, unique_name):
    prepare_outbox(postgres_url)
    publish(postgres_url, 5)

    async def scenario() -> None:
        async with bound_queue(unique_name) as broker:
            done = subprocess.run(
                [
                    *command,
                    "--database",
                    postgres_url,
                    "--amqp",
                    AMQP_URL,
                    "--exchange",
                    unique_name,
                    "--once",
                ],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            assert "relayed 5 event(s)" in done.stdout
            assert len(await broker.received(5)) == 5

    run(scenario)
    assert outbox_rows(postgres_url) == 0


def test_the_relay_process_relays_while_running_and_stops_on_sigterm(command, postgres_url, unique_name):
    prepare_outbox(postgres_url)

    async def scenario() -> None:
        async with bound_queue(unique_name) as broker:
            process = subprocess.Popen(
                [*command, "--database", postgres_url, "--amqp", AMQP_URL, "--exchange", unique_name],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                publish(postgres_url, 3)
                assert len(await broker.received(3, timeout=60)) == 3
            finally:
                process.send_signal(signal.SIGTERM)
                stdout, stderr = await asyncio.to_thread(process.communicate, timeout=60)
            assert process.returncode == 0, stderr
            assert "stopped after relaying 3 event(s)" in stdout

    run(scenario)


def test_bad_usage_exits_2_and_an_unreachable_database_exits_1(command):
    usage = subprocess.run(
        [*command, "--database", "postgresql://x/y", "--amqp", AMQP_URL],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert usage.returncode == 2
    assert "--amqp needs --exchange" in usage.stderr
    started = time.monotonic()
    unreachable = subprocess.run(
        [
            *command,
            "--database",
            "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2",
            "--amqp",
            AMQP_URL,
            "--exchange",
            "accord-test-unused",
            "--once",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert unreachable.returncode == 1, unreachable.stderr
    assert "OperationalError" in unreachable.stderr
    assert time.monotonic() - started < 60
