"""`make run`'s processes (manage.py run_local): no debug pages, files for
the owner only, and a stop (TERM, as Ctrl-C or a process manager sends)
ends the web server and the worker within 10 s, leaving nothing behind."""

import os
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings

from tests.surveys.real_services import ROOT, free_port, wait_for


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_run_local_serves_no_debug_pages_and_stops_within_ten_seconds(tmp_path):
    port = free_port()
    (tmp_path / "celery" / "queue").mkdir(parents=True)
    (tmp_path / "celery" / "processed").mkdir()
    (tmp_path / "celery" / "control").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    for step in (["migrate"], ["collectstatic", "--noinput"]):  # as `make run` does first
        subprocess.run([sys.executable, "manage.py", *step, "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    command = [sys.executable, "manage.py", "run_local", f"127.0.0.1:{port}"]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        assert wait_for(lambda: _get(f"http://127.0.0.1:{port}/accounts/login/")[0] == 200, timeout=40)
        status, page = _get(f"http://127.0.0.1:{port}/no-such-page/")
        assert status == 404 and "URLconf" not in page and "Traceback" not in page  # the friendly page
        schedule = wait_for(lambda: list(tmp_path.glob("celerybeat-schedule*")), timeout=30)
        assert schedule, "the worker's scheduler did not start"
        children = [int(pid) for pid in subprocess.check_output(["pgrep", "-P", str(run.pid)]).split()]  # noqa: S603, S607

        started = time.monotonic()
        run.send_signal(signal.SIGTERM)
        code = run.wait(timeout=15)
        took = time.monotonic() - started
    finally:
        if run.poll() is None:
            run.kill()
    output = run.stdout.read().decode() if run.stdout else ""

    assert code == 0 and took < 10, output[-2000:]
    assert "RecursionError" not in output and "Segmentation" not in output
    assert len(children) == 2 and not any(_alive(pid) for pid in children)
    assert not (ROOT / "control").exists()  # the broker's control files stay in VAR_DIR
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in schedule}
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes
