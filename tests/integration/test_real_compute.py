"""The seed's scenario on real servers: a fixed-size cluster of Nova servers
(fake virt driver) launched as the demo user; a server deleted, stopped or
put in error through Nova's API makes Nova's notification, Ceilometer's
event, Aodh's alarm, Zaqar's message, Mistral's execution and Heat's
update replace that unit's server, and no other; the units are members of
a real Octavia pool (noop drivers), and a heal swaps the unit's member."""

import datetime
import time
import uuid

from django.test.utils import override_settings
from neutronclient.v2_0 import client as neutron_client
from novaclient import client as nova_client
from openstack_dashboard.usage import quotas

from devcloud import compute
from devcloud import inject
from devcloud import layout
from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import cluster_state
from heal_dashboard import health
from heal_dashboard.health import history
from heal_dashboard.content.clusters import forms as cluster_forms
from tests.integration import events
from tests.integration.conftest import BUNDLED
from tests.integration.conftest import available
from tests.integration.conftest import unit_servers
from tests.integration.conftest import wait_for
from tests.integration.conftest import wait_until_replaced


def nova_as(user):
    return nova_client.Client('2.1', session=layout.session_for(user))


def server_address(server_id):
    [address] = [a['addr'] for a in nova_as(layout.DEMO).servers.get(
        server_id).addresses[compute.NETWORK]]
    return address


def members_by_unit(request, cluster_id):
    """{unit: its pool member} as the Units tab joins them."""
    state = cluster_state.fetch(request, cluster_id)
    assert 'load-balancer' not in state.problems, state.problems
    return {u.name: u.member for u in state.units}


# The words for a failure, by its event and the state it reports (a
# delete is seen while Nova is deleting the server or once it is gone).
CAUSES = {('compute.instance.delete.start', 'active'): (
              'server being deleted', 'server deleted'),
          ('compute.instance.update', 'stopped'): ('server stopped',),
          ('compute.instance.update', 'error'): ('server in error',)}


def fail_and_heal(real_cluster, unit, fail, event_type, state):
    """Fail one unit's server through Nova; the event Ceilometer published,
    and the servers once the unit is replaced."""
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    members_before = members_by_unit(request, cluster.id)
    with events.listening() as published:
        began = time.monotonic()
        fail(before[unit])
        event = published.wait_for(event_type, before[unit], state)
        after = wait_until_replaced(request, cluster.id, unit, before[unit],
                                    timeout=90)
    print('%s: unit %s replaced %.1f s after the API call'
          % (event_type, unit, time.monotonic() - began))
    traits = {name: value for name, _type, value in event['traits']}
    assert traits['tenant_id'] == request.user.project_id
    # Only that unit: the others keep their servers.
    assert {u: s for u, s in after.items() if u != unit} == {
        u: s for u, s in before.items() if u != unit}
    wait_for(lambda: nova_as(layout.DEMO).servers.get(
        after[unit]).status == 'ACTIVE', 30, what='the new server ACTIVE')
    # In the load balancer: the new server's member added, the old one
    # removed from the pool, the other units' members untouched.
    new_address = server_address(after[unit])
    # Neutron may give the new server the old one's address (freed when
    # Heat detached the old server's port, or deleted it): then Heat keeps
    # the member, which points at the new server already.
    same_address = new_address == members_before[unit].address

    def member_replaced():
        # A new member otherwise: the old one stays listed until Heat
        # replaces it.
        members = members_by_unit(request, cluster.id)
        member = members[unit]
        return ((same_address
                 or member.member_id != members_before[unit].member_id)
                and member.address == new_address
                and member.provisioning == 'ACTIVE') and members
    members_after = wait_for(member_replaced, 60,
                             what="the new server's pool member")
    pool = health.pool_id(api.heat.resources_list(request, cluster.id))
    assert (members_before[unit].member_id in api.octavia.members_list(
        request, pool)) == same_address
    assert {u: m for u, m in members_after.items() if u != unit} == {
        u: m for u, m in members_before.items() if u != unit}
    # One execution, started by the alarm, replaced it; any other the
    # failure started (delete.start and .end, a stop's several updates)
    # found it replaced already.
    [healed] = [u for u in cluster_state.fetch(request, cluster.id).units
                if u.name == unit]
    workflow = template_bundle.workflow_name(cluster.id)

    def finished():
        # An alarm's execution names its unit once it has finished: every
        # execution of the cluster must have.
        every = api.mistral.executions_list(request, workflow)
        if any(e.state in health.UNFINISHED for e in every):
            return None
        mine = [e for e in every if health.unit_stack_of(e) == healed.stack_id]
        return mine if all(e.state == 'SUCCESS' for e in mine) else None
    executions = wait_for(finished, 60, what='the executions to finish')
    outcomes = [e.output['outcome'] for e in executions]
    assert outcomes.count('replaced') == 1, outcomes
    assert set(outcomes) <= {'replaced', 'already healed'}, outcomes
    # Where the time went: every step timed, from the failure as Nova's
    # event reported it to the unit settled on its new server. The heal
    # that replaced it may come from an earlier event of the same failure
    # (delete.start before delete.end, a stop's first update): the
    # failure is at or a few seconds before the event seen here.
    [replaced] = [e for e in executions
                  if e.output['outcome'] == 'replaced']
    # Its cause in words, from what Nova said when the workflow asked.
    cause = history.cause_words(history.execution_state(replaced))
    assert str(cause) in CAUSES[event_type, state], replaced.output
    times = replaced.output['times']
    before_seen = (health.parse_time(event['generated'])
                   - health.parse_time(times['failure']))
    assert datetime.timedelta(0) <= before_seen < datetime.timedelta(
        seconds=10), (times, event['generated'])
    # With Nova's ACTIVE of the new server, as the Executions details show
    # it: between the update asked and Heat's complete.
    active_at = api.nova.server_built_at(
        request, replaced.output['new_server'])
    steps = health.heal_steps(dict(times, active=active_at))
    assert [str(step) for step, _seconds in steps] == [
        str(words) for _step, words in health.HEAL_STEPS], (times, active_at)
    assert all(seconds >= 0 for _step, seconds in steps), steps
    print('%s: heal took %.1f s: %s' % (
        event_type, health.heal_took(times),
        ', '.join('%s %.1f s' % step for step in steps)))
    # The page joins the alarm's execution to the unit once it finished.
    [healed] = [u for u in cluster_state.fetch(request, cluster.id).units
                if u.name == unit]
    assert healed.last_execution.requested_by == 'alarm'
    return event, before, after


def test_the_units_are_real_active_servers_with_ports(real_cluster):
    request, cluster = real_cluster
    nova = nova_as(layout.DEMO)
    for unit, server_id in unit_servers(request, cluster.id).items():
        server = nova.servers.get(server_id)
        assert server.status == 'ACTIVE'
        assert compute.NETWORK in server.addresses, server.addresses
        # Named <cluster>-<unit index>, not Heat's generated string.
        assert server.name == '%s-%s' % (cluster.stack_name, unit)
    # The cluster page joins Nova's state for every unit in one list call.
    state = cluster_state.fetch(request, cluster.id)
    assert {u.server_status for u in state.units} == {'ACTIVE'}
    assert 'compute' not in state.problems
    # ... and Octavia's: each server is a member of the real pool, at its
    # address (noop drivers: no health reports, so no operating status).
    assert 'load-balancer' not in state.problems
    servers = unit_servers(request, cluster.id)
    for unit in state.units:
        assert (unit.member.address, unit.member.port,
                unit.member.provisioning) == (
                    server_address(servers[unit.name]), 80, 'ACTIVE'), unit


def test_the_launch_form_knows_what_fits_from_heat_and_the_quotas(
        real_cluster):
    """The Launch form's count of a cluster's resources is Heat's (over
    the whole tree, as its limit a stack counts them), and it reads the
    demo project's real quotas (Nova's, Neutron's) through Horizon."""
    request, cluster = real_cluster
    services_used = available(request)
    template = BUNDLED.get('fixed')
    listed = api.heat.heatclient(request).resources.list(
        cluster.id, nested_depth=5)
    size = BUNDLED.stack_size(template, services_used)
    # No external network: its floating IP is the optional resource.
    assert size.optional == 1
    assert size.total(3) - size.optional == len(listed), sorted(
        r.resource_type for r in listed)
    form = cluster_forms.LaunchClusterForm(
        request, bundle=BUNDLED, template=template,
        available_services=services_used,
        validation=api.heat.template_validate(
            request, **BUNDLED.launch_spec(template, services_used)))
    flavor = {'flavor': compute.FLAVOR['name']}
    # Ports where Horizon reads Neutron's quotas (its enable_quotas). The
    # local cloud's port quota is unlimited (neutron.conf.in): the project
    # gets Neutron's default for the test, and back after.
    quotas_read = ['instances', 'vCPUs', 'RAM (MB)'] + (
        [] if 'port' in quotas.get_disabled_quotas(request) else ['ports'])
    neutron = neutron_client.Client(session=layout.session_for(layout.ADMIN))
    project = request.user.project_id
    # Unlimited, Nova counts no ports at a create.
    assert neutron.show_quota(project)['quota']['port'] == -1
    neutron.update_quota(project, {'quota': {'port': 500}})
    try:
        assert form.capacity_problems(1, flavor) == []
        problems = form.capacity_problems(100000, flavor)
        assert [p.split(':')[0] for p in problems] == [
            'Heat allows 1000 resources a stack'] + quotas_read, problems
        # As the local cloud's dashboard has it: its Heat counts no
        # resources.
        with override_settings(HEAL_DASHBOARD_MAX_RESOURCES_PER_STACK=-1):
            assert [p.split(':')[0] for p in form.capacity_problems(
                100000, flavor)] == quotas_read
    finally:
        neutron.delete_quota(project)
    assert neutron.show_quota(project)['quota']['port'] == -1


def test_a_deleted_server_is_replaced(real_cluster):
    event, before, _after = fail_and_heal(
        real_cluster, '0', nova_as(layout.DEMO).servers.delete,
        'compute.instance.delete.start', 'active')
    # The failure injection (for clouds without compute) publishes what
    # Ceilometer publishes: the same fields, and the traits the alarms
    # query with the same types.
    request, _cluster = real_cluster
    injected = inject.compute_event('delete', before['0'],
                                    request.user.project_id)
    assert set(injected) <= set(event)
    assert injected['event_type'] == event['event_type']
    real_traits = {name: (kind, value)
                   for name, kind, value in event['traits']}
    for name, kind, value in injected['traits']:
        assert real_traits[name] == (kind, value), name


def test_a_stopped_server_is_replaced(real_cluster):
    fail_and_heal(real_cluster, '1', nova_as(layout.DEMO).servers.stop,
                  'compute.instance.update', 'stopped')


def test_a_server_in_error_is_replaced(real_cluster):
    # Putting a server in error is an admin's reset-state.
    admin = nova_as(layout.ADMIN)
    fail_and_heal(real_cluster, '2',
                  lambda server: admin.servers.reset_state(server, 'error'),
                  'compute.instance.update', 'error')



def test_two_units_failing_at_once_are_both_replaced(real_cluster):
    """Each member change holds the load balancer (Octavia answers 409
    while it is PENDING_UPDATE): two heals at once wait their turn
    through Heat; neither fails."""
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    nova = nova_as(layout.DEMO)
    for unit in ('0', '1'):
        nova.servers.stop(before[unit])
    for unit in ('0', '1'):
        wait_until_replaced(request, cluster.id, unit, before[unit],
                            timeout=120)
    after = unit_servers(request, cluster.id)
    assert after['2'] == before['2']

    def members_settled():
        members = members_by_unit(request, cluster.id)
        return all(m.provisioning == 'ACTIVE' for m in members.values()) \
            and members
    members = wait_for(members_settled, 60, what='the members ACTIVE')
    assert {members[u].address for u in ('0', '1')} == {
        server_address(after[u]) for u in ('0', '1')}


def test_neutron_takes_the_port_query_nova_makes_for_many_servers():
    """Nova lists its servers' ports from Neutron by device id in one GET
    (~47 bytes a server): the local cloud's gunicorn must take that
    request line for the quota's 200 servers, or Nova's server list, and
    the Units tab's server column with it, fail from ~90 servers."""
    session = layout.session_for(layout.DEMO)
    query = '&'.join('device_id=%032x' % n for n in range(200))
    answer = session.get('http://%s:9696/v2.0/ports?%s' % (layout.HOST, query),
                         raise_exc=False)
    assert answer.status_code == 200, answer.status_code
    assert answer.json() == {'ports': []}


def test_heat_keeps_the_lookups_that_found_something_for_a_minute():
    """Heat validates a unit's whole template on every heal (an update of
    the unit's stack); the local cloud's Heat caches its lookups of the
    image, flavor and network (~0.9 s of a real heal's update call). Only
    a lookup that found something is kept: an image unknown to Heat's
    first look is found once it exists, and one deleted within the minute
    still passes (the documented price: Nova refuses the boot instead)."""
    session = layout.session_for(layout.DEMO)
    image_id = str(uuid.uuid4())
    template = {'heat_template_version': '2018-08-31', 'parameters': {
        'image': {'type': 'string',
                  'constraints': [{'custom_constraint': 'glance.image'}]}}}

    def heat_accepts():
        return session.post(
            '/stacks/preview',
            endpoint_filter={'service_type': 'orchestration'},
            json={'stack_name': 'cache-probe', 'template': template,
                  'parameters': {'image': image_id}},
            raise_exc=False).status_code

    images = {'endpoint_filter': {'service_type': 'image'}}
    assert heat_accepts() == 400
    session.post('/v2/images', json={
        'id': image_id, 'name': 'cache-probe', 'container_format': 'bare',
        'disk_format': 'raw'}, **images)
    try:
        assert heat_accepts() == 200
    finally:
        session.delete('/v2/images/' + image_id, **images)
    assert heat_accepts() == 200
