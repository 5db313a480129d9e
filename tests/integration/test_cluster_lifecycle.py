"""Templates, launch and healing on the real local cloud, through the
plugin's own api layer and catalog."""

import time
import uuid

import pytest
from heatclient import exc as heat_exc
from keystoneauth1 import exceptions as ks_exc
from novaclient import client as nova_client
from openstack_dashboard.api import base

from devcloud import compute
from devcloud import inject
from devcloud import layout
from devcloud import services
from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import cluster_state
from heal_dashboard import healing
from heal_dashboard import health
from tests.integration.conftest import BUNDLED
from tests.integration.conftest import REAL_PARAMETERS
from tests.integration.conftest import available
from tests.integration.conftest import alarm_message
from tests.integration.conftest import horizon_request
from tests.integration.conftest import launched_cluster
from tests.integration.conftest import new_outcomes
from tests.integration.conftest import post
from tests.integration.conftest import quiet
from tests.integration.conftest import seen_ids
from tests.integration.conftest import unit_of
from tests.integration.conftest import settled
from tests.integration.conftest import unit_servers
from tests.integration.conftest import replaced_one_at_a_time
from tests.integration.conftest import wait_for
from tests.integration.conftest import wait_until_replaced


@pytest.mark.parametrize('template', BUNDLED.templates, ids=lambda t: t.id)
def test_every_bundled_template_passes_heat_validation(demo_request,
                                                       template):
    spec = BUNDLED.launch_spec(template, available(demo_request))
    result = api.heat.template_validate(demo_request, **spec)
    assert template.size_parameter in result['Parameters']


@pytest.fixture(scope='module', params=['demo', 'admin'])
def shared_cluster(request):
    """Three stand-in units as the demo user and as admin, for the tests
    that leave a cluster as they found it: a launch costs ~25 s."""
    user = layout.DEMO if request.param == 'demo' else layout.ADMIN
    yield from launched_cluster(horizon_request(user), stand_ins=True)


def test_launched_cluster_is_listed_with_its_units(shared_cluster):
    request, cluster = shared_cluster
    clusters = {c.id: c for c in api.heat.clusters_list(request)}
    assert cluster.id in clusters
    assert api.heat.template_id_of(clusters[cluster.id]) == 'fixed'
    [summary] = health.summarize_clusters(
        [clusters[cluster.id]], api.heat.nested_stacks_list(request),
        api.heat.template_id_of)
    assert summary.units == 3


# The unit's alarm each injected failure fires.
ALARM = {'delete': 'alarm_deleted', 'stopped': 'alarm_stopped',
         'error': 'alarm_error'}


@pytest.mark.parametrize('event, unit', [('delete', '0'), ('stopped', '1'),
                                         ('error', '2')])
def test_a_failed_unit_is_replaced_and_the_others_are_untouched(
        shared_cluster, event, unit):
    request, cluster = shared_cluster
    before = unit_servers(request, cluster.id)
    project_id = request.user.project_id
    workflow = template_bundle.workflow_name(cluster.id)
    seen = {e.id for e in api.mistral.executions_list(request, workflow)}

    began = time.monotonic()
    inject.publish(inject.compute_event(event, before[unit], project_id))

    after = wait_until_replaced(request, cluster.id, unit, before[unit])
    print('%s event: unit replaced in %.1f s'
          % (event, time.monotonic() - began))
    assert {u: s for u, s in after.items() if u != unit} == {
        u: s for u, s in before.items() if u != unit}
    # A fixed-size cluster heals the unit alone: the cluster stays as is.
    assert api.heat.stack_get(request, cluster.id).stack_status == \
        'CREATE_COMPLETE'
    # The workflow the alarms start is the one the dashboard names.
    assert [o['output_value'] for o in
            api.heat.stack_get(request, cluster.id).outputs
            if o['output_key'] == 'healing_workflow'] == [workflow]
    # It ends once the unit's update has settled, just after the new
    # server is in place.
    executions = wait_for(lambda: [
        e for e in api.mistral.executions_list(request, workflow)
        if e.id not in seen and e.state in ('SUCCESS', 'ERROR')], 30,
        what='the heal to end')
    assert [(e.state, e.output['outcome'], e.output['failure'])
            for e in executions] == [('SUCCESS', 'replaced', ALARM[event])]
    # The unit's timeline tells the whole story.
    story = cluster_state.fetch_timeline(request, cluster.id, unit)
    assert {'Aodh', 'Zaqar', 'Mistral', 'Heat'} <= {
        entry.source for entry in story.entries}, story


def test_a_healed_stand_in_unit_heals_again_for_a_new_failure_only(
        shared_cluster):
    """Without Nova, Aodh's record decides: the alarm must have fired for
    the server named. An alarm stays in alarm after its heal, watching the
    replacement: messages naming the replacement before it fails are
    refused; its own failure, on another alarm, heals it again."""
    request, cluster = shared_cluster
    failed = unit_servers(request, cluster.id)['0']
    inject.publish(inject.compute_event('stopped', failed,
                                        request.user.project_id))
    healed = wait_until_replaced(request, cluster.id, '0', failed)['0']
    quiet(request, cluster.id)
    unit = unit_of(request, cluster.id, '0')
    alarms = {alarm.kind: alarm for alarm in unit.alarms}
    assert alarms['stopped'].healed and alarms['stopped'].fired_for == failed
    # (Its health otherwise: this cloud's Nova knows no stand-in server.)
    assert 'alarm on stopped fired' not in unit.reasons, unit.reasons

    seen = seen_ids(request, cluster.id, unit.stack_id)
    # Anyone in the project may post to the queue (the demo project has
    # a reader).
    poster = (layout.READER if request.user.username == 'demo'
              else layout.ADMIN)
    post(poster, unit.queue.name,
         alarm_message(alarms['stopped'].alarm_id, healed),
         alarm_message(alarms['error'].alarm_id, healed))
    outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 2)
    assert sorted((o['outcome'], o['cause']) for o in outputs) == [
        ('refused', 'Aodh: alarm alarm_error is %s, not fired for server %s'
         % (alarms['error'].state, healed)),
        ('refused', 'Aodh: alarm alarm_stopped is alarm, not fired for '
         'server %s' % healed)]
    assert unit_servers(request, cluster.id)['0'] == healed

    inject.publish(inject.compute_event('error', healed,
                                        request.user.project_id))
    wait_until_replaced(request, cluster.id, '0', healed)


def test_the_launch_form_stands_in_for_what_the_cloud_lacks(demo_request):
    has_compute = base.is_service_enabled(demo_request, 'compute')
    assert has_compute == services.has_compute()
    # Octavia is in the compute tier: without it, the servers and the
    # load balancer stand in.
    stood_in = [s.service for s in BUNDLED.standins_for(
        available(demo_request))]
    assert stood_in == ([] if has_compute
                        else ['compute', 'load-balancer'])


def lost_answer(request):
    """Heat's create, whose answer never reaches the caller: the request is
    sent and Heat acts on it (creates, or refuses a taken name), then the
    connection drops, as a timeout would."""
    client = api.heat.heatclient(request)
    real_create = client.stacks.create

    def create(**kwargs):
        try:
            real_create(**kwargs)
        except Exception:
            pass
        raise ks_exc.ConnectTimeout('the answer was lost')
    return create


def test_a_lost_create_answer_deletes_only_what_that_launch_made(
        shared_cluster, monkeypatch):
    request, older = shared_cluster
    fixed = BUNDLED.get('fixed')
    spec = BUNDLED.launch_spec(fixed, set())
    spec['parameters'] = {'cluster_size': 1, 'alarm_cache_seconds': 0}
    monkeypatch.setattr(api.heat.heatclient(request).stacks, 'create',
                        lost_answer(request))

    # The same name as the older cluster: Heat refused it, unheard.
    same_name = uuid.uuid4().hex
    with pytest.raises(ks_exc.ConnectTimeout):
        api.heat.stack_create(request, older.stack_name, fixed.id, same_name,
                              **spec)
    api.heat.delete_orphan(request, same_name)
    assert api.heat.stack_get(request, older.id).stack_status == \
        'CREATE_COMPLETE'

    # A new name: Heat made the stack, unheard; the clean-up deletes it.
    made = uuid.uuid4().hex
    name = 'it-lost-%s' % made[:8]
    with pytest.raises(ks_exc.ConnectTimeout):
        api.heat.stack_create(request, name, fixed.id, made, **spec)
    assert api.heat.stack_get(request, name).stack_status.startswith(
        'CREATE')
    api.heat.delete_orphan(request, made)
    try:
        status = api.heat.stack_get(request, name).stack_status
    except heat_exc.HTTPNotFound:
        status = 'DELETE_COMPLETE'
    assert status.startswith('DELETE'), status
    assert api.heat.stack_get(request, older.id).stack_status == \
        'CREATE_COMPLETE'


def test_a_create_over_quota_says_why_on_the_page(demo_request):
    """As the Launch form creates (rollback on): the rollback's reason
    hides the cause; the Overview shows Heat's first failure."""
    if not services.has_compute():
        pytest.skip('the local cloud has no compute tier')
    admin = nova_client.Client('2.1',
                               session=layout.session_for(layout.ADMIN))
    project = demo_request.user.project_id
    # Below what is in use is allowed with force: no server fits.
    admin.quotas.update(project, instances=0, force=True)
    name = 'it-quota-%s' % uuid.uuid4().hex[:8]
    fixed = BUNDLED.get('fixed')
    spec = BUNDLED.launch_spec(fixed, available(demo_request))
    spec['parameters'] = dict(REAL_PARAMETERS, cluster_size=2,
                              alarm_cache_seconds=0)
    try:
        cluster_id = api.heat.stack_create(
            demo_request, name, fixed.id, uuid.uuid4().hex,
            timeout_mins=10, disable_rollback=False, **spec)
        cluster = wait_for(lambda: settled(demo_request, cluster_id), 180,
                           what='the over-quota create to end')
        assert cluster.stack_status in health.NEVER_CREATED, \
            cluster.stack_status
        cause = health.failure_cause(api.heat.first_failure(
            demo_request, cluster_id))
        assert 'Quota exceeded for instances' in cause, cause
    finally:
        admin.quotas.delete(project)
        for stack in api.heat.heatclient(demo_request).stacks.list(
                filters={'name': name}):
            api.heat.stack_delete(demo_request, stack.id)


def wait_until_every_unit_healthy(request, cluster_id):
    """Healthy: the server active, every alarm watching, the queue
    subscribed; and each unit's server in the pool."""
    def all_healthy():
        units = cluster_state.fetch(request, cluster_id).units
        return units if all(
            u.health == health.HEALTHY and u.member.provisioning == 'ACTIVE'
            for u in units) else None
    return wait_for(all_healthy, 60, what='every unit healthy')


@pytest.fixture(scope='module')
def real_cluster_of_3():
    """Resized, then refreshed at its new size."""
    if not services.has_compute():
        pytest.skip('the local cloud has no compute tier')
    yield from launched_cluster(horizon_request(layout.DEMO), size=3)


def test_a_resize_3_5_2_keeps_every_unit_protected(real_cluster_of_3):
    """Resized as the Resize Cluster form does: grown to 5, then shrunk to
    2 with unit 1 chosen to go (then the highest-numbered); each time every
    unit is healthy, protected (its alarms, the queue's trigger) and in the
    load balancer's pool."""
    request, cluster = real_cluster_of_3
    for size, chosen, names, removed in (
            (5, (), ['0', '1', '2', '3', '4'], []),
            (2, ('1',), ['0', '2'], ['1', '3', '4'])):
        began = time.monotonic()
        assert healing.resize(request, cluster.id, size, chosen) == removed

        def resized(names=names):
            state = cluster_state.fetch(request, cluster.id)
            done = (state.cluster.stack_status == 'UPDATE_COMPLETE'
                    and [u.name for u in state.units] == names)
            return state if done else None
        state = wait_for(resized, 180, what='the resize to %d' % size)
        print('resized to %d in %.1f s' % (size, time.monotonic() - began))
        assert not state.problems, state.problems

        wait_until_every_unit_healthy(request, cluster.id)


def test_a_refresh_replaces_every_server_one_batch_at_a_time(
        real_cluster_of_3):
    """Refresh Cluster to another flavor, batch 1: every unit gets a new
    server of that flavor, one unit after another, and stays healthy and
    protected; the Overview's progress counts them."""
    request, cluster = real_cluster_of_3
    admin = nova_client.Client('2.1', session=layout.session_for(
        layout.ADMIN))
    flavor = admin.flavors.create(
        'heal.refresh-%s' % uuid.uuid4().hex[:6], compute.FLAVOR['ram'],
        compute.FLAVOR['vcpus'], compute.FLAVOR['disk'])
    try:
        before = unit_servers(request, cluster.id)
        began = time.monotonic()
        assert healing.refresh(request, cluster.id, {
            'image': compute.IMAGE, 'flavor': flavor.name}, 1, 0) == {
            'flavor': flavor.name}

        def refreshed():
            state = cluster_state.fetch(request, cluster.id)
            return state if state.cluster.stack_status == \
                'UPDATE_COMPLETE' else None
        state = wait_for(refreshed, 240, what='the refresh')
        print('refreshed %d units, batch 1, in %.1f s'
              % (len(before), time.monotonic() - began))
        after = unit_servers(request, cluster.id)
        assert not set(after.values()) & set(before.values())
        demo_nova = nova_client.Client('2.1', session=layout.session_for(
            layout.DEMO))
        assert {demo_nova.servers.get(s).flavor['id']
                for s in after.values()} == {flavor.id}
        replaced_one_at_a_time(request, [u.stack_id for u in state.units])
        recorded = api.mistral.healing_state_get(
            request, template_bundle.healing_state_name(cluster.id))['refresh']
        assert health.refresh_progress(api.heat.resources_list(
            request, cluster.id), recorded['since']) == (
            len(before), len(before))
        wait_until_every_unit_healthy(request, cluster.id)
    finally:
        admin.flavors.delete(flavor.id)
