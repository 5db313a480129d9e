"""Mark unhealthy and Heal, as the dashboard starts them, on the real local
cloud: the cluster's own workflow does the work. One cluster of two real
units for the module (a launch costs ~30 s): each test judges only what it
started."""

import time

import pytest
from novaclient import client as nova_client

from devcloud import inject
from devcloud import layout
from heal_dashboard import api
from heal_dashboard import cluster_state
from heal_dashboard import healing
from heal_dashboard import health
from tests.integration.conftest import horizon_request
from tests.integration.conftest import launched_cluster
from tests.integration.conftest import unit_servers
from tests.integration.conftest import wait_for
from tests.integration.conftest import wait_until_replaced


def units(request, cluster_id):
    return {u.name: u for u in cluster_state.fetch(request, cluster_id,
                                                   ).units}


@pytest.fixture(scope='module')
def two_units():
    yield from launched_cluster(horizon_request(layout.DEMO), size=2)


def last_execution_id(request, cluster_id, unit_name):
    execution = units(request, cluster_id)[unit_name].last_execution
    return execution.id if execution else None


def execution_done(request, cluster_id, unit_name, before=None):
    """The unit once an execution newer than `before` (an id) is done."""
    unit = units(request, cluster_id)[unit_name]
    execution = unit.last_execution
    if execution and execution.id != before and execution.state in (
            'SUCCESS', 'ERROR'):
        return unit
    return None


def test_mark_unhealthy_marks_without_replacing(two_units):
    request, cluster = two_units
    before = unit_servers(request, cluster.id)
    previous = last_execution_id(request, cluster.id, '1')

    healing.start(request, cluster, units(request, cluster.id)['1'],
                  heal=False)

    unit = wait_for(lambda: execution_done(request, cluster.id, '1',
                                           previous), 60,
                    what='the mark execution')
    assert unit.last_execution.state == 'SUCCESS'
    assert unit.last_execution.requested_by == 'demo'
    assert unit.last_execution.heal is False
    assert unit.server_resource_status == 'CHECK_FAILED'
    assert unit.health == health.UNHEALTHY
    assert 'Marked unhealthy by demo' in unit.reasons[0]
    assert unit_servers(request, cluster.id) == before
    assert api.heat.stack_get(request, cluster.id).stack_status == \
        'CREATE_COMPLETE'


def test_heal_replaces_the_unit_and_a_second_click_starts_nothing(
        two_units):
    request, cluster = two_units
    before = unit_servers(request, cluster.id)
    unit = units(request, cluster.id)['0']
    previous = last_execution_id(request, cluster.id, '0')

    healing.start(request, cluster, unit, heal=True)
    refused = None
    try:
        healing.start(request, cluster, unit, heal=True)
    except healing.Refused as refusal:
        refused = refusal
    assert refused is not None, 'a second heal of the unit was started'

    wait_until_replaced(request, cluster.id, '0', before['0'])
    healed = wait_for(lambda: execution_done(request, cluster.id, '0',
                                             previous), 30,
                      what='the heal execution')
    assert healed.last_execution.state == 'SUCCESS'
    assert healed.last_execution.heal is True
    # The Executions tab's row, and its details: every step.
    row = [r for r in cluster_state.fetch_history(request, cluster.id)
           if r['id'] == healed.last_execution.id][0]
    assert (row['unit'], row['requested_by'], row['outcome']) == (
        '0', 'demo', 'replaced')
    details = cluster_state.fetch_execution(request, cluster.id, row['id'])
    steps = {(t.name, t.state) for t in details.tasks}
    # A person's heal skips the failure check, never the lease.
    assert {('acquire', 'SUCCESS'), ('current_server', 'SUCCESS'),
            ('mark', 'SUCCESS'), ('update_unit', 'SUCCESS'),
            ('wait_replaced', 'SUCCESS'), ('release', 'SUCCESS')} <= steps
    assert 'check_server' not in {name for name, _state in steps}
    assert details.output['outcome'] == 'replaced'
    # The details are the tab's row, with Nova's ACTIVE among the steps.
    tab_row = {k: v for k, v in row.items() if k != 'cluster_id'}
    assert {k: v for k, v in details.row.items() if k != 'steps'} == {
        k: v for k, v in tab_row.items() if k != 'steps'}
    assert [str(step) for step, _seconds in details.row['steps']] == [
        str(words) for _step, words in health.HEAL_STEPS
        if _step in ('marked', 'updating', 'active', 'replaced', 'settled')]
    assert healed.health == health.HEALTHY
    assert unit_servers(request, cluster.id)['1'] == before['1']


def test_heal_cluster_replaces_the_units_already_marked(two_units):
    request, cluster = two_units
    before = unit_servers(request, cluster.id)
    previous = last_execution_id(request, cluster.id, '1')
    healing.start(request, cluster, units(request, cluster.id)['1'],
                  heal=False)
    wait_for(lambda: execution_done(request, cluster.id, '1', previous), 60,
             what='the mark execution')

    healing.heal_cluster(request, cluster.id)

    def replaced():
        status = api.heat.stack_get(request, cluster.id).stack_status
        return (status == 'UPDATE_COMPLETE'
                and unit_servers(request, cluster.id)['1'] != before['1'])

    wait_for(replaced, 60, what='the marked unit to be replaced')
    assert unit_servers(request, cluster.id)['0'] == before['0']


def test_paused_self_healing_reports_but_does_not_heal(two_units):
    request, cluster = two_units
    before = unit_servers(request, cluster.id)
    previous = last_execution_id(request, cluster.id, '0')

    assert healing.set_self_healing(request, cluster.id, False) == 6
    paused = units(request, cluster.id)['0']
    assert {a.state for a in paused.alarms} == {'disabled'}
    assert paused.reasons == ['self-healing paused']

    inject.publish(inject.compute_event('delete', before['0'],
                                        request.user.project_id))
    time.sleep(8)  # well past the ~1 s an enabled alarm takes to fire
    assert unit_servers(request, cluster.id) == before
    assert last_execution_id(request, cluster.id, '0') == previous

    # Resumed, a real failure heals. (The same fake event would not: Nova
    # says the server is ACTIVE.)
    assert healing.set_self_healing(request, cluster.id, True) == 6
    nova_client.Client('2.1', session=layout.session_for(
        layout.DEMO)).servers.delete(before['0'])
    wait_until_replaced(request, cluster.id, '0', before['0'])


def test_a_unit_that_lost_its_subscription_is_re_protected(two_units):
    """As after Zaqar lost its store: the unit shows unprotected, and
    Re-protect has Heat recreate the subscription (with a new trust), so a
    real failure heals again. Its server stays."""
    request, cluster = two_units
    before = unit_servers(request, cluster.id)
    unit = units(request, cluster.id)['1']
    zaqar = api.zaqar.zaqarclient(request)
    for subscription in zaqar.subscriptions(unit.queue.name):
        subscription.delete()
    lost = units(request, cluster.id)['1']
    assert lost.health == health.UNPROTECTED
    assert 'queue has no subscription' in lost.reasons

    assert healing.reprotect(request, cluster, lost) == ['trigger']

    def protected():
        again = units(request, cluster.id)['1']
        return again.health == health.HEALTHY and again.queue.subscribed
    wait_for(protected, 60, what='the subscription to be made again')
    assert unit_servers(request, cluster.id) == before
    nova_client.Client('2.1', session=layout.session_for(
        layout.DEMO)).servers.delete(before['1'])
    wait_until_replaced(request, cluster.id, '1', before['1'], timeout=90)
