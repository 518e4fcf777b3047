"""docs/client.md's "Consuming and publishing safely" runs: every Python block of the section, in order,
in one namespace, against the real PostgreSQL (an orders and a billing database), Redis and RabbitMQ."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import aio_pika
import redis

from tests.client.delivery.conftest import AMQP_URL, REDIS_URL
from tests.support.databases import postgres_database

DOC = Path(__file__).resolve().parents[3] / "docs" / "client.md"
SECTION = "## Consuming and publishing safely"


def section_blocks() -> list[tuple[int, str]]:
    """The section's Python blocks, each with the line it starts on."""
    text = DOC.read_text()
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    first_line = text[:start].count("\n") + 1
    section = text[start:end]
    return [
        (first_line + section[: match.start()].count("\n") + 1, match.group(1))
        for match in re.finditer(r"```python\n(.*?)```", section, flags=re.DOTALL)
    ]


def test_the_section_has_an_example_for_every_part():
    text = DOC.read_text()
    section = text[text.index(SECTION) :]
    for part in (
        "Idempotent handling",
        "Retries, then dead-letter",
        "Per-key ordering",
        "Batches",
        "Transactional outbox",
        "Upcasting",
    ):
        assert f"### {part}" in section
    assert len(section_blocks()) >= 8


def test_the_examples_are_formatted_as_ruff_formats_the_code():
    ruff = Path(sys.executable).parent / "ruff"
    for line, block in section_blocks():
        formatted = subprocess.run(
            [str(ruff), "format", "--line-length", "110", "-"],
            input=block,
            capture_output=True,
            text=True,
            check=True,
        )
        assert formatted.stdout == block, f"docs/client.md:{line} is not formatted"


def test_the_examples_run_against_the_real_services(monkeypatch, unique_name, redis_prefix):
    with postgres_database("accord_doc_orders") as orders, postgres_database("accord_doc_billing") as billing:
        for name, value in {
            "ORDERS_DATABASE": orders.replace("postgresql+psycopg://", "postgresql://"),
            "BILLING_DATABASE": billing.replace("postgresql+psycopg://", "postgresql://"),
            "RABBITMQ": AMQP_URL,
            "REDIS": REDIS_URL,
            "REDIS_PREFIX": redis_prefix,
            "EVENTS_EXCHANGE": unique_name,
            "BILLING_QUEUE": f"{unique_name}.billing",
        }.items():
            monkeypatch.setenv(name, value)
        namespace: dict[str, object] = {"__name__": "docs_client_md"}
        try:
            for line, block in section_blocks():
                exec(compile(block, f"{DOC}:{line}", "exec"), namespace)
        finally:
            asyncio.run(remove_broker_objects(unique_name))
    assert namespace["receipts"] == ["o-1000"]
    assert redis.Redis.from_url(REDIS_URL).exists(f"{redis_prefix}orders/{namespace['first'].event_id}")  # type: ignore[attr-defined]


async def remove_broker_objects(name: str) -> None:
    connection = await aio_pika.connect_robust(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        queue = f"{name}.billing"
        for leftover in (queue, f"{queue}.dead-letter", *(f"{queue}.retry.{n}" for n in range(1, 10))):
            await channel.queue_delete(leftover)
        await channel.exchange_delete(name)
