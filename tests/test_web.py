"""``tutorial.serve()``: the app served by waitress in a process of its own, and what goes wrong with it."""

from __future__ import annotations

import os
import socket
import stat

import pytest

from tutorial import project, web


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(tmp_path))
    monkeypatch.delenv(web.SOCKETS, raising=False)  # a port, as on a laptop, unless a test names a hub's sites
    monkeypatch.chdir(tmp_path)
    built = project.start("04-upgrade-the-database", stage="last_login-revision")
    yield built.folder
    web.stop_all()


def listening_socket(port: int) -> socket.socket:
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind((web.HOST, port))
    holder.listen()
    return holder


def test_it_serves_the_real_page_and_the_real_error(folder, capsys):
    site = web.serve(folder=folder, port=web.free_port(18000))
    assert f"waitress serves billtracker.app on port {site.port}." in capsys.readouterr().out
    page = site.get("/")
    assert page.status_code == 500 and "no such column: users.last_login" in page.text
    assert "Serving on http://127.0.0.1:" in site.log()
    assert site.command == f"waitress-serve --listen=127.0.0.1:{site.port} billtracker.app:application"


def test_a_busy_port_is_said_and_the_next_one_used(folder, capsys):
    port = web.free_port(18100)
    with listening_socket(port):
        site = web.serve(folder=folder, port=port)
    assert site.port > port
    said = capsys.readouterr().out
    assert f"Port {port} is busy (another program listens on it): waitress serves billtracker.app on port " \
           f"{site.port} instead." in said


def test_serving_again_stops_the_first_server(folder):
    first = web.serve(folder=folder, port=web.free_port(18200))
    second = web.serve(folder=folder, port=first.port)
    assert not first.running() and second.running()
    assert second.port == first.port, "the port the first server left is free again"


def test_starting_the_notebook_again_stops_its_server(folder):
    site = web.serve(folder=folder, port=web.free_port(18300))
    project.start("04-upgrade-the-database", stage="last_login-revision")
    assert not site.running(), "a server left running would serve the backed-up project"


def test_an_app_that_does_not_import_says_why(folder):
    with pytest.raises(web.ServerFailed, match="(?s)could not serve nosuch:application.*No module named 'nosuch'"):
        web.serve(app="nosuch", folder=folder, port=web.free_port(18400))


def test_the_proxy_path_follows_a_hubs_prefix(folder, monkeypatch):
    site = web.serve(folder=folder, port=web.free_port(18500))
    assert site.proxy_path == f"/proxy/{site.port}/"
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    assert site.proxy_path == f"/user/ada/proxy/{site.port}/"


def test_every_port_busy_gets_a_message(monkeypatch):
    monkeypatch.setattr(web, "PORTS_TRIED", 1)
    with listening_socket(web.free_port(18600)) as holder:
        with pytest.raises(web.ServerFailed, match="all busy"):
            web.free_port(holder.getsockname()[1])


def test_a_port_taken_while_waitress_starts_is_not_mistaken_for_ours(folder, monkeypatch, capsys):
    """Two learners starting at once may both find a port free: the second server must not take the first's."""
    port = web.free_port(18700)
    monkeypatch.setattr(web, "free_port", lambda wanted: wanted if wanted == port else web_free_port(wanted))
    with listening_socket(port):  # the other program answers on the port, but it is not waitress
        site = web.serve(folder=folder, port=port)
    assert site.port != port
    assert f"Serving on http://127.0.0.1:{site.port}" in site.log()


web_free_port = web.free_port


def test_ports_taken_one_after_another_while_waitress_starts_are_all_passed_over(folder, monkeypatch):
    """Many kernels starting at once (a class on one machine) may each take the port found free just before."""
    holders = [listening_socket(0) for _ in range(6)]
    taken = [holder.getsockname()[1] for holder in holders]
    candidates = iter([*taken, web_free_port(18800)])
    monkeypatch.setattr(web, "free_port", lambda wanted: next(candidates))
    try:
        site = web.serve(folder=folder, port=taken[0])
    finally:
        for holder in holders:
            holder.close()
    assert site.port not in taken and site.get("/").status_code == 500


@pytest.fixture
def sites(tmp_path, monkeypatch):
    """A hub learner's private folder of sites, as lab/jupyter_server_config.py makes it."""
    folder = tmp_path / "sites"
    folder.mkdir(mode=0o700)
    for name in ("site-1", "site-2"):
        (folder / f"{name}.lock").touch()
    monkeypatch.setenv(web.SOCKETS, str(folder))
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    return folder


def test_on_a_hub_it_serves_on_a_socket_only_this_account_opens(folder, sites, capsys):
    site = web.serve(folder=folder)
    assert site.socket == sites / "site-1.sock" and site.port is None
    assert "waitress serves billtracker.app on site-1, a Unix socket that only your account can open" in capsys.readouterr().out
    assert stat.S_IMODE(os.stat(site.socket).st_mode) == 0o600
    assert site.command == f"waitress-serve --unix-socket={sites}/site-1.sock billtracker.app:application"
    assert site.proxy_path == "/user/ada/site-1/"
    assert "127.0.0.1" not in site._repr_html_() and "/user/ada/site-1/" in site._repr_html_()
    page = site.get("/")
    assert page.status_code == 500 and "no such column: users.last_login" in page.text


def test_on_a_hub_each_folder_served_at_once_takes_a_site_of_its_own(folder, sites, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "billtracker").symlink_to(folder / "billtracker")
    (other / "billtracker.sqlite").symlink_to(folder / "billtracker.sqlite")
    first = web.serve(folder=folder)
    second = web.serve(folder=other)
    assert (first.proxy_path, second.proxy_path) == ("/user/ada/site-1/", "/user/ada/site-2/")
    assert first.get("/").status_code == second.get("/").status_code == 500
    with pytest.raises(web.ServerFailed, match=r"Every site JupyterLab can open is taken by a server you started \(site-1, site-2\)"):
        web.serve(folder=tmp_path)
    first.stop()
    third = web.serve(folder=tmp_path / "other", app="billtracker.app")
    assert third.socket == sites / "site-1.sock" and not second.running() and third.get("/").status_code == 500


def test_in_the_browser_it_says_there_is_no_server_and_asks_the_app_in_the_kernel(folder, monkeypatch, capsys):
    monkeypatch.setattr(web.inbrowser, "IN_BROWSER", True)
    site = web.serve(folder=folder)
    assert "A web server cannot run in the browser" in capsys.readouterr().out
    assert isinstance(site, web.InThisPage) and not site.running()
    page = site.get("/")
    assert page.status_code == 500 and "no such column: users.last_login" in page.text
