"""The integration tier: the plugin's api layer against the real local
cloud (python -m devcloud start; make test starts it)."""

import time
import uuid

import pytest
from django.test import RequestFactory
from heatclient import exc as heat_exc
from openstack_auth import user as auth_user
from zaqarclient.queues.v2 import client as zaqar_client

from devcloud import compute
from devcloud import layout
from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import cluster_state
from heal_dashboard import health
from heal_dashboard.api import session as api_session
from heal_dashboard.content.clusters import views

BUNDLED = template_bundle.load()
SETTLED = ('COMPLETE', 'FAILED')


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.integration)


@pytest.fixture(scope='session', autouse=True)
def cloud_tier(cloud_is_up, patient_calls):
    """Every test here needs the running local cloud (tests/conftest.py
    holds the cloud tiers' shared fixtures)."""


def horizon_request(user):
    """A request as Horizon has it after the user logged in: the real
    token and service catalog, for the plugin's api functions."""
    session = layout.session_for(user)
    access = session.auth.get_access(session)
    request = RequestFactory().get('/')
    request.session = {}
    request.user = auth_user.create_user_from_token(
        request, auth_user.Token(access), layout.KEYSTONE_URL + '/v3',
        services_region=layout.REGION)
    # It lives for a whole test, not for a page: a budget per call.
    request.heal_deadline = api_session.PER_CALL
    return request





def wait_for(predicate, timeout, interval=0.5, what='condition'):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError('timed out after %ss waiting for %s'
                         % (timeout, what))


def available(request):
    return views.available_services(request, BUNDLED.templates)


def unit_servers(request, cluster_id):
    """{unit name: server id the unit's alarms watch}."""
    heat = api.heat.heatclient(request)
    group = heat.resources.get(cluster_id, template_bundle.UNITS_RESOURCE)
    return {
        unit.resource_name: heat.stacks.output_show(
            unit.physical_resource_id, 'server_id')['output']['output_value']
        for unit in heat.resources.list(group.physical_resource_id)}


def settled(request, cluster_id):
    cluster = api.heat.stack_get(request, cluster_id)
    return cluster if cluster.stack_status.endswith(SETTLED) else None


# The demo project's choices on the local cloud, as the Launch form offers
# them (compute.py makes them on the first start).
REAL_PARAMETERS = {
    'image': compute.IMAGE, 'flavor': compute.FLAVOR['name'],
    'key_name': compute.KEY_PAIR, 'network': compute.NETWORK,
    'subnet': compute.SUBNET['name'],
}


def launched_cluster(request, size=3, stand_ins=False):
    """A fixed-size cluster, launched as the Launch form does (of real
    servers where the cloud has compute); with stand_ins, as on a cloud
    without compute (its failures are then injected events). Deleted when
    the generator is closed."""
    services_used = set() if stand_ins else available(request)
    yield from launched(request, 'fixed', services_used, dict(
        REAL_PARAMETERS if 'compute' in services_used else {},
        cluster_size=size))


def launched(request, template_id, services_used, parameters):
    """A cluster of a bundled template, launched as the Launch form does
    with the local cloud's defaults; deleted when the generator is
    closed."""
    template = BUNDLED.get(template_id)
    spec = BUNDLED.launch_spec(template, services_used)
    # The local cloud's Aodh loads new alarms at once (cache TTL 0).
    spec['parameters'] = dict(parameters, alarm_cache_seconds=0)
    name = 'it-%s' % uuid.uuid4().hex[:8]
    began = time.monotonic()
    cluster_id = api.heat.stack_create(request, name, template.id,
                                       uuid.uuid4().hex, timeout_mins=10,
                                       disable_rollback=True, **spec)
    try:
        cluster = wait_for(lambda: settled(request, cluster_id), 180,
                           what='the %s cluster to be created' % template_id)
        assert cluster.stack_status == 'CREATE_COMPLETE', \
            cluster.stack_status_reason
        print('%s cluster created in %.1f s'
              % (template_id, time.monotonic() - began))
        yield request, cluster
    finally:
        api.heat.stack_delete(request, cluster_id)





def unit_stack_status(request, cluster_id, unit):
    heat = api.heat.heatclient(request)
    group = heat.resources.get(cluster_id, template_bundle.UNITS_RESOURCE)
    unit_stack = heat.resources.get(group.physical_resource_id, unit)
    return heat.stacks.get(unit_stack.physical_resource_id).stack_status


def wait_until_replaced(request, cluster_id, unit, old_server, timeout=60):
    """Until the unit has a new server and its stack has settled (a unit
    being replaced answers 404 for its outputs meanwhile)."""
    def replaced():
        try:
            servers = unit_servers(request, cluster_id)
            if servers[unit] == old_server:
                return None
            status = unit_stack_status(request, cluster_id, unit)
            # Read again once settled: a read during the update may give a
            # stand-in's nested stack for its server (its output not yet
            # resolved), with the update over by the status read.
            if (not status.endswith('UPDATE_COMPLETE')
                    or unit_servers(request, cluster_id) != servers):
                return None
        except heat_exc.HTTPNotFound:
            return None
        return servers

    return wait_for(replaced, timeout,
                    what='unit %s to be replaced' % unit)


def replacement(request, stack_id):
    """When the unit's current server was made, and when the update of
    the unit's stack that made it ended (Heat's events, to the second).
    (Not simply the stack's last update: a rolling update touches units
    again without changing them.)"""
    heat = api.heat.heatclient(request)
    built = heat.resources.get(stack_id, 'server').creation_time
    ended = min(e.event_time for e in heat.events.list(stack_id)
                if e.physical_resource_id == stack_id
                and e.resource_status == 'UPDATE_COMPLETE'
                and e.event_time >= built)
    return built, ended


def replaced_one_at_a_time(request, stack_ids):
    """Each unit's replacement was over before the next unit's new server
    was made."""
    replacements = sorted(replacement(request, stack_id)
                          for stack_id in stack_ids)
    for (_built, ended), (next_built, _ended) in zip(
            replacements, replacements[1:], strict=False):
        assert ended <= next_built, replacements





def unit_of(request, cluster_id, name):
    [unit] = [u for u in cluster_state.fetch(request, cluster_id).units
              if u.name == name]
    return unit


def executions_of(request, cluster_id, stack_id=None):
    """The executions of the unit (once they name it: the alarm path's
    name it when they finish), or with None all of the cluster's."""
    return [e for e in api.mistral.executions_list(
        request, template_bundle.workflow_name(cluster_id))
        if stack_id is None or health.unit_stack_of(e) == stack_id]


def new_outcomes(request, cluster_id, stack_id, seen, count, timeout=90):
    """The outputs of the unit's executions not in `seen`, once `count` of
    them have started and all have finished."""
    def finished():
        new = [e for e in executions_of(request, cluster_id, stack_id)
               if e.id not in seen]
        if len(new) >= count and all(e.state in health.FINISHED
                                     for e in new):
            return new
        return None
    executions = wait_for(finished, timeout, what='%d executions' % count)
    for execution in executions:
        assert execution.state == 'SUCCESS', execution.state_info
    return [e.output for e in executions]


def quiet(request, cluster_id, timeout=90):
    """Until no execution of the cluster runs: a late alarm's heal (the
    old server's delete after a replacement) holds its unit's lease for a
    moment."""
    def still_running():
        return any(e.state not in health.FINISHED
                   for e in executions_of(request, cluster_id))
    wait_for(lambda: not still_running(), timeout,
             what="the cluster's executions to finish")


def seen_ids(request, cluster_id, stack_id=None):
    return {e.id for e in executions_of(request, cluster_id, stack_id)}


def post(user, queue_name, *bodies):
    zaqar = zaqar_client.Client(session=layout.session_for(user),
                                conf={'client_uuid': str(uuid.uuid4())})
    zaqar.queue(queue_name, auto_create=False).post(
        [{'body': body, 'ttl': 300} for body in bodies])


def alarm_message(alarm_id, server_id, alarm_name=None,
                  event_type='compute.instance.delete.start'):
    """A message of the shape Aodh's Zaqar notifier posts."""
    return {'alarm_id': alarm_id, 'alarm_name': alarm_name,
            'reason': 'an event hit the query',
            'reason_data': {'type': 'event', 'event': {
                'event_type': event_type,
                'traits': [['instance_id', 1, server_id]]}}}
