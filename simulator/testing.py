"""Run the stand-in from tests: in a thread of the test process, or as a subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from simulator.faults import Faults
from simulator.server import Config, QuietHandler, StandIn
from simulator.world import World


@dataclass
class Handle:
    url: str  # site root; the API is url + "/api"
    app: StandIn

    @property
    def world(self) -> World:
        return self.app.world

    @property
    def faults(self) -> Faults:
        return self.app.faults

    @property
    def stats(self) -> dict:
        return self.app.stats


@contextlib.contextmanager
def running_simulator(**options) -> Iterator[Handle]:
    """`with running_simulator(version="0.31") as sim: ... sim.url ...`"""
    app = StandIn(Config(**{"rate_limit": 0, **options}))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Handle(f"http://127.0.0.1:{server.port}", app)
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_subprocess(**options) -> tuple[str, Callable[[], None]]:
    """Start `python -m simulator` on a free port; return its URL and a stop function."""
    port = free_port()
    args = [sys.executable, "-m", "simulator", "--port", str(port)]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is not False and value is not None:
            args += [flag, str(value)]
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    # stderr to a file, not a pipe: nobody reads a pipe while tests run, and a full pipe
    # would block the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"stand-in exited: {log.read().decode()[-500:]}")
        try:
            with urllib.request.urlopen(f"{url}/_simulator/stats", timeout=1) as answer:
                json.load(answer)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("stand-in did not start")

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

    return url, stop
