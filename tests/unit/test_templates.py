"""The bundled templates, read as Heat reads them, without a cloud: every
reference resolves, every nested template gets the properties it declares,
and the healing workflow's tasks form a valid graph. Heat itself validates
them in the integration tier."""

import os

import pytest
from heatclient.common import template_format

from heal_dashboard import catalog

BUNDLED = catalog.load()
FILES = {name: template_format.parse(text)
         for name, text in catalog.template_files().items()
         if not name.endswith('environment.yaml')}
BASE_REGISTRY = catalog.read_yaml(BUNDLED.environment)['resource_registry']
# Every stand-in at once: a cloud of the control plane alone.
STANDIN_ENV = BUNDLED.launch_spec(BUNDLED.get('fixed'), set())['environment']
STANDIN_REGISTRY = STANDIN_ENV['resource_registry']


def walk(node, function):
    """Every argument of an intrinsic function in a template."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == function:
                yield value
            yield from walk(value, function)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, function)


@pytest.mark.parametrize('name', sorted(FILES))
def test_references_resolve(name):
    template = FILES[name]
    params = set(template.get('parameters', {}))
    resources = set(template.get('resources', {}))
    conditions = set(template.get('conditions', {}))
    for ref in walk(template, 'get_param'):
        param = ref[0] if isinstance(ref, list) else ref
        assert param in params or param.startswith('OS::'), param
    for ref in walk(template, 'get_resource'):
        assert ref in resources, ref
    for ref in walk(template, 'get_attr'):
        assert ref[0] in resources, ref
    for resource in template.get('resources', {}).values():
        if 'condition' in resource:
            assert resource['condition'] in conditions
    for group in template.get('parameter_groups', []):
        assert set(group['parameters']) <= params


def nested_uses(registry):
    """(template file, properties given, attributes read) for each use of a
    template resource, through the registry."""
    for name, template in FILES.items():
        for res_name, resource in template.get('resources', {}).items():
            definition = (resource.get('properties', {}).get('resource_def')
                          or resource.get('properties', {}).get('resource'))
            used = definition or resource
            target = registry.get(used['type'])
            if target not in FILES:
                continue
            attrs = {ref[1] for ref in walk(template, 'get_attr')
                     if ref[0] == res_name and len(ref) > 1}
            if definition:
                attrs = set()  # a group's attributes are its own
            yield name, target, set(used.get('properties', {})), attrs


@pytest.mark.parametrize('registry', [BASE_REGISTRY, STANDIN_REGISTRY],
                         ids=['cloud', 'standin'])
def test_nested_templates_get_what_they_declare(registry):
    uses = list(nested_uses(registry))
    assert uses
    for user, target, given, attrs in uses:
        nested = FILES[target]
        declared = nested.get('parameters', {})
        required = {p for p, spec in declared.items() if 'default' not in spec}
        # The stand-ins supply image, flavor, network, subnet and others.
        supplied = (set(STANDIN_ENV['parameter_defaults'])
                    if registry is STANDIN_REGISTRY else set())
        assert given <= set(declared), (user, target, given - set(declared))
        assert required <= given | supplied, (user, target, required - given)
        outputs = set(nested.get('outputs', {}))
        assert attrs <= outputs, (user, target, attrs - outputs)


def test_every_resource_type_is_known():
    for template in FILES.values():
        for resource in template.get('resources', {}).values():
            definition = (resource.get('properties', {}).get('resource_def')
                          or resource.get('properties', {}).get('resource')
                          or {})
            for rtype in (resource['type'], definition.get('type')):
                if rtype:
                    assert rtype.startswith('OS::') or rtype in BASE_REGISTRY
    for target in BASE_REGISTRY.values():
        assert target.startswith('OS::') or target in FILES
    # The stand-ins are bundled files of their own.
    for rtype, target in STANDIN_REGISTRY.items():
        if target != BASE_REGISTRY[rtype]:
            assert target.startswith('standin/') and target in FILES


def test_the_healing_workflow_is_one_valid_graph():
    workflow = FILES['healing_workflow.yaml']['resources']['workflow']
    props = workflow['properties']
    tasks = {t['name']: t for t in props['tasks']}
    assert len(tasks) == len(props['tasks'])
    for task in tasks.values():
        for key in ('on_success', 'on_error', 'on_complete'):
            for target in task.get(key, []):
                name = (target if isinstance(target, str)
                        else next(iter(target)))
                assert name in tasks, (task['name'], name)
        assert task['action'] in ('std.noop', 'std.fail',
                                  'heat.resources_mark_unhealthy',
                                  'heat.stacks_update')
    # The input contract both the trigger and the dashboard use.
    assert set(props['input']) == {'root_stack_id', 'stack_id', 'resource',
                                   'heal', 'scope', 'reason', 'requested_by'}
    assert tasks['update_cluster']['input'] == {
        'stack_id': '<% $.root_stack_id %>', 'existing': True}
    assert tasks['update_unit']['input'] == {
        'stack_id': '<% $.stack_id %>', 'existing': True}
    # Mark-only stops after marking; heal goes on to one update, by scope.
    assert tasks['mark_unhealthy']['on_success'] == [
        {'update_unit': "<% $.heal and $.scope = 'unit' %>"},
        {'update_cluster': "<% $.heal and $.scope != 'unit' %>"}]


@pytest.mark.parametrize('template', BUNDLED.templates, ids=lambda t: t.id)
def test_each_cluster_tells_its_units_the_heal_scope(template):
    units = FILES[template.template]['resources']['units']['properties']
    definition = units.get('resource_def') or units['resource']
    assert definition['properties']['heal_scope'] == template.heal_scope


def test_each_units_trigger_starts_the_clusters_workflow_for_itself():
    unit = FILES['unit.yaml']['resources']
    trigger = unit['trigger']['properties']
    assert trigger['workflow_id'] == {'get_param': 'healing_workflow'}
    workflow_inputs = set(
        FILES['healing_workflow.yaml']['resources']['workflow']
        ['properties']['input'])
    # Mistral gets no defaults from Heat: every input must be given.
    assert set(trigger['input']) == workflow_inputs
    assert trigger['input']['stack_id'] == {'get_param': 'OS::stack_id'}
    alarms = [r for r in unit.values() if r['type'] == 'OS::Aodh::EventAlarm']
    assert {a['properties']['event_type'] for a in alarms} == {
        'compute.instance.delete.*', 'compute.instance.update'}
    for alarm in alarms:
        assert alarm['properties']['alarm_queues'] == [
            {'get_resource': 'queue'}]


@pytest.mark.parametrize('template', BUNDLED.templates, ids=lambda t: t.id)
def test_manifest_entries_match_their_templates(template):
    params = FILES[template.template]['parameters']
    assert template.size_parameter in params
    assert set(template.choices) <= set(params)
    assert set(template.size_order) <= set(params)
    assert set(STANDIN_ENV['parameter_defaults']) <= set(template.choices)
    assert os.path.exists(os.path.join(catalog.TEMPLATES_DIR,
                                       template.template))


def registry_for(available):
    fixed = BUNDLED.get('fixed')
    return BUNDLED.launch_spec(fixed, available)['environment'][
        'resource_registry']


def test_each_stand_in_is_merged_only_without_its_service():
    cloud = registry_for({'compute', 'load-balancer'})
    assert cloud['Heal::Server'] == 'OS::Nova::Server'
    assert cloud['Heal::LoadBalancer'] == 'load_balancer.yaml'
    # A cloud with compute but no Octavia (the local cloud): real servers,
    # a stand-in load balancer.
    no_octavia = registry_for({'compute'})
    assert no_octavia['Heal::Server'] == 'OS::Nova::Server'
    assert no_octavia['Heal::LoadBalancer'] == 'standin/load_balancer.yaml'
    assert no_octavia['Heal::PoolMember'] == 'standin/pool_member.yaml'
    control_plane = registry_for(set())
    assert control_plane['Heal::Server'] == 'standin/server.yaml'
    assert BUNDLED.standin_parameters({'compute'}) == {'external_network'}
    assert {'image', 'flavor', 'network', 'subnet', 'key_name'} <= (
        BUNDLED.standin_parameters(set()))


def test_missing_services_count_the_stand_ins():
    autoscaling = BUNDLED.get('autoscaling')
    control_plane = {'orchestration', 'workflowv2', 'messaging', 'alarming'}
    assert BUNDLED.missing_services(autoscaling, control_plane) == ['metric']
    assert BUNDLED.missing_services(BUNDLED.get('fixed'), control_plane) == []
    # With compute, its stand-in is off: images and networks must be real;
    # the load balancer's stand-in stays until the cloud has Octavia.
    assert BUNDLED.missing_services(
        BUNDLED.get('fixed'), control_plane | {'compute'}) == [
        'image', 'network']
