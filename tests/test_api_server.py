"""The Prefect API a one-shot run reports to (flows.runners.start_api_server): a real temporary server."""

from __future__ import annotations

import os
import socket
import sys

import pytest

from flows import runners


@pytest.fixture
def no_api(monkeypatch):
    """No PREFECT_API_URL and no long-lived local server to find (a port nothing listens on); the
    PREFECT_API_URL that start_api_server() exports is taken back afterwards."""
    before = os.environ.get("PREFECT_API_URL")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv(runners.LOCAL_SERVER_ENV, f"http://127.0.0.1:{runners._free_port()}/api")
    yield
    os.environ.pop("PREFECT_API_URL", None)
    if before is not None:
        os.environ["PREFECT_API_URL"] = before


def test_a_set_api_url_is_used_as_it_is(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://example.invalid:4200/api")
    api = runners.start_api_server()
    assert api.starting is None and api.wait() == "http://example.invalid:4200/api"


@pytest.mark.e2e
def test_a_temporary_server_starts_in_the_background_and_moves_off_a_taken_port(no_api):
    """start_api_server() returns at once (the caller imports meanwhile); wait() returns once the server
    answers. A port taken between choosing it and binding it (uvicorn exits with 3) is replaced."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        real_free_port = runners._free_port
        ports = iter([taken])
        runners._free_port = lambda: next(ports, None) or real_free_port()
        try:
            api = runners.start_api_server()
        finally:
            runners._free_port = real_free_port
        server = api.starting
        assert server is not None and server.port == taken
        assert os.environ["PREFECT_API_URL"] == api.url  # exported for workers before anything imports Prefect
        try:
            url = api.wait()
            assert url != f"http://127.0.0.1:{taken}/api" and runners._healthy(url)
            assert os.environ["PREFECT_API_URL"] == url
            assert os.getsid(server.process.pid) == server.process.pid  # its own session: a Ctrl-C misses it
        finally:
            server.stop()
        assert server.process.poll() is not None


def test_a_server_that_exits_is_a_clear_error(no_api, monkeypatch):
    server = runners.TemporaryServer()
    monkeypatch.setattr(sys, "executable", "/bin/false")  # the "server" exits at once with 1
    server.start()
    with pytest.raises(RuntimeError, match="exited with code 1"):
        server.wait_ready()
