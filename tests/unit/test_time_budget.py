"""One time budget per page: against a service that accepts connections
and never answers (as a frozen process does), every call of a request
shares HEAL_DASHBOARD_API_TIMEOUT, Zaqar's too (its client has no timeout
of its own). Real sockets on loopback, no Django test client."""

import socket
import threading
import time
import types

import pytest
from django.test import override_settings

from heal_dashboard.api import heat
from heal_dashboard.api import session
from heal_dashboard.api import zaqar

BUDGET = 2.0


@pytest.fixture
def hung_service():
    """A listening socket that accepts every connection and says nothing."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def a_request(monkeypatch, url):
    monkeypatch.setattr(session, 'endpoint', lambda request, kind: url)
    return types.SimpleNamespace(user=types.SimpleNamespace(
        token=types.SimpleNamespace(id='token')))


def timed(call, give_up=BUDGET + 5):
    """Seconds until the call failed; a call still waiting after
    `give_up` fails the test (the unbounded hang this guards against)."""
    failed = threading.Event()

    def run():
        try:
            call()
        except Exception:
            failed.set()
    began = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(give_up)
    assert not thread.is_alive(), 'still waiting after %ss' % give_up
    assert failed.is_set(), 'a hung service answered'
    return time.monotonic() - began


@override_settings(HEAL_DASHBOARD_API_TIMEOUT=BUDGET)
def test_a_hung_zaqar_gives_up_within_the_budget(monkeypatch, hung_service):
    request = a_request(monkeypatch, hung_service)
    took = timed(lambda: zaqar.queue_messages(request, 'q'))
    assert took < BUDGET + 1, took


@override_settings(HEAL_DASHBOARD_API_TIMEOUT=BUDGET)
def test_calls_in_turn_share_one_budget(monkeypatch, hung_service):
    request = a_request(monkeypatch, hung_service)
    took = timed(lambda: heat.stack_get(request, 'c1'))
    took += timed(lambda: zaqar.queue_messages(request, 'q'))
    took += timed(lambda: heat.resources_list(request, 'c1'))
    # Not three budgets (6 s): the first spends it, the others get the
    # minimum.
    assert took < 2 * BUDGET, took


@override_settings(HEAL_DASHBOARD_API_TIMEOUT=BUDGET)
def test_a_request_that_is_no_page_may_ask_for_a_budget_per_call():
    page = types.SimpleNamespace()
    script = types.SimpleNamespace(heal_deadline=session.PER_CALL)
    session.deadline(page)
    page.heal_deadline -= BUDGET  # its budget spent
    assert session.remaining(page) == session.LAST_CALL_SECONDS
    assert session.remaining(script) == BUDGET
