"""The load benchmark's own parts: the bare-insert limit view, the wrk Lua
scripts (run for real against a tiny local server), and what is read from
/proc. Timings are never asserted here; counts and behaviour are."""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from bench import bare_insert
from bench.processes import children, cpu_seconds, peak_rss_mb
from bench.wrk_runner import parse_wrk_output, run_wrk, wrk_available


@pytest.fixture
def bare_table(db):
    bare_insert.ensure_table()
    bare_insert.clear_table()
    return bare_insert


@pytest.mark.urls("bench.urls")
def test_the_bare_view_inserts_one_row_per_post_with_a_valid_csrf_token(bare_table):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/bench/bare-insert/")
    token = page.content.decode().split('value="')[1].split('"')[0]

    response = browser.post("/bench/bare-insert/", {"csrfmiddlewaretoken": token, "q1": "4", "q2": "yes"})

    assert (response.status_code, response["Location"]) == (302, "/s/thanks/")
    assert bare_table.count_rows() == 1


@pytest.mark.urls("bench.urls")
def test_the_bare_view_refuses_a_post_without_csrf_and_stores_nothing(bare_table):
    response = Client(enforce_csrf_checks=True).post("/bench/bare-insert/", {"q1": "4"})
    assert response.status_code == 403
    assert bare_table.count_rows() == 0


def test_wrk_output_is_read_from_the_scripts_json_line():
    result = parse_wrk_output(
        'Running 1s test\nWRK_RESULT {"requests": 40, "duration_us": 2000000, "p50_us": 1500, '
        '"p95_us": 9000, "p99_us": 12000, "mean_us": 2000.0, "socket_errors": 0, '
        '"threads_ran_out": 1, "statuses": {"302": 30, "404": 10}}\n'
    )
    assert (result.per_second, result.rate_of(302), result.p95_ms, result.count(500)) == (20, 15, 9, 0)
    with pytest.raises(RuntimeError):
        parse_wrk_output("Running 1s test\n")

    both = result.combined_with(result)
    assert (both.requests, both.seconds, both.rate_of(302), both.count(404)) == (80, 4, 15, 20)


class _Recorder(BaseHTTPRequestHandler):
    """Answers every POST with a redirect and remembers its path and body."""

    seen: list = []

    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.seen.append((self.path, self.headers["Cookie"], body))
        self.send_response(302)
        self.send_header("Location", "/s/thanks/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not wrk_available(), reason="needs wrk (Debian package `wrk`)")
def test_post_once_sends_each_prepared_submission_exactly_once(tmp_path):
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    lines = [f"/s/token{n}/\tcsrftoken=c{n}\tcsrfmiddlewaretoken=f{n}&q1=4" for n in range(25)]
    (tmp_path / "submissions.txt").write_text("\n".join(lines))
    try:
        result = run_wrk(
            f"http://127.0.0.1:{server.server_port}", "post_once.lua", [str(tmp_path / "submissions.txt"), "1"], 2
        )
    finally:
        server.shutdown()
    posted = [entry for entry in _Recorder.seen if entry[0].startswith("/s/token")]
    # wrk calls request() once before the run to check the script, which
    # uses up the first line unsent; every other line is posted exactly once.
    assert sorted(posted) == sorted(tuple(line.split("\t")) for line in lines[1:])
    assert result.threads_ran_out == 1


def test_proc_figures_of_a_running_child():
    child = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(30 * 2**20); time.sleep(5)"])  # noqa: S603
    try:
        # Polled: the child needs a moment to allocate its 30 MiB.
        for _ in range(100):
            if peak_rss_mb(child.pid) > 30:
                break
            threading.Event().wait(0.05)
        assert child.pid in children(os.getpid())
        assert peak_rss_mb(child.pid) > 30
        assert cpu_seconds(os.getpid()) > 0
    finally:
        child.kill()
        child.wait()
    assert peak_rss_mb(child.pid) == 0.0
