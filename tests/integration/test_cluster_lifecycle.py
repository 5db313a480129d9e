"""Templates, launch and healing on the real local cloud, through the
plugin's own api layer and catalog."""

import time
import uuid

import pytest
from openstack_dashboard.api import base

from devcloud import inject
from heal_dashboard import api
from heal_dashboard import catalog
from heal_dashboard.content.clusters import views
from tests.integration.conftest import wait_for

BUNDLED = catalog.load()
SETTLED = ('COMPLETE', 'FAILED')


def available(request):
    return views.available_services(request, BUNDLED.templates)


@pytest.mark.parametrize('template', BUNDLED.templates, ids=lambda t: t.id)
def test_every_bundled_template_passes_heat_validation(demo_request,
                                                       template):
    spec = BUNDLED.launch_spec(template, available(demo_request))
    result = api.heat.template_validate(demo_request, **spec)
    assert template.size_parameter in result['Parameters']


def unit_servers(request, cluster_id):
    """{unit name: server id the unit's alarms watch}."""
    heat = api.heat.heatclient(request)
    group = heat.resources.get(cluster_id, catalog.UNITS_RESOURCE)
    return {
        unit.resource_name: heat.stacks.output_show(
            unit.physical_resource_id, 'server_id')['output']['output_value']
        for unit in heat.resources.list(group.physical_resource_id)}


def settled(request, cluster_id):
    cluster = api.heat.stack_get(request, cluster_id)
    return cluster if cluster.stack_status.endswith(SETTLED) else None


@pytest.fixture
def cluster_of_3(request_as):
    """A fixed-size cluster of 3 units, launched as the Launch form does."""
    fixed = BUNDLED.get('fixed')
    spec = BUNDLED.launch_spec(fixed, available(request_as))
    # The local cloud's Aodh loads new alarms at once (cache TTL 0).
    spec['parameters'] = {'cluster_size': 3, 'alarm_cache_seconds': 0}
    name = 'it-%s' % uuid.uuid4().hex[:8]
    cluster_id = api.heat.stack_create(request_as, name, fixed.id,
                                       timeout_mins=10,
                                       disable_rollback=True, **spec)
    try:
        cluster = wait_for(lambda: settled(request_as, cluster_id), 120,
                           what='the cluster to be created')
        assert cluster.stack_status == 'CREATE_COMPLETE', \
            cluster.stack_status_reason
        yield request_as, cluster
    finally:
        api.heat.stack_delete(request_as, cluster_id)


def test_launched_cluster_is_listed_with_its_units(cluster_of_3):
    request, cluster = cluster_of_3
    clusters = {c.id: c for c in api.heat.clusters_list(request)}
    assert cluster.id in clusters
    assert api.heat.template_id_of(clusters[cluster.id]) == 'fixed'
    from heal_dashboard import health
    [summary] = health.summarize_clusters(
        [clusters[cluster.id]], api.heat.nested_stacks_list(request),
        api.heat.template_id_of)
    assert summary.units == 3


@pytest.mark.parametrize('event', ['delete', 'stopped', 'error'])
def test_a_failed_unit_is_replaced_and_the_others_are_untouched(
        cluster_of_3, event):
    request, cluster = cluster_of_3
    before = unit_servers(request, cluster.id)
    project_id = request.user.project_id

    began = time.monotonic()
    inject.publish(inject.compute_event(event, before['1'], project_id))

    def replaced():
        current = api.heat.stack_get(request, cluster.id)
        if current.stack_status != 'UPDATE_COMPLETE':
            return None
        servers = unit_servers(request, cluster.id)
        return servers if servers['1'] != before['1'] else None

    after = wait_for(replaced, 60, what='unit 1 to be replaced')
    print('%s event: unit replaced in %.1f s'
          % (event, time.monotonic() - began))
    assert after['0'] == before['0']
    assert after['2'] == before['2']
    workflow = [o['output_value'] for o in
                api.heat.stack_get(request, cluster.id).outputs
                if o['output_key'] == 'healing_workflow'][0]
    executions = api.mistral.executions_list(request, workflow)
    assert [e.state for e in executions] == ['SUCCESS']


def test_the_catalog_has_the_control_plane_only(demo_request):
    # The local cloud has no compute: the Launch form uses the stand-ins.
    assert not base.is_service_enabled(demo_request, 'compute')
    assert BUNDLED.uses_standin(available(demo_request))
