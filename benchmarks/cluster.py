"""The translate stage on a local Dask cluster: how it scales, and where the coordinator stops.

    .venv/bin/python benchmarks/cluster.py                       # every part
    .venv/bin/python benchmarks/cluster.py --parts latency --posts 400 --latency 0.2

Each part starts `dask scheduler --host 127.0.0.1` and N `dask worker --nthreads 1 --no-nanny`
processes, connects once (not timed), then times the stage itself (translate_posts with the
cluster's runner) on a fresh copy of one ingested archive (benchmarks/archive.py's posts):

- latency: an engine whose cost is latency alone (benchmarks/latency_engine.py: a fixed sleep
  per batch of 32 texts, standing in for remote GPUs), 1, 2, 4 and 8 workers. Goal: speed-up
  over one worker >= 0.85 x N.
- apertium: real Apertium, 2 one-thread workers against 1. Goal: >= 1.7x on 2 cores. Twice:
  unpinned (one worker's pipeline of eight processes already spreads over both cores, so a
  second worker has little left to use) and with each worker pinned to a core of its own
  (`taskset`), as a one-core slot of a real cluster is.
- coordinator: the latency engine with no latency and the coordinator's own CPU time (this
  process, Dask's client threads included): posts per CPU second is its ceiling, the rate at
  which it could feed workers that cost nothing.

Figures move with the machine's load; the script prints the load average beside them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re

import psutil
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from archive import write_archive  # noqa: E402

from polypost import cluster  # noqa: E402
from polypost.config import load_config  # noqa: E402
from polypost.pipeline import engine_options, ingest_stage, load_glossary, translate_options  # noqa: E402
from polypost.sources.stage import IngestOptions  # noqa: E402
from polypost.store import Store  # noqa: E402
from polypost.translate.stage import translate_posts  # noqa: E402

DASK = Path(sys.executable).with_name("dask")
PRELOAD = ROOT / "benchmarks" / "latency_engine.py"


class LocalCluster:
    """A scheduler and N one-thread workers, as subprocesses on 127.0.0.1."""

    def __init__(self, folder: Path, workers: int, env: dict[str, str], threads: int = 1, pin: bool = False) -> None:
        self.folder, self.env, self.processes = folder, env, []
        scheduler_file = folder / "scheduler.json"
        self._spawn([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(scheduler_file)])
        while not scheduler_file.is_file():
            time.sleep(0.1)
        self.address = json.loads(scheduler_file.read_text())["address"]
        for number in range(workers):
            # Pinned: worker K and its children (Apertium's eight processes) on core K alone, as a
            # one-core slot of a real cluster; unpinned, one worker's pipeline spreads over every core.
            pinned = ["taskset", "-c", str(number % (os.cpu_count() or 1))] if pin else []
            self._spawn([*pinned, str(DASK), "worker", self.address, "--host", "127.0.0.1", "--nthreads", str(threads), "--no-nanny",
                         "--no-dashboard", "--preload", str(PRELOAD), "--local-directory", str(folder / f"w{number}")])

    def _spawn(self, command: list[str]) -> None:
        log = open(self.folder / f"process-{len(self.processes)}.log", "w")
        self.processes.append(subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                               start_new_session=True))

    def worker_cpu_seconds(self) -> float:
        """CPU time of every worker process and its children (Apertium's pipeline) so far."""
        total = 0.0
        for process in self.processes[1:]:
            try:
                tree = psutil.Process(process.pid)
                for member in [tree, *tree.children(recursive=True)]:
                    times = member.cpu_times()
                    total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def stop(self) -> None:
        for process in reversed(self.processes):
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            try:  # and whatever the group still holds (a worker's Apertium pipeline)
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()


SHARED_LIST = "<li>Plan the content calendar.</li><li>Measure the reach.</li>"
SHARED_ALT = 'alt="A chart of our reach"'


def ingested_archive(folder: Path, posts: int) -> Path:
    """benchmarks/archive.py's posts with no text shared between posts: a text the memory already
    has would make the run with fewer workers (whose earlier chunks are written before later ones
    look the memory up) send fewer texts to the engine than the run with more."""
    archive = folder / f"archive-{posts}"
    write_archive(archive, posts)
    for number, path in enumerate(sorted(archive.glob("*.html"))):
        text = path.read_text(encoding="utf-8")
        text = text.replace(SHARED_LIST, f"<li>Plan calendar {number}.</li><li>Measure reach {number}.</li>")
        alts = itertools.count()
        text = re.sub(SHARED_ALT, lambda _: f'alt="A chart of reach {number}-{next(alts)}"', text)
        path.write_text(text, encoding="utf-8")
    db = folder / f"base-{posts}.db"
    config = load_config(environ={}, db_path=str(db))
    store = Store.open(db)
    ingest_stage(store, config, [str(archive)], IngestOptions())
    store.close()
    return db


def timed_run(folder: Path, base: Path, workers: int, engine: str, env: dict[str, str], expect: int,
              chunk: int = 0, threads: int = 1, pin: bool = False) -> dict:
    """One stage run on a fresh cluster of `workers`; the seconds exclude starting and connecting."""
    os.environ.update(env)  # the coordinator reads the same settings as the workers
    where = Path(tempfile.mkdtemp(prefix=f"{engine}-{workers}-", dir=folder))
    local = LocalCluster(where, workers, env, threads, pin)
    try:
        db = where / "polypost.db"
        shutil.copy(base, db)
        config = load_config(environ={}, db_path=str(db), engine=engine, use_glossary=False, scheduler=local.address)
        store = Store.open(db)
        glossary = load_glossary(config)
        runner = None
        deadline = time.monotonic() + 120
        while runner is None:
            try:
                runner = cluster.connect(local.address, engine=engine, source_lang="en", target_lang="es",
                                         glossary=glossary, engine_options={"argos": engine_options(config, "argos")})
                if len(runner.workers) < workers:
                    runner.close()
                    runner = None
                    time.sleep(0.5)
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        try:
            chunk = chunk or runner.chunk_size(store.count_posts())
            options = translate_options(store, config, posts_per_engine_call=chunk)
            cpu, wall, workers_cpu = time.process_time(), time.perf_counter(), local.worker_cpu_seconds()
            report = translate_posts(store, None, glossary, options, runner=runner)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            workers_cpu = local.worker_cpu_seconds() - workers_cpu
        finally:
            runner.close()
            store.close()
        assert report.translated == expect and not report.failed, (report.translated, report.failed[:3])
        return {"workers": workers, "chunk_posts": chunk, "posts": report.translated, "seconds": round(wall, 2),
                "posts_per_s": round(report.translated / wall, 1), "coordinator_cpu_s": round(cpu, 2),
                "worker_cores_used": round(workers_cpu / wall, 2),
                "segments": sum(report.segments.values()),
                "per_worker_posts": sorted(w["posts"] for w in report.workers.values())}
    finally:
        local.stop()
        shutil.rmtree(where, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="latency,apertium,coordinator")
    parser.add_argument("--posts", type=int, default=256, help="posts for the latency part")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per batch of 32 texts")
    parser.add_argument("--chunk", type=int, default=16,
                        help="posts per chunk in the latency part, the same for every N: 16 posts are 288 texts, "
                             "9 full batches, so that N changes nothing but the workers (0: polypost's own sizing)")
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--latency-threads", type=int, default=1,
                        help="threads per worker in the latency part (2: one chunk's CPU work beside another's "
                             "engine call; the engine still takes one batch at a time)")
    parser.add_argument("--apertium-posts", type=int, default=120)
    parser.add_argument("--coordinator-posts", type=int, default=1000)
    args = parser.parse_args()
    parts = args.parts.split(",")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    results: dict[str, list] = {}
    with tempfile.TemporaryDirectory(prefix="polypost-cluster-bench-") as scratch:
        folder = Path(scratch)
        print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", file=sys.stderr)
        if "latency" in parts:
            base = ingested_archive(folder, args.posts)
            env_latency = {**env, "POLYPOST_BENCH_LATENCY": str(args.latency)}
            rows = [timed_run(folder, base, int(n), "latency", env_latency, args.posts, chunk=args.chunk,
                              threads=args.latency_threads) for n in args.workers.split(",")]
            for row in rows:
                row["speedup"] = round(rows[0]["seconds"] / row["seconds"], 2)
                row["goal"] = round(0.85 * row["workers"] * rows[0]["workers"], 2)
                print(f"latency {args.latency}s/batch, {row['workers']} workers of {args.latency_threads} threads, "
                      f"{row['chunk_posts']} posts a chunk: "
                      f"{row['seconds']} s, {row['worker_cores_used']} cores busy in the workers, "
                      f"{row['posts_per_s']} posts/s, speed-up {row['speedup']}x (goal >= {row['goal']}x), "
                      f"posts per worker {row['per_worker_posts']}")
            results["latency"] = rows
        if "apertium" in parts:
            base = ingested_archive(folder, args.apertium_posts)
            rows = []
            for pin in (False, True):
                pair = [timed_run(folder, base, n, "apertium", env, args.apertium_posts, pin=pin) for n in (1, 2)]
                pair[1]["speedup"] = round(pair[0]["seconds"] / pair[1]["seconds"], 2)
                for row in pair:
                    row["pinned"] = pin
                    print(f"apertium, {row['workers']} one-thread workers, "
                          f"{'each pinned to one core' if pin else 'unpinned'}: {row['seconds']} s, "
                          f"{row['posts_per_s']} posts/s, {row['worker_cores_used']} cores busy in the workers"
                          + (f", speed-up {row['speedup']}x (goal >= 1.7x)" if "speedup" in row else ""))
                rows += pair
            results["apertium"] = rows
        if "coordinator" in parts:
            base = ingested_archive(folder, args.coordinator_posts)
            row = timed_run(folder, base, 2, "latency", {**env, "POLYPOST_BENCH_LATENCY": "0"}, args.coordinator_posts)
            row["ceiling_posts_per_cpu_s"] = round(row["posts"] / row["coordinator_cpu_s"], 1)
            print(f"coordinator: {row['posts']} posts, {row['seconds']} s wall on 2 free workers "
                  f"({row['posts_per_s']} posts/s), {row['coordinator_cpu_s']} s of its own CPU: "
                  f"ceiling {row['ceiling_posts_per_cpu_s']} posts per CPU second")
            results["coordinator"] = [row]
        print(f"load average at end: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
