"""The app as deployed, on loopback, for tests/security/test_behind_proxy.py:
gunicorn with the production settings, behind Debian's nginx running the
site file of docs/deploy/nginx.conf over TLS, with a Redis of its own for
the rate limits. Clients connect from different loopback addresses
(127.0.0.2, 127.0.0.3, …), so nginx sees each as a different client, as it
would people on the internet."""

import datetime
import http.client
import ipaddress
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import connection

from tests.surveys.real_services import ROOT, free_port, wait_for

SITE_FILE = ROOT / "docs" / "deploy" / "nginx.conf"
HOST = "localhost"


def write_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    names = [x509.DNSName(HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class Gunicorn:
    """The app with crm.settings.production, on the test database."""

    def __init__(self, folder: Path, redis_url: str, trusted_proxies: int):
        db = connection.settings_dict
        self.port = free_port()
        self.secret_key = secrets.token_urlsafe(50)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "crm.settings.production",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "SECRET_KEY": self.secret_key,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "ALLOWED_HOSTS": HOST,
            "SITE_URL": f"https://{HOST}",
            "TRUSTED_PROXIES": str(trusted_proxies),
            "LOG_LEVEL": "WARNING",
        }
        self.log = folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def collect_static(self) -> None:
        """The production settings serve hashed static files (whitenoise's
        manifest), which `collectstatic` writes, as `make run` does."""
        command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(command, cwd=ROOT, env=self.env, check=True, timeout=120)  # noqa: S603

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "crm.wsgi:application", "--workers=2",
            f"--bind=127.0.0.1:{self.port}", "--log-level=warning",
        ]  # fmt: skip
        with self.log.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


class Nginx:
    """Debian's nginx with docs/deploy/nginx.conf as its one site."""

    def __init__(self, folder: Path, upstream_port: int):
        self.folder = folder
        self.port = free_port()
        self.cert, self.key = write_certificate(folder)
        self.access_log = folder / "access.log"
        self.process: subprocess.Popen | None = None
        site = SITE_FILE.read_text()
        for documented, here in [
            ("listen 443 ssl;", f"listen 127.0.0.1:{self.port} ssl;"),
            ("/etc/ssl/crm/fullchain.pem", str(self.cert)),
            ("/etc/ssl/crm/privkey.pem", str(self.key)),
            ("127.0.0.1:8000", f"127.0.0.1:{upstream_port}"),
        ]:
            assert documented in site, f"{SITE_FILE} no longer says {documented!r}"
            site = site.replace(documented, here)
        temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        (folder / "nginx.conf").write_text(
            f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log {self.access_log};
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    {site}
}}
"""
        )

    def start(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        command = [nginx, "-c", str(self.folder / "nginx.conf"), "-p", str(self.folder), "-g", "daemon off;"]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, stdout=subprocess.DEVNULL, stderr=(self.folder / "nginx.out").open("w"), start_new_session=True
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


class Browser:
    """One person's HTTPS client from one loopback address, keeping cookies."""

    def __init__(self, nginx: Nginx, address: str):
        self.nginx = nginx
        self.address = address
        self.cookies: SimpleCookie = SimpleCookie()
        self.context = ssl.create_default_context(cafile=str(nginx.cert))

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        """(status, body) of one request, on a new connection."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.nginx.port, source_address=(self.address, 0), context=self.context, timeout=30
        )
        sent = {"Host": f"{HOST}:{self.nginx.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{HOST}:{self.nginx.port}{path}",
            }
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(header)
            return response.status, response.read().decode(errors="replace")
        finally:
            connection.close()

    def get(self, path: str, headers: dict | None = None) -> int:
        return self.request("GET", path, headers=headers)[0]

    def post_form(self, path: str, form: dict, headers: dict | None = None) -> int:
        """GETs the page for its CSRF token, then POSTs the form with it."""
        status, page = self.request("GET", path, headers=headers)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path} (status {status})"
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": match.group(1)}, headers=headers)[0]


def start_stack(folder: Path, redis_url: str, trusted_proxies: int) -> tuple[Gunicorn, Nginx]:
    gunicorn = Gunicorn(folder, redis_url, trusted_proxies)
    gunicorn.collect_static()
    gunicorn.start()
    nginx = Nginx(folder, gunicorn.port)
    nginx.start()
    probe = Browser(nginx, "127.0.0.1")
    if not wait_for(lambda: _answers(probe), timeout=60, interval=0.5):
        gunicorn.stop()
        nginx.stop()
        logs = "\n".join(path.read_text()[-2000:] for path in folder.glob("*.log") if path.exists())
        raise RuntimeError(f"the stack did not answer through nginx:\n{logs}")
    return gunicorn, nginx


def _answers(probe: Browser) -> bool:
    try:
        return probe.get("/accounts/login/") == 200
    except OSError:
        return False
