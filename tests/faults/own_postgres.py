"""A PostgreSQL server of the test's own: a cluster made with initdb in a
temporary folder, on a free port, that a test may stop and start again.
Never the machine's shared server."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg

from tests.surveys.real_services import free_port


def _binaries() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


class OwnPostgres:
    def __init__(self, folder: Path):
        binaries = _binaries()
        assert binaries is not None, "PostgreSQL's server binaries (Debian's postgresql package) are needed"
        self.bin = binaries
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()

    @staticmethod
    def available() -> bool:
        return _binaries() is not None

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:  # the server refuses to run as root: the folder is its user's
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 - our own command line
