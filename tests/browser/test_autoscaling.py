"""The autoscaling cluster on real services, as a person meets it: launched
from the Launch form in Chromium, its Units tab watched, unreloaded, while
load grows the group. Its scaling alarms are evaluated by Aodh on Gnocchi's
measures (stored as `make load` stores them) and signal Heat, which grows
the group by a protected unit (made with the stack's own trust: a unit
makes no trust of its own). Then, on the same cluster (a scaling step takes
minutes by design), through the api: a real server delete of the new
member heals it only, the group's size unchanged; low load shrinks the
group again, and a person's Scale Out grows it. The page names each
scaling's cause and refuses a click Heat would ignore.
"""

import time
import uuid

import pytest
from novaclient import client as nova_client

from devcloud import layout
from devcloud import load
from devcloud import services
from heal_dashboard import api
from heal_dashboard import cluster_state
from heal_dashboard import healing
from heal_dashboard import health
from tests.browser.conftest import delete_cluster
from tests.browser.conftest import launch_from_form
from tests.browser.conftest import log_in
from tests.browser.conftest import new_page
from tests.browser.conftest import open_units_tab
from tests.browser.conftest import screenshot
from tests.browser.conftest import wait_until_created
from tests.integration.conftest import BUNDLED
from tests.integration.conftest import available
from tests.integration.conftest import horizon_request
from tests.integration.conftest import unit_servers
from tests.integration.conftest import wait_for
from tests.integration.conftest import wait_until_replaced


@pytest.fixture(scope='module')
def watched_cluster(browser):
    """(request, cluster, page): an autoscaling group of 1 to 2 units
    launched by the demo user in the browser, the page on its Units tab."""
    if not services.has_compute():
        pytest.skip('the local cloud has no compute tier (nor Gnocchi)')
    request = horizon_request(layout.DEMO)
    assert not BUNDLED.missing_services(BUNDLED.get('autoscaling'),
                                        available(request))
    context, page = new_page(browser)
    name = 'browser-as-%s' % uuid.uuid4().hex[:6]
    log_in(page, layout.DEMO)
    try:
        began = time.monotonic()
        # Granularity 60 is the local cloud's default; the cooldown 0 lets
        # the next scaling follow at once.
        cluster_id = launch_from_form(page, 'autoscaling', name, {
            'id_param_min_size': 1, 'id_param_desired_size': 1,
            'id_param_max_size': 2, 'id_param_granularity': 60,
            'id_param_cooldown': 0, 'id_param_alarm_cache_seconds': 0})
        assert wait_until_created(page, timeout=180) == 'CREATE_COMPLETE'
        print('autoscaling cluster created from the form in %.1f s'
              % (time.monotonic() - began))
        yield request, api.heat.stack_get(request, cluster_id), page
    finally:
        delete_cluster(name)
        context.close()


def unit_stacks(request, cluster_id):
    heat = api.heat.heatclient(request)
    group = heat.resources.get(cluster_id, 'units')
    return {unit.resource_name: unit.physical_resource_id
            for unit in heat.resources.list(group.physical_resource_id)}


def load_until(cluster, meter, percent, done, timeout, what):
    """Store `percent` CPU for the cluster's servers once a minute (the
    cluster's granularity), as `make load` does, until done() holds; the
    seconds it took. `meter` keeps each server's CPU counter across calls
    (a counter that went down would read as a negative load)."""
    nova, gnocchi = load.clients()
    state, known = meter
    began = time.monotonic()
    pushed = None
    while time.monotonic() - began < timeout:
        if pushed is None or time.monotonic() - pushed >= 60:
            pushed = time.monotonic()
            load.push(gnocchi, load.group_servers(nova, cluster.id),
                      cluster.id, percent, state, known)
        if done():
            return time.monotonic() - began
        # Not gunicorn's 5 s keep-alive: a request on a connection the
        # server is closing just then fails.
        time.sleep(3)
    raise AssertionError('timed out after %ss waiting for %s'
                         % (timeout, what))


def scaling_alarms(request, cluster_id):
    """{resource name: the alarm} of the cluster's two scaling alarms."""
    heat = api.heat.heatclient(request)
    aodh = api.aodh.aodhclient(request)
    return {name: aodh.alarm.get(
        heat.resources.get(cluster_id, name).physical_resource_id)
        for name in ('cpu_high', 'cpu_low')}


# One meter for the module: a server's counter must never go down.
METER = ({}, set())


def unit_health(request, cluster_id):
    return {u.name: u for u in cluster_state.fetch(
        request, cluster_id, ).units}


def test_load_grows_the_group_live_on_the_page(watched_cluster):
    request, cluster, page = watched_cluster
    before = unit_stacks(request, cluster.id)
    assert len(before) == 1
    rows = open_units_tab(page)
    assert rows.count() == 1
    assert '1 unit (between 1 and 2)' in page.inner_text(
        '.heal-live-scaling')

    def grown_on_the_page():
        """Read from the page, never reloaded: its refreshes show it."""
        return rows.count() == 2 and all(
            'Healthy' in rows.nth(i).inner_text() for i in range(2)) and (
            '2 units (between 1 and 2)' in page.inner_text(
                '.heal-live-scaling'))
    took = load_until(cluster, METER, 90, grown_on_the_page, 420,
                      'CPU at 90 % to show a second healthy unit')
    print('90 %% CPU -> scale-out alarm -> the page shows a second healthy '
          'unit, unreloaded, in %.1f s' % took)
    screenshot(page, 'autoscaling-grown')
    units = unit_health(request, cluster.id)
    assert len(units) == 2 and all(
        u.health == health.HEALTHY for u in units.values()), units
    alarms = scaling_alarms(request, cluster.id)
    # Two points in a row over 80 % of a vCPU (see the template).
    assert '2 samples outside threshold' in alarms['cpu_high'][
        'state_reason'], alarms['cpu_high']['state_reason']
    [new] = set(units) - set(before)
    # Its three alarms watch it and post to the cluster's healing queue.
    assert [a.state for a in units[new].alarms] != ['missing'] * 3
    assert units[new].queue.subscribed
    # ... and its server joined the real Octavia pool.
    assert units[new].member.provisioning == 'ACTIVE', units[new].member
    # The page says why it scaled, and that another Scale Out now would
    # be ignored (Heat would record nothing): the click is refused.
    # Heat records the signal once the group's update has finished.
    def recorded():
        scaling = cluster_state.fetch_scaling(request, cluster)
        return scaling.activity and scaling
    scaling = wait_for(recorded, 60, what='the scale-out in the history')
    assert (scaling.activity[0].policy, scaling.activity[0].failed) == (
        'scale_out', False)
    assert scaling.activity[0].cause.startswith(
        'cpu_high fired: Transition to alarm due to 2 samples outside '
        'threshold'), scaling.activity[0]
    with pytest.raises(healing.Refused, match='maximum of 2 units'):
        healing.scale(request, cluster.id, 'scale_out', 'Scale Out')


def test_a_real_delete_of_the_new_member_heals_it_only(
        watched_cluster):
    request, cluster, _page = watched_cluster
    servers = unit_servers(request, cluster.id)
    assert len(servers) == 2, servers
    unit = sorted(servers)[-1]
    nova = nova_client.Client('2.1', session=layout.session_for(layout.DEMO))
    # Its server is in the group Gnocchi's query names.
    assert nova.servers.get(servers[unit]).metadata[
        'metering.server_group'] == cluster.id
    began = time.monotonic()
    nova.servers.delete(servers[unit])
    after = wait_until_replaced(request, cluster.id, unit, servers[unit],
                                timeout=90)
    print('heal in the group: delete -> unit replaced in %.1f s'
          % (time.monotonic() - began))
    assert {u: s for u, s in after.items() if u != unit} == {
        u: s for u, s in servers.items() if u != unit}
    assert sorted(after) == sorted(servers)  # the group keeps its size
    group = api.heat.heatclient(request).resources.get(cluster.id, 'units')
    assert group.resource_status.endswith('COMPLETE'), group


def test_low_load_scales_in(watched_cluster):
    request, cluster, _page = watched_cluster

    def shrunk():
        return len(unit_stacks(request, cluster.id)) == 1
    took = load_until(cluster, METER, 5, shrunk, 420,
                      'CPU at 5 % to shrink the group')
    print('5 %% CPU -> scale-in alarm -> one unit in %.1f s' % took)
    assert scaling_alarms(request, cluster.id)['cpu_low']['state'] == 'alarm'

    # The member is gone before the group's update ends; Heat records the
    # signal only then.
    def recorded():
        activity = cluster_state.fetch_scaling(request, cluster).activity
        return activity and activity[0].policy == 'scale_in' and activity
    activity = wait_for(recorded, 60, what='the scale-in in the history')
    assert activity[0].cause.startswith('cpu_low fired: '), activity[0]


def test_a_person_scales_out_and_the_history_says_who(watched_cluster):
    request, cluster, _page = watched_cluster
    # Heat's Aodh alarms repeat their action at every evaluation while in
    # alarm: with no load, cpu_low would undo the click at once.
    api.aodh.alarm_set_enabled(request, scaling_alarms(
        request, cluster.id)['cpu_low']['alarm_id'], False)

    def clicked():
        try:
            healing.scale(request, cluster.id, 'scale_out', 'Scale Out')
            return True
        except healing.Refused as refusal:
            # The last scale-in may still be settling: the page says so.
            assert 'a scaling is in progress' in str(refusal) or (
                'busy' in str(refusal)), refusal
            return False
    wait_for(clicked, 60, interval=3, what='Scale Out to be accepted')

    # Heat records a signal once the group has changed.
    def recorded():
        return ('scale_out', 'Scale Out asked by demo in the dashboard') in [
            (a.policy, a.cause)
            for a in cluster_state.fetch_scaling(request, cluster).activity]
    wait_for(recorded, 120, what="the click's signal in the history")
    assert len(unit_stacks(request, cluster.id)) == 2
