"""The translate stage on a real Dask cluster on 127.0.0.1: a scheduler and two one-thread workers,
each its own process, started with the commands the README gives (`dask scheduler`, `dask
worker`), Apertium as the engine, the bundled samples (two copies, so that slugs collide and
chunks are many) as the archive.

Subprocesses rather than a LocalCluster in the test process: each can run under `strace` (every
connect() of every process is checked to stay on loopback), a worker can be SIGKILLed by its own
pid, and the coordinator is the `polypost` command exactly as a user runs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polypost.publish.atomic import MANIFEST_NAME

distributed = pytest.importorskip("distributed")

from polypost.translate.apertium import MODES_DIR  # noqa: E402

pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None or not (MODES_DIR / "eng-spa.mode").is_file(),
    reason="Apertium eng-spa is not installed",
)

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
STRACE = shutil.which("strace")
DASK = Path(sys.executable).with_name("dask")
FIXED_TIME = "2025-01-01T00:00:00.000000+00:00"
BASE_URL = "https://blog.example.com/"


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["ARGOS_PACKAGES_DIR"] = str(folder / "no-argos-packages")  # workers have no Argos model
    for name in ("POLYPOST_WORKERS", "POLYPOST_DB", "POLYPOST_CONFIG", "POLYPOST_ENGINE"):
        env.pop(name, None)
    return env


class Cluster:
    """A scheduler and workers as subprocesses, each under strace when it is installed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = _env(folder)
        self.processes: list[subprocess.Popen] = []
        self.traces: list[Path] = []
        self.address = ""

    def spawn(self, name: str, command: list[str], **kwargs) -> subprocess.Popen:
        if STRACE:
            trace = self.folder / f"{name}.strace"
            self.traces.append(trace)
            command = [STRACE, "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect", "-e", "signal=none",
                       "-o", str(trace), *command]
        log = open(self.folder / f"{name}.log", "w")
        process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                   **kwargs)
        self.processes.append(process)
        return process

    def start(self, workers: int) -> None:
        scheduler_file = self.folder / "scheduler.json"
        self.spawn("scheduler", [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                 "--scheduler-file", str(scheduler_file)])
        deadline = time.monotonic() + 30
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.address = json.loads(scheduler_file.read_text())["address"]
        for number in range(1, workers + 1):
            self.add_worker(f"w{number}")
        self.monitor = distributed.Client(self.address, timeout=30, set_as_default=False)
        self.monitor.wait_for_workers(workers, timeout=60)
        self.pids = self.monitor.run(os.getpid)  # worker address -> the process to kill

    def add_worker(self, name: str, *options: str) -> None:
        self.spawn(name, [str(DASK), "worker", self.address, "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                          "--no-dashboard", "--name", name, "--local-directory", str(self.folder / name), *options])

    def workers(self) -> dict[str, dict]:
        return self.monitor.scheduler_info(n_workers=-1)["workers"]

    def stop(self) -> None:
        self.monitor.close()
        for process in reversed(self.processes):
            _signal_group(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
            # strace that ends may leave the process it traced behind, its SIGTERM swallowed: the
            # whole group, always (the group outlives its leader while any member is alive).
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()


def _signal_group(group: int, signum: int) -> None:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    made = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        made.start(workers=2)
        yield made
    finally:
        made.stop()


def polypost(cluster: Cluster, name: str, *args: str, background: bool = False):
    """The polypost command as a user runs it (under strace when installed)."""
    command = [sys.executable, "-m", "polypost", *args]
    if STRACE:
        trace = cluster.folder / f"{name}.strace"
        cluster.traces.append(trace)
        command = [STRACE, "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect", "-e", "signal=none", "-o", str(trace),
                   *command]
    if background:
        return subprocess.Popen(command, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, env=cluster.env, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The samples twice over: identical titles in other files make slugs collide."""
    folder = tmp_path_factory.mktemp("archive")
    for copy in (1, 2):
        shutil.copytree(SAMPLES, folder / f"copy{copy}")
    return folder


@pytest.fixture(scope="module")
def ingested(cluster, archive, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("ingested") / "polypost.db"
    done = polypost(cluster, "ingest", "--db", str(db), "ingest", str(archive), "--json")
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def one_machine(cluster, ingested, tmp_path_factory) -> dict:
    """The reference: the same archive translated in one process."""
    db = tmp_path_factory.mktemp("one-machine") / "polypost.db"
    shutil.copy(ingested, db)
    done = polypost(cluster, "one-machine", "--db", str(db), "translate", "--engine", "apertium", "--json")
    assert done.returncode == 0, done.stderr
    return {"db": db, "summary": json.loads(done.stdout), "contents": contents(db),
            "site": published(cluster, db, "one-machine")}


def contents(db: Path) -> dict[str, list]:
    """Translations and memory, timestamps aside."""
    with sqlite3.connect(db) as connection:
        return {
            "translations": connection.execute(
                "select post_id, lang, title, slug, html, description, status, engine, source_hash, glossary_report, "
                "qa_report from translations order by post_id, lang").fetchall(),
            "memory": connection.execute(
                "select source_hash, source_lang, target_lang, engine, engine_version, terms_hash, source_text, "
                "target_text, origin, qa_flags from memory order by 1, 2, 3, 4, 5, 6").fetchall(),
        }


def published(cluster: Cluster, db: Path, name: str) -> dict[str, bytes]:
    """The site published from `db`, every file's bytes; translation times set alike first (the
    pages carry them as `updated`)."""
    with sqlite3.connect(db) as connection:
        connection.execute("update translations set translated_at = ?", [FIXED_TIME])
    out = db.parent / "site"
    done = polypost(cluster, f"{name}-publish", "--db", str(db), "publish", "--out", str(out), "--base-url", BASE_URL)
    assert done.returncode == 0, done.stderr
    files = {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}
    # The manifest records each file's size, mtime and inode, which two folders never share: all
    # else in it must agree.
    manifest = json.loads(files[MANIFEST_NAME])
    for record in manifest.get("pages", {}).values():
        record.pop("stat")
    files[MANIFEST_NAME] = json.dumps(manifest, sort_keys=True).encode()
    return files


def test_a_two_worker_cluster_gives_what_one_machine_gives(cluster, ingested, one_machine, tmp_path):
    db = tmp_path / "polypost.db"
    shutil.copy(ingested, db)
    done = polypost(cluster, "two-workers", "--db", str(db), "translate", "--engine", "apertium",
                    "--workers", cluster.address, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    reference = one_machine["summary"]
    assert summary["translated"] == reference["translated"] > 0 and summary["failed"] == []
    assert summary["glossary"] == reference["glossary"]
    # Every worker is named, with the posts and segments it did; together, all of them.
    assert sorted(summary["workers"]) == sorted(cluster.workers())
    assert sum(w["posts"] for w in summary["workers"].values()) == reference["translated"]
    assert all(w["posts"] > 0 for w in summary["workers"].values())
    assert sum(w["segments"] for w in summary["workers"].values()) == sum(reference["segments"].values())
    assert contents(db) == one_machine["contents"]
    slugs = [row[3] for row in one_machine["contents"]["translations"]]
    assert len(set(slugs)) == len(slugs) and any(slug.endswith("-2") for slug in slugs)  # collisions were real
    assert published(cluster, db, "two-workers") == one_machine["site"]


def test_run_on_the_cluster_names_its_workers(cluster, archive, tmp_path):
    out = tmp_path / "site"
    dry = polypost(cluster, "dry-run", "--db", str(tmp_path / "polypost.db"), "run", str(archive / "copy1"),
                   "--engine", "apertium", "--dry-run", "--workers", cluster.address, "--json")
    assert dry.returncode == 0, dry.stderr
    dry_summary = json.loads(dry.stdout)
    assert dry_summary["dry_run"] and dry_summary["translated"] > 0 and dry_summary["segments"]["from_engine"] > 0
    done = polypost(cluster, "run", "--db", str(tmp_path / "polypost.db"), "run", str(archive / "copy1"),
                    "--engine", "apertium", "--out", str(out), "--base-url", BASE_URL, "--workers", cluster.address,
                    "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["translated"] == dry_summary["translated"] and summary["published"] > 0
    assert sorted(summary["workers"]) == sorted(cluster.workers())
    assert sum(w["posts"] for w in summary["workers"].values()) == summary["translated"]
    again = polypost(cluster, "run-again", "--db", str(tmp_path / "polypost.db"), "translate", "--engine", "apertium",
                     "--workers", cluster.address)
    assert again.returncode == 0, again.stderr
    for worker in cluster.workers():  # nothing changed: every worker named, with nothing done
        assert f"worker {worker}: 0 posts, 0 segments" in again.stdout


def test_workers_without_the_engine_stop_the_run_before_any_work(cluster, ingested, tmp_path):
    db = tmp_path / "polypost.db"
    shutil.copy(ingested, db)
    done = polypost(cluster, "no-model", "--db", str(db), "translate", "--engine", "argos", "--workers",
                    cluster.address, "--json")
    assert done.returncode == 2, done.stderr
    error = json.loads(done.stdout)["error"]
    for worker in cluster.workers():
        assert f"worker {worker} cannot translate" in error["message"]
    assert "Argos package" in error["message"] and "no work was sent" in error["message"]
    assert contents(db) == {"translations": [], "memory": []}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_is_a_usage_error_naming_it(cluster, ingested, tmp_path):
    db = tmp_path / "polypost.db"
    shutil.copy(ingested, db)
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    done = polypost(cluster, "unreachable", "--db", str(db), "translate", "--engine", "apertium",
                    "--workers", address, "--json")
    assert done.returncode == 2, done.stderr
    assert time.monotonic() - started < 30  # a short connect timeout, not Dask's default
    error = json.loads(done.stdout)["error"]
    assert error["exit_code"] == 2 and f"cannot reach the Dask scheduler at {address}" in error["message"]
    assert contents(db)["translations"] == []


def test_a_malformed_scheduler_address_names_where_it_came_from(cluster, ingested, tmp_path):
    db = tmp_path / "polypost.db"
    shutil.copy(ingested, db)
    config = tmp_path / "polypost.toml"
    config.write_text('[cluster]\nscheduler = "tcp://127.0.0.1"\n', encoding="utf-8")
    done = polypost(cluster, "bad-config", "--db", str(db), "--config", str(config), "translate")
    assert done.returncode == 2
    assert f"{config}:2: cluster.scheduler" in done.stderr and "needs a host and a port" in done.stderr
    env_cluster = Cluster.__new__(Cluster)
    env_cluster.__dict__.update(cluster.__dict__, env={**cluster.env, "POLYPOST_WORKERS": "http://127.0.0.1:8786"})
    done = polypost(env_cluster, "bad-env", "--db", str(db), "translate")
    assert done.returncode == 2
    assert "environment variable POLYPOST_WORKERS" in done.stderr and "'http'" in done.stderr


def test_without_a_scheduler_distributed_is_never_imported(cluster, ingested, tmp_path):
    db = tmp_path / "polypost.db"
    shutil.copy(ingested, db)
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from polypost.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['--db', {str(db)!r}, 'translate', '--engine', 'apertium', '--json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert '\"translated\": ' in result.output\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('distributed', 'dask', 'tornado')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=cluster.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_worker_killed_mid_chunk_loses_nothing(cluster, ingested, one_machine, tmp_path):
    db = tmp_path / "polypost.db"
    shutil.copy(ingested, db)
    run = polypost(cluster, "killed", "--db", str(db), "translate", "--engine", "apertium",
                   "--workers", cluster.address, "--json", background=True)
    killed = _kill_when_translating(cluster, run, cluster.pids)
    stdout, stderr = run.communicate(timeout=180)
    assert killed, "the run ended before a worker was seen with a chunk"
    assert run.returncode == 0, stderr
    summary = json.loads(stdout)
    assert summary["failed"] == [] and summary["translated"] == one_machine["summary"]["translated"]
    survivors = [worker for worker in summary["workers"] if worker != killed]
    assert len(survivors) == 1 and summary["workers"][survivors[0]]["posts"] > 0
    assert contents(db) == one_machine["contents"]
    assert published(cluster, db, "killed") == one_machine["site"]


def test_chunks_that_need_the_engine_go_to_gpu_workers(cluster, ingested, one_machine, tmp_path):
    """A worker started with --resources GPU=1 takes every chunk the memory cannot answer."""
    before = set(cluster.workers())
    cluster.add_worker("gpu", "--resources", "GPU=1")
    deadline = time.monotonic() + 60
    while len(set(cluster.workers()) - before) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    gpu, = set(cluster.workers()) - before
    db = tmp_path / "polypost.db"
    shutil.copy(ingested, db)
    done = polypost(cluster, "gpu", "--db", str(db), "translate", "--engine", "apertium", "--workers", cluster.address,
                    "--json")
    assert done.returncode == 0, done.stderr
    workers = json.loads(done.stdout)["workers"]
    assert len(workers) >= 2 and workers[gpu]["posts"] == one_machine["summary"]["translated"]
    assert all(did["posts"] == 0 for worker, did in workers.items() if worker != gpu)
    assert contents(db) == one_machine["contents"]

    # The GPU worker killed mid-run: the chunks that waited for it go to the others.
    gpu_pid = cluster.monitor.run(os.getpid, workers=[gpu])[gpu]
    db = tmp_path / "gpu-killed.db"
    shutil.copy(ingested, db)
    run = polypost(cluster, "gpu-killed", "--db", str(db), "translate", "--engine", "apertium", "--workers",
                   cluster.address, "--json", background=True)
    killed = _kill_when_translating(cluster, run, {gpu: gpu_pid})
    stdout, stderr = run.communicate(timeout=180)
    assert killed == gpu, "the run ended before the GPU worker was seen with a chunk"
    assert run.returncode == 0, stderr
    assert "no GPU worker is left" in stderr
    summary = json.loads(stdout)
    assert summary["failed"] == [] and summary["translated"] == one_machine["summary"]["translated"]
    assert sum(did["posts"] for worker, did in summary["workers"].items() if worker != gpu) > 0
    assert contents(db) == one_machine["contents"]


def _kill_when_translating(cluster: Cluster, run: subprocess.Popen, pids: dict[str, int]) -> str | None:
    """SIGKILL the first worker of `pids` seen with a chunk's translate task; its address."""
    deadline = time.monotonic() + 120
    while run.poll() is None and time.monotonic() < deadline:
        for worker, keys in cluster.monitor.processing().items():
            if worker in pids and any(str(key).startswith("polypost-translate-") for key in keys):
                os.kill(pids[worker], signal.SIGKILL)
                return worker
        time.sleep(0.01)
    return None


_CONNECT = re.compile(r"connect\(\d+, \{sa_family=(AF_\w+)(.*?)\}")


@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
def test_every_connection_stays_on_loopback(cluster, one_machine):
    """Every connect() by the scheduler, the workers and each polypost command of this module."""
    seen = 0
    for trace in cluster.traces:
        for line in trace.read_text(errors="replace").splitlines():
            match = _CONNECT.search(line)
            if not match:
                continue
            family, rest = match.groups()
            seen += 1
            if family == "AF_INET":
                assert 'sin_addr=inet_addr("127.0.0.1")' in rest, f"{trace.name}: {line}"
            elif family == "AF_INET6":
                assert re.search(r'inet_pton\(AF_INET6, "(::1|::ffff:127\.0\.0\.1)"', rest), f"{trace.name}: {line}"
            else:
                assert family in ("AF_UNIX", "AF_UNSPEC", "AF_NETLINK"), f"{trace.name}: {line}"
    assert seen > 10  # the traces did see the cluster's own connections
