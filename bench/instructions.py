"""Instructions the registry spends per request, counted by valgrind (callgrind), so that two trees
compare exactly on a machine that other jobs keep busy:
`.venv/bin/python -m bench.instructions [--before DIR] [--requests 400] [--only PATH ...]`

For each route, and for registering a new version (`POST /subjects/writing/versions`), the in-process
app (an httpx client on the ASGI transport, SQLite) answers a warm-up and then `--requests` requests;
the same program with no measured requests is counted too, and the difference divided by the requests
is the cost of one request (the client's share included, the same in both trees). Counts repeat to
within about 1% between runs; seconds on a shared machine do not.
DIR is a checkout of an earlier revision with its own .venv (see bench/revisions.py). `--only` measures
some of the requests (each as written in the report, e.g. `--only "POST /subjects/writing/versions"`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROUTES = ["/schemas/ids/1", "/subjects/reading/versions/1", "/subjects/reading/versions"]
REGISTER = "POST /subjects/writing/versions"  # each request a new version: one more optional field
SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Reading",
        "namespace": "bench",
        "fields": [{"name": "sensor", "type": "string"}, {"name": "value", "type": "double"}],
    }
)


def version(number: int) -> str:
    """Version `number` of the written subject: the read schema with `number` optional fields more."""
    schema = json.loads(SCHEMA)
    extra = [{"name": f"extra_{index}", "type": ["null", "long"], "default": None} for index in range(number)]
    return json.dumps({**schema, "name": "Writing", "fields": schema["fields"] + extra})


def serve_requests(path: str, requests: int) -> None:
    """The measured program: one schema registered, then 100 warm-up and `requests` requests of
    `path` (GETs, or registrations of successive versions for REGISTER)."""
    import httpx

    from registry import migrations
    from registry.app import create_app
    from registry.config import Settings

    url = f"sqlite:///{tempfile.mkdtemp()}/registry.db"
    migrations.upgrade(url)
    app = create_app(Settings(database_url=url))

    async def run() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
                (await client.post("/subjects/reading/versions", json={"schema": SCHEMA})).raise_for_status()
                for number in range(100 + requests):
                    if path == REGISTER:
                        body = {"schema": version(number)}
                        (await client.post(path.split()[1], json=body)).raise_for_status()
                    else:
                        (await client.get(path)).raise_for_status()

    asyncio.run(run())


def count(python: Path, tree: Path, path: str, requests: int) -> int:
    """Instructions callgrind counted for the whole measured program."""
    with tempfile.TemporaryDirectory() as directory:
        completed = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={directory}/callgrind.out",
                str(python),
                "-P",  # this file runs in the other tree's environment: its own folder is not a package root
                __file__,
                "--serve",
                path,
                str(requests),
            ],
            cwd=tree,
            capture_output=True,
            text=True,
            check=True,
        )
    found = re.search(r"Collected : (\d+)", completed.stderr)
    assert found, completed.stderr[-2000:]
    return int(found.group(1))


def per_request(tree: Path, path: str, requests: int) -> int:
    python = tree / ".venv" / "bin" / "python"
    return round((count(python, tree, path, requests) - count(python, tree, path, 0)) / requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="a checkout of an earlier revision, with its .venv")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--only", nargs="+", choices=[*ROUTES, REGISTER], help="measure these requests only")
    parser.add_argument("--serve", nargs=2, metavar=("PATH", "REQUESTS"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve_requests(arguments.serve[0], int(arguments.serve[1]))
        return
    here = Path(__file__).resolve().parent.parent
    trees = {"now": here} if arguments.before is None else {"before": arguments.before.resolve(), "now": here}
    report = {
        path: {name: per_request(tree, path, arguments.requests) for name, tree in trees.items()}
        for path in arguments.only or [*ROUTES, REGISTER]
    }
    for figures in report.values():
        if "before" in figures:
            figures["now_vs_before"] = round(figures["now"] / figures["before"], 3)  # type: ignore[assignment]
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
