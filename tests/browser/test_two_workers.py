"""The double-heal guard across Horizon workers: the local cloud serves the
dashboard with two gunicorn workers, and two people (two sessions) click
Heal on the same unit at the same moment, each on a connection to another
worker (each response names the worker that answered). One replacement:
the guard is the healing workflow's lease, held in Mistral, not anything in
a worker's memory."""

import re
import threading

import requests

from devcloud import layout
from devcloud import services
from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import cluster_state
from heal_dashboard import health
from tests.integration.conftest import unit_servers
from tests.integration.conftest import wait_for
from tests.integration.conftest import wait_until_replaced

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORKER = 'X-Devcloud-Worker'


def logged_in():
    session = requests.Session()
    login = layout.DASHBOARD_URL + 'auth/login/'
    token = CSRF.search(session.get(login).text).group(1)
    response = session.post(login, data={
        'csrfmiddlewaretoken': token, 'region': 'default',
        'username': layout.DEMO['username'],
        'password': layout.DEMO['password']},
        headers={'Referer': login}, allow_redirects=False)
    assert response.status_code == 302, 'login failed'
    return session


def units_url(cluster_id):
    return '%sproject/heal_clusters/%s/?tab=cluster_details__units' % (
        layout.DASHBOARD_URL, cluster_id)


def on_another_worker(session, url, taken, tries=20):
    """The page's CSRF token, read on a kept-alive connection to a worker
    other than `taken` (a new connection until one is)."""
    for _ in range(tries):
        page = session.get(url)
        if page.headers[WORKER] != taken:
            return CSRF.search(page.text).group(1), page.headers[WORKER]
        session.close()  # the next request opens a new connection
    raise AssertionError('every connection reached worker %s' % taken)


def test_two_people_on_two_workers_at_once_replace_the_unit_once(
        demo_cluster):
    assert services.horizon().env['DEVCLOUD_WORKERS'] == '2'
    request, cluster = demo_cluster
    before = unit_servers(request, cluster.id)
    url = units_url(cluster.id)
    alice, bob = logged_in(), logged_in()
    alice_token, alice_worker = on_another_worker(alice, url, None)
    bob_token, bob_worker = on_another_worker(bob, url, alice_worker)

    barrier = threading.Barrier(2)
    answers = {}

    def click(name, session, token):
        barrier.wait()
        answers[name] = session.post(url, data={
            'csrfmiddlewaretoken': token, 'action': 'units__heal__0'},
            headers={'Referer': url}, allow_redirects=False)
    clicks = [threading.Thread(target=click, args=args) for args in (
        ('alice', alice, alice_token), ('bob', bob, bob_token))]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()

    # Both clicks were answered, each by its own worker.
    assert {a.status_code for a in answers.values()} == {302}
    assert {a.headers[WORKER] for a in answers.values()} == {
        alice_worker, bob_worker}
    assert alice_worker != bob_worker

    wait_until_replaced(request, cluster.id, '0', before['0'], timeout=90)
    workflow = template_bundle.workflow_name(cluster.id)
    [unit] = [u for u in cluster_state.fetch(request, cluster.id).units
              if u.name == '0']

    def finished():
        # An alarm's execution names its unit once it has finished: every
        # execution of the cluster must have.
        every = api.mistral.executions_list(request, workflow)
        if any(e.state in health.UNFINISHED for e in every):
            return None
        mine = [e for e in every if health.unit_stack_of(e) == unit.stack_id]
        return mine if all(e.state == 'SUCCESS' for e in mine) else None
    outcomes = sorted(e.output['outcome'] for e in wait_for(
        finished, 60, what='the heals to finish'))
    # Both may pass the dashboard's own refusal (it reads the services'
    # state, not a lock): then the second execution finds the unit healed.
    assert outcomes in (['replaced'], ['already healed', 'replaced'])
    assert unit_servers(request, cluster.id)['1'] == before['1']
