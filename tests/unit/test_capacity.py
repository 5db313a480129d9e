"""Whether a cluster fits before it is created: Heat's resources a stack
counted over the template's tree, the quotas its servers take."""

import types

from heal_dashboard import capacity
from heal_dashboard import template_bundle

UNIT = {'resources': {
    'server': {'type': 'Heal::Server'},
    'alarm': {'type': 'OS::Aodh::EventAlarm'}}}
STANDIN_SERVER = {'resources': {'fake': {'type': 'OS::Heat::TestResource'}}}
CLUSTER = {'resources': {
    'healing': {'type': 'OS::Mistral::Workflow'},
    'address': {'type': 'OS::Neutron::FloatingIP', 'condition': 'public'},
    'units': {'type': 'OS::Heat::ResourceGroup', 'properties': {
        'count': 3, 'resource_def': {'type': 'Heal::Unit'}}}}}


def test_a_group_counts_each_units_nested_stack_and_its_resources():
    files = {'unit.yaml': UNIT, 'standin/server.yaml': STANDIN_SERVER}
    real = capacity.stack_size(CLUSTER, files, {
        'Heal::Unit': 'unit.yaml', 'Heal::Server': 'OS::Nova::Server'})
    # The workflow, the address (if made) and the group; a unit: itself,
    # a server, an alarm.
    assert real == capacity.StackSize(fixed=3, per_unit=3, optional=1)
    standin = capacity.stack_size(CLUSTER, files, {
        'Heal::Unit': 'unit.yaml', 'Heal::Server': 'standin/server.yaml'})
    # A stand-in server is a stack of its own: one resource more.
    assert standin == capacity.StackSize(fixed=3, per_unit=4, optional=1)
    assert standin.total(10) == 43
    assert standin.most_units(43) == 10
    assert standin.most_units(42) == 9


def test_the_bundled_templates_count_as_heat_would():
    bundled = template_bundle.load()
    real_cloud = {'compute', 'image', 'network', 'load-balancer', 'metric'}
    fixed = bundled.stack_size(bundled.get('fixed'), real_cloud)
    # Server, member, three alarms and the unit's marker, in its stack.
    assert fixed.per_unit == 7
    autoscaling = bundled.stack_size(bundled.get('autoscaling'), real_cloud)
    # Two scaling policies and two scaling alarms more.
    assert autoscaling.fixed == fixed.fixed + 4
    assert bundled.stack_size(bundled.get('fixed'), set()).per_unit == 9


def test_what_does_not_fit_is_said_with_what_is_left():
    flavor = types.SimpleNamespace(vcpus=2, ram=512)
    needed = capacity.needs(15, flavor, ports=True)
    assert needed == {'instances': 15, 'cores': 30, 'ram': 7680, 'port': 15}
    short = capacity.shortfalls(needed, {
        'instances': 10, 'cores': float('inf'), 'ram': 8192})
    assert short == ["instances: 15 needed, 10 left in the project's quota"]
    assert capacity.needs(2) == {'instances': 2}


def test_heats_limit_a_stack_says_how_many_units_fit():
    size = capacity.StackSize(fixed=12, per_unit=7)
    assert capacity.stack_shortfall(size, 141, 1000) is None
    assert capacity.stack_shortfall(size, 200, 1000) == (
        'Heat allows 1000 resources a stack: 200 units make 1412 (at most '
        '141 units fit)')
    assert capacity.stack_shortfall(size, 5000, -1) is None
