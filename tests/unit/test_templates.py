"""The bundled templates, read as Heat reads them, without a cloud: every
reference resolves, every nested template gets the properties it declares,
and the healing workflow's tasks form a valid graph. Heat itself validates
them in the integration tier."""

import json
import os

import pytest
from heatclient.common import template_format

from heal_dashboard import template_bundle

BUNDLED = template_bundle.load()
FILES = {name: template_format.parse(text)
         for name, text in template_bundle.template_files().items()
         if not name.endswith('environment.yaml')}
BASE_REGISTRY = template_bundle.read_yaml(
    BUNDLED.environment)['resource_registry']
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


WORKFLOW = FILES['healing_workflow.yaml']['resources']['workflow'][
    'properties']
TASKS = {t['name']: t for t in WORKFLOW['tasks']}
TRANSITIONS = ('on_success', 'on_error', 'on_complete')


def successors(task, skip=()):
    for key in TRANSITIONS:
        for target in task.get(key, []):
            name = target if isinstance(target, str) else next(iter(target))
            if name not in skip:
                yield name


def entries(target):
    """(task, on_..., condition) for every transition into target."""
    for name, task in TASKS.items():
        for key in TRANSITIONS:
            for to in task.get(key, []):
                if to == target:
                    yield name, key, None
                elif isinstance(to, dict) and target in to:
                    yield name, key, to[target]


def reachable(start='identify', skip=()):
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen and name not in skip:
            seen.add(name)
            todo.extend(successors(TASKS[name], skip))
    return seen


def test_the_healing_workflow_is_one_valid_graph():
    assert len(TASKS) == len(WORKFLOW['tasks'])
    for task in TASKS.values():
        for name in successors(task):
            assert name in TASKS, (task['name'], name)
        assert task['action'].split('.')[0] in ('std', 'heat', 'nova',
                                                'mistral'), task['action']
    assert reachable() == set(TASKS)
    # The input contract both the trigger and the dashboard use.
    assert set(WORKFLOW['input']) == {
        'root_stack_id', 'stack_id', 'server_id', 'heal', 'scope', 'force',
        'reason', 'requested_by'}
    assert TASKS['update_cluster']['input'] == {
        'stack_id': '<% $.root_stack_id %>', 'existing': True}
    assert TASKS['update_unit']['input'] == {
        'stack_id': '<% $.unit_path %>', 'existing': True}
    # Mark-only stops after marking; heal goes on to one update, by scope.
    assert TASKS['mark']['on_success'] == [
        {'update_unit': "<% $.heal and $.scope = 'unit' %>"},
        {'update_cluster': "<% $.heal and $.scope != 'unit' %>"},
        {'release': '<% not $.heal %>'}]


def test_nothing_is_marked_or_updated_without_the_units_lease():
    acting = {'mark', 'update_unit', 'update_cluster'}
    assert acting <= reachable()
    assert not acting & reachable(skip={'acquire'})
    # ... nor without a fresh look at the unit's current server.
    assert not acting & reachable(skip={'current_server'})
    # An update never leads to another update without that look.
    for update in ('update_unit', 'update_cluster'):
        after = reachable(update, skip={'current_server'}) - {update}
        assert not after & {'update_unit', 'update_cluster', 'mark'}


def test_every_path_that_took_the_lease_gives_it_back():
    after_lease = reachable('current_server')
    ends = {name for name in after_lease
            if not list(successors(TASKS[name]))}
    assert ends <= {'failed', 'release_turn', 'record_outcome'}
    for name in after_lease - {'release', 'release_turn', 'record_outcome',
                               'failed'}:
        assert 'release' in reachable(name), name
    # The breaker's label is written once the lease is given back.
    assert 'record_outcome' not in reachable('current_server',
                                             skip={'release'})


def test_every_path_that_took_a_turn_gives_it_back():
    after_turn = reachable('take_turn')
    ends = {name for name in after_turn
            if not list(successors(TASKS[name]))}
    assert ends <= {'failed', 'release_turn', 'record_outcome'}
    for name in after_turn - {'release_turn', 'record_outcome', 'failed'}:
        assert 'release_turn' in reachable(name), name
    # The lease's release goes on to the turn's whenever one was taken
    # (and to the rest of the heal's end only when none was).
    assert TASKS['release']['on_complete'] == [
        {'release_turn': '<% $.turn != null %>'},
        {'record_outcome': "<% $.turn = null and not $.force and "
                           "$.outcome in ['replaced', 'failed'] %>"},
        {'failed': "<% $.turn = null and $.force and "
                   "$.outcome = 'failed' %>"}]


def test_the_lease_comes_before_a_turn_and_both_before_the_mark():
    # A heal takes a turn in the budget only holding its unit's lease and
    # after the look at its server: a second heal of the same failure
    # waits for the lease, finds the server replaced, and never holds a
    # turn another unit's heal is waiting for.
    assert 'take_turn' not in reachable(skip={'acquire'})
    assert 'take_turn' not in reachable(skip={'current_server'})
    # The mark: when read_turns gives the turn, or back from a busy update
    # with the turn still held (a turn is taken only after the look, and
    # from the queue there is no way back to the look but through the
    # mark).
    into_mark = {(name, condition) for name, _k, condition in entries('mark')}
    assert into_mark == {
        ('read_turns', '<% $.place >= 0 and $.place < int($.budget) %>'),
        ('current_server', '<% $.turn != null and $.current = $.server %>')}
    assert 'current_server' not in reachable('take_turn', skip={'mark'})
    # What is marked is the server resource read under the lease, by its
    # physical id: Heat matches it only to the current resource, so a
    # server replaced while the heal waited its turn is not marked.
    assert TASKS['mark']['input']['resource_name'] == '<% $.server_resource %>'
    readers = {name for name, task in TASKS.items()
               if 'server_resource' in task.get('publish', {})}
    assert readers == {'current_server'}
    # Only the oldest turn is ever dropped by another heal, and only once
    # its heal has finished (or stalled and was cancelled).
    assert TASKS['drop_first_turn']['input'] == {'name': '<% $.first.name %>'}
    into_drop = {name for name in TASKS
                 if 'drop_first_turn' in successors(TASKS[name])}
    assert into_drop == {'first_turn_state', 'cancel_first_turn'}


def test_an_alarms_unit_is_one_of_the_clusters():
    # Every way to the route names the unit: the caller's stack (a
    # person's heal), find_unit's search of the cluster, or the alarm's
    # name, taken only when its stack's parent is a child of the cluster.
    into_route = {name for name, _k, _c in entries('read_cluster_state')}
    assert into_route == {'identify', 'find_unit', 'unit_by_name',
                          'wait_grace'}
    # (What they conclude from Heat's answers: test_workflow_expressions.)
    assert set(TASKS['unit_by_name']['input']) == {'show_nested', 'filters'}
    assert TASKS['unit_by_name']['input']['show_nested'] is True
    # delete.end's heal only waits before the same lookups.
    assert {name for name, _k, _c in entries('unit_by_name')} == {
        'identify', 'yield_to_first_heal'}
    assert set(successors(TASKS['yield_to_first_heal'])) == {
        'unit_by_name', 'find_unit'}
    # Anything else is find_unit's to decide.
    assert set(successors(TASKS['unit_by_name'])) == {'read_cluster_state',
                                                      'find_unit'}


def test_heat_is_asked_about_the_unit_by_the_path_found_with_its_id():
    # Every call of Heat on the unit names it by <name>/<id> (no redirect
    # to ask for first), found where its id is: both null, or both of the
    # same stack (see test_workflow_expressions).
    on_unit = {name for name, task in TASKS.items()
               if task['action'].startswith('heat.')
               and task['action'] != 'heat.stacks_list'
               and task['input']['stack_id'] != '<% $.root_stack_id %>'}
    assert on_unit == {'read_alarm', 'grace_check', 'current_server', 'mark',
                       'update_unit', 'wait_replaced', 'wait_settled'}
    for name in on_unit:
        assert TASKS[name]['input']['stack_id'] == '<% $.unit_path %>', name
    # (The input names it first.)
    publishers = {name for name, task in TASKS.items()
                  if 'stack_id' in task.get('publish', {})} | {'identify'}
    assert publishers == {name for name, task in TASKS.items()
                          if 'unit_path' in task.get('publish', {})} == {
        'identify', 'unit_by_name', 'find_unit'}
    assert TASKS['identify']['publish']['unit_path'] == '<% $.stack_id %>'


def test_a_tickets_name_is_made_right_before_it_is_taken():
    # The tickets hold their turns in the order of their names: a name
    # made earlier (before the checks) would let a ticket taken later sort
    # first, and two heals over a budget of one would both hold a turn.
    # Named by the last look before it is taken; the heal's turn (to give
    # back) once it was asked for, whatever the create answered.
    makers = {name for name, task in TASKS.items()
              if task.get('publish', {}).get('ticket') is not None}
    assert makers == {'current_server'}
    assert 'now()' in TASKS['current_server']['publish']['ticket']
    assert TASKS['take_turn']['input']['name'] == '<% $.ticket %>'
    turns = {name: task['publish']['turn'] for name, task in TASKS.items()
             if task.get('publish', {}).get('turn') is not None}
    assert turns == {'read_turns': '<% $.ticket %>',
                     'wait_turn': '<% $.ticket %>'}
    assert reachable('take_turn') >= set(turns)
    assert not set(turns) & reachable(skip={'take_turn'})
    # Taken right after the look, and again only when the list lost it.
    assert {(name, condition) for name, _k, condition in entries(
        'take_turn')} == {
        ('current_server', '<% $.turn = null and $.current = $.server %>'),
        ('read_turns', '<% $.place < 0 %>')}


def test_no_automatic_heal_is_verified_before_its_grace_ends():
    # A check is entered after the grace check has found no grace left
    # (or no server: the heal then fails under the lease), or straight
    # from the route when the cluster has no grace period.
    checks = {'check_server', 'read_alarm'}
    for check in checks:
        for name, key, condition in entries(check):
            if name == 'read_cluster_state':
                assert 'int($.grace) <= 0 and' in condition, condition
            elif name == 'grace_check' and key == 'on_success':
                assert condition.startswith('<% $.grace_left <= 0 and')
            else:
                assert name in checks | {'grace_check'}, name
    [grace] = [c for _n, _k, c in entries('grace_check')]
    assert 'int($.grace) > 0 %>' in grace
    # The wait reads the cluster's state again, then the grace.
    assert list(successors(TASKS['wait_grace'])) == ['read_cluster_state']


def test_a_verified_failure_or_a_persons_force_comes_before_the_lease():
    # Without the checks of Nova and Aodh, only the forced route (a
    # person's, allowed by role) reaches the lease.
    unchecked = reachable(skip={'check_server', 'read_alarm'})
    assert 'acquire' in unchecked
    [forced] = [t for t in TASKS['read_cluster_state']['on_complete']
                if next(iter(t)) == 'acquire']
    assert forced == {'acquire': '<% $.force %>'}
    # The route is reached only by callers who are allowed or not forcing.
    assert TASKS['identify']['on_success'][0] == {
        'refuse_not_allowed': '<% $.force and not $.allowed %>'}


def test_no_automatic_heal_reaches_the_lease_past_the_circuit_breaker():
    # Without the breaker's count, a verified failure (not forced) never
    # reaches the lease: only a person's force does.
    unforced = reachable(skip={'count_recent'})
    assert 'acquire' in unforced
    into_lease = {name for name in unforced
                  if 'acquire' in successors(TASKS[name])}
    assert into_lease - reachable('acquire') == {'read_cluster_state'}
    # A tripped breaker refuses: nothing from its trip leads to a heal.
    assert not reachable('trip') & {'acquire', 'mark', 'update_unit'}
    # A suspended cluster is refused before anything is checked.
    assert {'refuse_suspended': '<% not $.force and not $.paused and '
            '$.suspended %>'} in TASKS['read_cluster_state']['on_complete']


@pytest.mark.parametrize('template', BUNDLED.templates, ids=lambda t: t.id)
def test_each_cluster_tells_its_healing_the_heal_scope(template):
    healing = FILES[template.template]['resources']['healing']['properties']
    assert healing['heal_scope'] == template.heal_scope
    # A heal never updates the cluster: that would re-apply the launch's
    # size (an autoscaling group resizes to desired_capacity on every
    # update) and walk every unit.
    assert template.heal_scope == 'unit'


@pytest.mark.parametrize('template', BUNDLED.templates, ids=lambda t: t.id)
def test_units_post_to_the_clusters_healing_queue(template):
    units = FILES[template.template]['resources']['units']['properties']
    definition = units.get('resource_def') or units['resource']
    assert definition['properties']['alarm_action'] == {
        'get_attr': ['healing', 'alarm_action']}


def test_the_one_trigger_starts_the_workflow_and_units_make_no_trust():
    healing = FILES['healing_workflow.yaml']['resources']
    trigger = healing['trigger']['properties']
    assert trigger['workflow_id'] == {'get_resource': 'workflow'}
    assert trigger['queue_name'] == {'get_resource': 'queue'}
    workflow_inputs = set(healing['workflow']['properties']['input'])
    # Mistral gets no defaults from Heat: every input must be given.
    assert set(trigger['input']) == workflow_inputs
    # The workflow finds the unit from the alarm the message names.
    assert trigger['input']['stack_id'] == ''
    assert trigger['input']['force'] is False
    # The alarms may post, nothing else.
    url = healing['alarm_url']['properties']
    assert (url['paths'], url['methods']) == (['messages'], ['POST'])

    unit = FILES['unit.yaml']['resources']
    # Nothing in a unit makes a trust (a scale-out creates units with the
    # stack's trust, which cannot make another).
    assert {r['type'] for r in unit.values()}.isdisjoint({
        'OS::Zaqar::MistralTrigger', 'OS::Zaqar::Subscription',
        'OS::Zaqar::Queue'})
    alarms = [r for r in unit.values() if r['type'] == 'OS::Aodh::EventAlarm']
    assert {a['properties']['event_type'] for a in alarms} == {
        'compute.instance.delete.*', 'compute.instance.update'}
    for alarm in alarms:
        assert alarm['properties']['alarm_actions'] == [
            {'get_param': 'alarm_action'}]
        assert 'alarm_queues' not in alarm['properties']


@pytest.mark.parametrize('template', BUNDLED.templates, ids=lambda t: t.id)
def test_manifest_entries_match_their_templates(template):
    params = FILES[template.template]['parameters']
    assert template.size_parameter in params
    assert set(template.choices) <= set(params)
    assert set(template.size_order) <= set(params)
    # What the stand-ins supply of the form's parameters, it would choose.
    assert set(STANDIN_ENV['parameter_defaults']) & set(params) <= set(
        template.choices)
    assert os.path.exists(os.path.join(template_bundle.TEMPLATES_DIR,
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


@pytest.mark.parametrize('name', sorted(FILES))
def test_heat_is_sent_each_file_in_json_with_the_yamls_data(name):
    # Heat parses a unit's nested templates again at every load of its
    # resources, and JSON ~40 times faster than YAML.
    sent = template_bundle.template_files()[name]
    data = json.loads(sent)
    assert data == template_format.parse(template_bundle.read_text(name))
    assert isinstance(data['heat_template_version'], str)
