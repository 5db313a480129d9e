"""heal-dashboard's test data, in the shape the api layer returns: the
records of heal_dashboard.records, made from each service's JSON."""

import datetime
import json

from openstack_dashboard.test.test_data import utils

from heal_dashboard import health
from heal_dashboard import records

PROJECT_ID = '1'  # the project of Horizon's test user
CLUSTER = 'cluster-id'
GROUP = 'group-id'
BUILT = '2026-11-25T10:00:00Z'


def stack(stack_id, name, status='CREATE_COMPLETE', parent=None, tags=None,
          project_id=PROJECT_ID, parameters=None, **extra):
    """A stack as Heat shows it; a top-level one is, unless told, a
    fixed-size cluster of the test user's project."""
    if tags is None and parent is None:
        tags = ['heal-dashboard', 'heal-template=fixed']
    info = {
        'id': stack_id,
        'stack_name': name,
        'stack_status': status,
        'stack_status_reason': 'Stack %s completed successfully' % name,
        'creation_time': '2026-11-25T10:00:00Z',
        'updated_time': None,
        'parent': parent,
        'tags': tags,
        # Heat's pseudo parameter: the stack's own project.
        'parameters': dict({'OS::project_id': project_id},
                           **(parameters or {})),
        'description': 'A cluster',
    }
    info.update(extra)
    return records.Stack.of(info)


def event(event_id, resource_name, stack_name,
          status='CREATE_COMPLETE'):
    return records.Event.of({
        'id': event_id, 'resource_name': resource_name,
        'physical_resource_id': '%s-%s' % (resource_name, event_id),
        'event_time': BUILT, 'resource_status': status,
        'resource_status_reason': 'state changed',
        'links': [{'rel': 'stack', 'href': 'http://heat/v1/p/stacks/%s/%s'
                   % (stack_name, 'sid')}]})


def cluster_with_units(cluster_id, name, size, template='fixed', **extra):
    """A cluster stack, its units group and its unit stacks, as Heat's
    nested stack list has them."""
    cluster = stack(cluster_id, name,
                    tags=['heal-dashboard', 'heal-template=' + template],
                    **extra)
    group_id = cluster_id + '-group'
    group = stack(group_id, '%s-units-abcdefgh' % name, parent=cluster_id)
    workflow = stack(cluster_id + '-wf', '%s-healing-12345678' % name,
                     parent=cluster_id)
    units = [stack('%s-unit-%d' % (cluster_id, i),
                   '%s-units-abcdefgh-%d-xyz' % (name, i), parent=group_id)
             for i in range(size)]
    return cluster, [cluster, group, workflow] + units


VALIDATION = {
    'Description': 'A fixed-size self-healing cluster.',
    'ParameterGroups': [
        {'label': 'Units',
         'parameters': ['cluster_size', 'image', 'flavor', 'key_name']},
        {'label': 'Network',
         'parameters': ['network', 'subnet', 'external_network', 'app_port']},
    ],
    'Parameters': {
        'cluster_size': {'Type': 'Number', 'Default': 3, 'Label': 'Units',
                         'MinValue': 1, 'MaxValue': 100,
                         'Description': 'How many units.'},
        'image': {'Type': 'String', 'Label': 'Image'},
        'flavor': {'Type': 'String', 'Label': 'Flavor'},
        'key_name': {'Type': 'String', 'Default': '', 'Label': 'Key pair'},
        'network': {'Type': 'String', 'Label': 'Network'},
        'subnet': {'Type': 'String', 'Label': 'Subnet'},
        'external_network': {'Type': 'String', 'Default': '',
                             'Label': 'External network'},
        'app_port': {'Type': 'Number', 'Default': 80, 'MinValue': 1,
                     'MaxValue': 65535, 'Label': 'Application port'},
        'alarm_cache_seconds': {'Type': 'Number', 'Default': 60,
                                'MinValue': 0, 'MaxValue': 600},
    },
}


# Heat's resource list of a cluster with nested_depth=2.

def resource(name, rtype, physical_id, stack_id, parent=None,
             status='CREATE_COMPLETE', reason='', updated=None):
    return records.Resource.of({
        'resource_name': name, 'resource_type': rtype,
        'physical_resource_id': physical_id, 'resource_status': status,
        'resource_status_reason': reason, 'parent_resource': parent,
        'creation_time': BUILT, 'updated_time': updated,
        'links': [{'rel': 'self', 'href': 'http://heat/x'},
                  {'rel': 'stack',
                   'href': 'http://heat/v1/p/stacks/n/%s' % stack_id}],
    })


def unit_resources(index, server_status='CREATE_COMPLETE', reason='',
                   skip=(), unit_status='CREATE_COMPLETE', name=None):
    unit_stack = 'unit-%d' % index
    name = str(index) if name is None else name
    parts = [
        resource('server', 'Heal::Server', 'server-%d' % index, unit_stack,
                 name, status=server_status, reason=reason),
        resource('member', 'Heal::PoolMember', 'member-%d' % index,
                 unit_stack, name),
    ] + [resource(alarm, 'OS::Aodh::EventAlarm',
                  '%s-%d' % (alarm, index), unit_stack, name)
         for alarm, _kind in health.ALARMS]
    return [resource(name, 'Heal::Unit', unit_stack, GROUP, 'units',
                     status=unit_status)] + [
        p for p in parts if p.resource_name not in skip]


def changed(resources, name, **fields):
    """The resources, the one named `name` with these fields changed."""
    return [r._replace(**fields) if r.resource_name == name else r
            for r in resources]


HEALING = 'healing-stack'
# Named after the cluster (c1, as the page tests have it).
QUEUE = 'heal-c1'


# The cluster's pool: Octavia's, or a stand-in's.
POOL = 'pool-1'


def cluster_resources(*units, healing_skip=(), octavia=False):
    healing = [
        resource('queue', 'OS::Zaqar::Queue', QUEUE, HEALING, 'healing'),
        resource('trigger', 'OS::Zaqar::MistralTrigger', 'sub', HEALING,
                 'healing'),
        resource('workflow', 'OS::Mistral::Workflow', 'heal-' + CLUSTER,
                 HEALING, 'healing')]
    top = [resource('units', 'OS::Heat::ResourceGroup', GROUP, CLUSTER),
           resource('healing', 'Heal::HealingWorkflow', HEALING, CLUSTER),
           *[r for r in healing if r.resource_name not in healing_skip],
           # The load balancer's parts are nested too, but no unit's.
           resource('pool', 'OS::Octavia::Pool' if octavia
                    else 'OS::Heat::TestResource', POOL, 'lb-stack',
                    'load_balancer')]
    return top + [r for unit in units for r in unit]


def event_query(server_id):
    return [{'field': 'traits.instance_id', 'op': 'eq', 'type': 'string',
             'value': server_id}]


def fired_reason(server_id):
    """Aodh's reason when an event hit an alarm watching this server."""
    return ('Event <id=event-1,event_type=compute.instance.delete.end> hits '
            'the query <query=%s>.' % json.dumps(event_query(server_id),
                                                 sort_keys=True))


def all_alarms(count, state='ok', fired_for='server-%d'):
    """Each unit's alarms, watching its server; in alarm, they fired for
    `fired_for` (the unit's server unless told)."""
    alarms = [records.Alarm.of({
        'alarm_id': '%s-%d' % (alarm, i), 'state': state, 'enabled': True,
        'event_rule': {'query': event_query('server-%d' % i)},
        'state_reason': (fired_reason(fired_for % i) if state == 'alarm'
                         else 'Not evaluated yet')})
        for i in range(count) for alarm, _kind in health.ALARMS]
    return {alarm.alarm_id: alarm for alarm in alarms}


def all_queues(messages=0, confirmed=True):
    """Zaqar's word on the cluster's healing queue."""
    return {QUEUE: records.QueueInfo(
        name=QUEUE, messages=messages, subscriptions=[
            records.Subscription(id='sub', confirmed=confirmed)])}


def pool_members(count, provisioning='ACTIVE', operating='ONLINE'):
    """Octavia's members of the cluster's pool, one a unit."""
    return {'member-%d' % i: records.Member.of({
        'id': 'member-%d' % i, 'address': '10.20.0.%d' % (10 + i),
        'protocol_port': 80, 'provisioning_status': provisioning,
        'operating_status': operating})
        for i in range(count)}


def servers(count, status='ACTIVE'):
    return {'server-%d' % i: records.Server.of({
        'id': 'server-%d' % i, 'name': 'vm-%d' % i, 'status': status})
        for i in range(count)}


def execution(unit, state, heal=True, requested_by='alarm', error=None,
              created=None):
    """A heal of unit `unit`; one that is not finished started just now
    unless `created` says when (an old one has stalled)."""
    if created is None:
        created = BUILT if state in ('SUCCESS', 'ERROR', 'CANCELLED') else (
            datetime.datetime.now(datetime.timezone.utc).strftime(
                '%Y-%m-%d %H:%M:%S'))
    return records.Execution.of({
        'id': 'ex-%s-%s' % (unit, state), 'state': state,
        'created_at': created, 'updated_at': created, 'state_info': error,
        'input': {'stack_id': 'unit-%d' % unit, 'heal': heal,
                  'requested_by': requested_by}, 'output': {}})


# The services the plugin uses, as the test user's catalog lists them.
HEAL_SERVICES = {
    'orchestration': 'http://heat.example.com:8004/v1/' + PROJECT_ID,
    'workflowv2': 'http://mistral.example.com:8989/v2',
    'messaging': 'http://zaqar.example.com:8888',
    'alarming': 'http://aodh.example.com:8042',
    'load-balancer': 'http://octavia.example.com:9876',
}


def catalog_entry(service_type, url):
    return {
        'type': service_type, 'name': service_type, 'endpoints_links': [],
        'endpoints': [{'region': 'RegionOne', 'interface': interface,
                       'url': url}
                      for interface in ('admin', 'internal', 'public')],
    }


def load(test):
    test.service_catalog.extend(
        catalog_entry(service_type, url)
        for service_type, url in HEAL_SERVICES.items())
    test.heal_clusters = utils.TestDataContainer()
    test.heal_stacks = utils.TestDataContainer()
    web, web_stacks = cluster_with_units('c1', 'web', 3)
    api, api_stacks = cluster_with_units(
        'c2', 'api', 2, template='autoscaling',
        stack_status='CREATE_IN_PROGRESS')
    test.heal_clusters.add(web, api)
    test.heal_stacks.add(*(web_stacks + api_stacks))
    test.heal_validation = VALIDATION


# An autoscaling cluster's own resources, as Heat and Aodh have them.
SCALING_POLICY = 'OS::Heat::ScalingPolicy'
SCALING_ALARM = 'OS::Aodh::GnocchiAggregationByResourcesAlarm'
SCALING_TOP = [
    resource('scale_out', SCALING_POLICY, 'p1', CLUSTER),
    resource('scale_in', SCALING_POLICY, 'p2', CLUSTER),
    resource('cpu_high', SCALING_ALARM, 'a1', CLUSTER),
    resource('cpu_low', SCALING_ALARM, 'a2', CLUSTER),
]
# As Aodh has the template's cpu_high: 80 % of a vCPU over 60 s points.
CPU_HIGH = records.Alarm.of({
    'alarm_id': 'a1', 'state': 'alarm',
    'gnocchi_aggregation_by_resources_threshold_rule': {
        'threshold': 48000000000.0, 'comparison_operator': 'gt',
        'granularity': 60, 'evaluation_periods': 2},
    'alarm_actions': ['trust+http://heat/v1/p/stacks/web/c/resources/'
                      'scale_out/signal']})
# The policies as Heat holds the cluster's template.
SCALING_TEMPLATE = {'resources': {
    'scale_out': {'type': SCALING_POLICY, 'properties': {
        'scaling_adjustment': 1, 'cooldown': {'get_param': 'cooldown'}}},
    'scale_in': {'type': SCALING_POLICY, 'properties': {
        'scaling_adjustment': -1, 'cooldown': {'get_param': 'cooldown'}}}}}
SCALING_PARAMETERS = {'min_size': '2', 'max_size': '6', 'cooldown': '60'}


def signal(policy, at, reason, status='SIGNAL_COMPLETE'):
    return records.Event.of({'resource_name': policy, 'event_time': at,
                             'resource_status': status,
                             'resource_status_reason': reason})
