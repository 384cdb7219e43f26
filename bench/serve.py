"""`wirearchive serve` under concurrent clients: requests/s with `--readers 1` (one archive
shared by every request, each in turn) beside `--readers 4` (a pool), in the same run.

Builds an archive of `--items` ninjs items (bench/validate.py's generator) on a local folder
and on S3 (moto's server in a process of its own, on 127.0.0.1), serves each with
`wirearchive serve` in its own process, and has `--clients` threads here ask for records
and raw captures (a capture is one ranged GET of a WARC record: a local read, or a round
trip to the object store). Prints requests/s and the pool's ratio to the single reader.
Every process shares the machine's CPUs, so the ratio, not the rate, is the figure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson
from validate import valid_item

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests._servers import (  # noqa: E402
    S3Proxy,
    free_port,
    moto_process,
    new_bucket,
    s3_environment,
)

WIREARCHIVE = str(Path(sys.executable).with_name("wirearchive"))


def _delaying_proxy(upstream: str, port: int, delay: float) -> None:
    """In a process of its own: every request to `upstream` after `delay` seconds, an
    object store with a real one's latency (moto on loopback answers in about 1 ms)."""
    S3Proxy(upstream, delay=delay, port=port).serve_forever()


@contextmanager
def _latency(upstream: str, delay: float) -> Iterator[str]:
    port = free_port()
    process = multiprocessing.Process(
        target=_delaying_proxy, args=(upstream, port, delay), daemon=True
    )
    process.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        process.join()


def _feed(path: Path, items: int) -> list[str]:
    """`items` valid items as JSON Lines at `path`; their ids."""
    rng = random.Random(7)
    found = [valid_item(index, rng) for index in range(items)]
    path.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in found))
    return [str(item["uri"]) for item in found]


@contextmanager
def _served(archive: str, readers: int, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    argv = [WIREARCHIVE, "serve", "--archive", archive, "--port", str(port)]
    process = subprocess.Popen(
        [*argv, "--readers", str(readers)], env=env, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                httpx.get(f"{base}/api/summary", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"wirearchive serve {archive} did not start")
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _load(base: str, ids: list[str], clients: int, seconds: float) -> float:
    """Requests/s of `clients` threads asking for records and captures for `seconds`."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.monotonic() < stop:
                item = rng.choice(ids)
                path = f"/api/items/{item}/versions/1"
                if rng.random() < 0.5:
                    path += "/capture"
                http.get(path).raise_for_status()
                done[number] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--latency", type=float, default=20.0, help="ms the slow store adds")
    args = parser.parse_args()
    print(f"{args.clients} clients, {args.seconds:.0f} s each; {os.cpu_count()} CPUs shared")
    with tempfile.TemporaryDirectory() as tmp, moto_process() as endpoint:
        folder = Path(tmp)
        ids = _feed(folder / "feed.jsonl", args.items)
        env = {**os.environ, **s3_environment(endpoint), "XDG_CACHE_HOME": str(folder / "c")}
        bucket = new_bucket(endpoint)
        for archive in (str(folder / "archive"), f"s3://{bucket}/a"):
            subprocess.run(
                [WIREARCHIVE, "ingest", "--archive", archive, str(folder / "feed.jsonl")],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
        with _latency(endpoint, args.latency / 1000) as slow:
            delayed = {**env, **s3_environment(slow)}
            for where, archive, environ in (
                ("folder", str(folder / "archive"), env),
                ("s3 (moto)", f"s3://{bucket}/a", env),
                (f"s3 +{args.latency:.0f} ms", f"s3://{bucket}/a", delayed),
            ):
                rates = {}
                for readers in (1, 4):
                    with _served(archive, readers, environ) as base:
                        _load(base, ids, args.clients, 1.0)  # warm: pool filled, pages cached
                        rates[readers] = _load(base, ids, args.clients, args.seconds)
                print(
                    f"{where:12s}  --readers 1: {rates[1]:7.1f} req/s   --readers 4: "
                    f"{rates[4]:7.1f} req/s   {rates[4] / rates[1]:.2f}x"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
