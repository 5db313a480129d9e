"""The no-double-heal guard across Horizon workers: the local cloud serves
the dashboard with two gunicorn workers, and two people (two sessions)
clicking Heal on the same unit, one right after the other, start one
execution. The guard lives in Heat's and Mistral's state, not in a
worker's memory."""

import re

import requests

from devcloud import layout
from devcloud import services
from heal_dashboard import api
from heal_dashboard import catalog
from heal_dashboard import cluster_state
from tests.integration.conftest import demo_cluster  # noqa: F401
from tests.integration.conftest import demo_request  # noqa: F401
from tests.integration.conftest import wait_for

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


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


def click_heal(session, cluster_id, unit):
    url = '%sproject/heal_clusters/%s/?tab=cluster_details__units' % (
        layout.DASHBOARD_URL, cluster_id)
    token = CSRF.search(session.get(url).text).group(1)
    return session.post(url, data={
        'csrfmiddlewaretoken': token,
        'action': 'units__heal__%s' % unit}, headers={'Referer': url})


def test_two_people_on_two_workers_start_one_heal(demo_cluster):  # noqa
    assert services.horizon().env['DEVCLOUD_WORKERS'] == '2'
    request, cluster = demo_cluster
    alice, bob = logged_in(), logged_in()

    assert click_heal(alice, cluster.id, '0').ok
    assert click_heal(bob, cluster.id, '0').ok

    workflow = catalog.workflow_name(cluster.id)
    unit_stack = [u.stack_id for u in cluster_state.fetch(
        request, cluster.id).units if u.name == '0'][0]

    def executions_for_unit():
        return [e for e in api.mistral.executions_list(request, workflow)
                if e['input'].get('stack_id') == unit_stack]

    started = wait_for(executions_for_unit, 30, what='the heal to start')
    wait_for(lambda: executions_for_unit()[0]['state'] == 'SUCCESS', 60,
             what='the heal to finish')
    assert len(executions_for_unit()) == 1, started
