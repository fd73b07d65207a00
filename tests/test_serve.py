"""``modeller serve`` as a process: the Serving line, stopping cleanly, the warnings."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.request

from web_server import start, stop

from modeller.web.server import is_loopback, url


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1].strip("/"))


def _closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_serving_line_names_a_free_port_and_ctrl_c_stops_cleanly():
    proc, first, address = start("--port", "0")
    try:
        assert first == f"Serving {address}"
        assert address.startswith("http://127.0.0.1:") and _port(address) > 0
        with urllib.request.urlopen(address, timeout=30) as response:
            assert b'name="outcomes.recovery_rate"' in response.read()
    finally:
        status, err = stop(proc)
    assert status == 0
    assert "Traceback" not in err
    assert _closed(_port(address))


def test_sigterm_stops_cleanly():
    proc, _first, address = start("--port", "0")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, -signal.SIGTERM)
    assert "Traceback" not in err
    assert _closed(_port(address))


def test_non_loopback_host_warns_that_there_is_no_login():
    proc, first, address = start("--host", "0.0.0.0", "--port", "0")
    try:
        assert first.startswith("Serving http://0.0.0.0:")
    finally:
        status, err = stop(proc)
    assert status == 0
    assert "no login" in err


def test_loopback_hosts_do_not_warn():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    assert url("::1", 8000) == "http://[::1]:8000/"


def test_a_bad_set_is_reported_before_serving(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: x\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "modeller", "serve", str(bad), "--port",
                          "0"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stdout == ""
    assert "bad.yaml" in out.stderr and "Traceback" not in out.stderr


def test_help_does_not_import_the_web_stack():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom modeller.cli import cli\n"
            "r = CliRunner().invoke(cli, ['serve', '--help'])\nassert r.exit_code == 0\n"
            "assert 'Serving http://HOST:PORT/' in r.output, r.output\n"
            "heavy = [m for m in ('starlette', 'uvicorn', 'numpy', 'weasyprint') "
            "if m in sys.modules]\nassert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
