"""The healing workflow's own expressions, evaluated by YAQL (the library
Mistral evaluates them with, set up as Mistral sets it up) on the data the
services answer: what the workflow concludes from a message, an alarm and
Heat's events, without a cloud. The integration tier runs them in Mistral."""

import datetime
import json

import pytest
import yaql
from yaql.language import factory
from yaql.language import utils as yaql_utils

from heal_dashboard import template_bundle
from heatclient.common import template_format

WORKFLOW = template_format.parse(
    template_bundle.template_files()['healing_workflow.yaml'])[
    'resources']['workflow']['properties']
TASKS = {t['name']: t for t in WORKFLOW['tasks']}
# Mistral's defaults ([yaql] options; its keyword operator is =>).
ENGINE = factory.YaqlFactory(keyword_operator='=>').create(options={
    'yaql.limitIterators': -1, 'yaql.memoryQuota': -1,
    'yaql.convertTuplesToLists': True, 'yaql.convertSetsToLists': True,
    'yaql.iterableDicts': False, 'yaql.convertOutputData': True})


def evaluate(expression, data, result=None, notification=None,
             execution=None):
    """An expression of the workflow (`<% ... %>`), with `$` the
    execution's data, task().result, env(), execution() and json_parse()
    as Mistral gives them."""
    assert expression.startswith('<%') and expression.endswith('%>')
    context = yaql.create_context()
    context.register_function(lambda: {'result': result}, name='task')
    context.register_function(lambda: {'notification': notification},
                              name='env')
    context.register_function(lambda: execution, name='execution')
    context.register_function(lambda text: json.loads(text),
                              name='json_parse')
    context['$'] = yaql_utils.convert_input_data(data)
    return ENGINE(expression[2:-2].strip()).evaluate(context=context)


MARKED = {'marked_at': '2026-12-03 05:00:10.500000+00:00',
          'server_resource': 'old-server', 'cause': 'Nova: server s is gone'}


def event(second, server, status, reason='state changed'):
    return {'event_time': '2026-12-03T05:00:%02dZ' % second,
            'physical_resource_id': server, 'resource_status': status,
            'resource_status_reason': reason}


def replacement(events):
    """(still waiting, new server, outcome, cause) from wait_replaced."""
    task = TASKS['wait_replaced']
    publish = {key: evaluate(task['publish'][key], MARKED, events)
               for key in ('new_server', 'outcome', 'cause')}
    return (evaluate(task['retry']['continue-on'], MARKED, events),
            publish['new_server'], publish['outcome'], publish['cause'])


NO_NEW_SERVER = '; Heat created no new server'


@pytest.mark.parametrize('events,why', [
    ([], NO_NEW_SERVER),
    # Before the mark: an earlier heal's replacement that failed.
    ([event(5, 'earlier-server', 'CREATE_FAILED')], NO_NEW_SERVER),
    # The server being replaced, as created long ago.
    ([event(10, 'old-server', 'CREATE_COMPLETE')], NO_NEW_SERVER),
    # The new server on its way.
    ([event(11, 'unit-server-x2k4', 'CREATE_IN_PROGRESS')],
     '; the replacement did not complete: CREATE_IN_PROGRESS: state changed'),
])
def test_the_heal_waits_for_a_new_servers_creation_to_end(events, why):
    waiting, new_server, outcome, cause = replacement(events)
    assert waiting is True
    # Its retries spent on this, the heal fails, and says why.
    assert (new_server, outcome, cause) == (None, 'failed',
                                            MARKED['cause'] + why)


def test_a_new_server_created_since_the_mark_is_the_replacement():
    # In the second of the mark too: Heat's events are to the second.
    for second in (10, 12):
        assert replacement([event(second, 'new-server', 'CREATE_COMPLETE')]) \
            == (False, 'new-server', 'replaced', MARKED['cause'])


def test_a_failed_creation_ends_the_wait_and_fails_the_heal():
    assert replacement([event(12, 'new-server', 'CREATE_FAILED',
                              'Quota exceeded')]) == (
        False, None, 'failed', MARKED['cause'] +
        '; the replacement did not complete: CREATE_FAILED: Quota exceeded')


def test_an_error_answer_is_waited_out():
    assert evaluate(TASKS['wait_replaced']['retry']['continue-on'], MARKED,
                    'HTTPServiceUnavailable: Heat is down') is True


def identified(alarm_name, body=None):
    publish = TASKS['identify']['publish']
    note = {'body': dict(body or {}, alarm_id='alarm-1',
                         alarm_name=alarm_name)}
    return (evaluate(publish['unit_name'], {}, notification=note),
            evaluate(publish['alarm_resource'], {}, notification=note))


def test_an_alarms_name_gives_its_units_stack_and_its_resource():
    assert identified('c-units-x7-0-k2j3-alarm_deleted-q9w8e7') == (
        'c-units-x7-0-k2j3', 'alarm_deleted')
    # A name that cannot be a resource's is no hint at all.
    assert identified('c-units-0-../../stacks-q9')[1] is None
    assert identified('short')[1] is None
    assert identified(None) == ('', None)
    # A notification that is not a message of Aodh's names nothing.
    for note in ('text', {'body': 'text'}, None):
        assert evaluate(TASKS['identify']['publish']['alarm_resource'], {},
                        notification=note) is None


def routes(data):
    """The tasks identify goes on to, with its publications `data`."""
    return {name for route in TASKS['identify']['on_success']
            for name, condition in route.items() if evaluate(condition, data)}


def note_of(event_type):
    return {'body': {'alarm_id': 'alarm-1', 'reason_data': {
        'type': 'event', 'event': {'event_type': event_type}}}}


def test_delete_ends_heal_yields_to_delete_starts():
    delete_end = TASKS['identify']['publish']['delete_end']
    assert evaluate(delete_end, {}, notification=note_of(
        'compute.instance.delete.end')) is True
    for note in (note_of('compute.instance.delete.start'),
                 note_of('compute.instance.update'), {'body': 'text'},
                 {'body': {'reason_data': 'text'}}, None):
        assert evaluate(delete_end, {}, notification=note) is False, note
    # Only an alarm's heal waits (a person's names its unit), and it waits
    # before anything else.
    alarm = {'allowed': False, 'force': False, 'server': 'server-1',
             'stack_id': None, 'unit_name': 'c-units-x7-0-k2j3'}
    assert routes(dict(alarm, delete_end=True)) == {'yield_to_first_heal'}
    assert routes(dict(alarm, delete_end=False)) == {'unit_by_name'}
    assert routes(dict(alarm, delete_end=True, unit_name='')) == {
        'yield_to_first_heal'}
    person = dict(alarm, allowed=True, force=True, stack_id='unit-1')
    assert routes(dict(person, delete_end=True)) == {'read_cluster_state'}
    # Then it goes the way it would have gone at once.
    after = {name: condition
             for route in TASKS['yield_to_first_heal']['on_complete']
             for name, condition in route.items()}
    for unit_name, lookup in (('c-units-x7-0-k2j3', 'unit_by_name'),
                              ('', 'find_unit')):
        assert {name for name, condition in after.items() if evaluate(
            condition, dict(alarm, unit_name=unit_name))} == {lookup}
        assert routes(dict(alarm, delete_end=False,
                           unit_name=unit_name)) == {lookup}


def read_alarm(resource, server='server-1', alarm_id='alarm-1'):
    data = {'server': server, 'alarm_id': alarm_id,
            'alarm_resource': 'alarm_deleted'}
    return (evaluate(TASKS['read_alarm']['publish']['fired_for_server'],
                     data, resource),
            evaluate(TASKS['read_alarm']['publish']['cause'], data, resource))


def alarm_resource(physical_id='alarm-1', rtype='OS::Aodh::EventAlarm',
                   server='server-1'):
    """The alarm's resource as Heat shows it, with Aodh's alarm."""
    return {'physical_resource_id': physical_id, 'resource_type': rtype,
            'attributes': {'show': {
                'state': 'alarm',
                'state_reason': 'Event <id=e1> hits the query <query=[{'
                                '"field": "traits.instance_id", "op": "eq", '
                                '"value": "%s"}]>.' % server,
                'event_rule': {'query': [{'field': 'traits.instance_id',
                                          'value': server}]}}}}


def test_an_alarm_counts_only_as_the_one_the_message_names():
    assert read_alarm(alarm_resource()) == (
        True, 'Aodh: alarm alarm_deleted is alarm, fired for server '
              'server-1')
    # The unit's resource of that name is another alarm, or no alarm.
    fired, cause = read_alarm(alarm_resource(physical_id='alarm-2'))
    assert not fired
    assert cause == "the message names alarm alarm-1, not the unit's " \
                    "alarm_deleted"
    assert not read_alarm(alarm_resource(rtype='OS::Heat::TestResource'))[0]
    # Fired for another server.
    assert not read_alarm(alarm_resource(server='server-2'))[0]


HEAT = 'http://127.0.0.1:8004/v1/p1/stacks/'


def listed(name, physical_id, stack_path):
    """A resource as Heat lists it (with nested_depth: its stack's link
    tells where it is)."""
    return {'resource_name': name, 'physical_resource_id': physical_id,
            'links': [{'rel': 'self', 'href': HEAT + stack_path +
                       '/resources/' + name},
                      {'rel': 'stack', 'href': HEAT + stack_path}]}


UNIT = {'stack_id': 'unit-1', 'unit_path': 'c-units-x7-0-k2j3/unit-1'}


def current(resources, check):
    publish = TASKS['current_server']['publish']
    data = dict(UNIT, check=check)
    return (evaluate(publish['server_resource'], data, resources),
            evaluate(publish['current'], data, resources))


def test_the_look_at_a_unit_finds_the_server_its_alarms_watch():
    server = listed('server', 'srv-1', UNIT['unit_path'])
    assert current([server], 'nova') == ('srv-1', 'srv-1')
    # A stand-in: the instance in the server's own nested stack.
    standin = listed('server', 'nested-2', UNIT['unit_path'])
    instance = listed('instance', 'inst-2', 'c-units-x7-0-k2j3-server-q/'
                                            'nested-2')
    stale = listed('instance', 'inst-1', 'c-units-x7-0-k2j3-server-p/'
                                         'nested-1')
    for order in ([standin, instance, stale], [stale, instance, standin]):
        assert current(order, 'alarm') == ('nested-2', 'inst-2')
    # Its instance not (or no longer) there: no server the alarms watch.
    assert current([standin, stale], 'alarm') == ('nested-2', None)
    # Only the unit's own server resource counts, not a nested one.
    nested_server = listed('server', 'srv-9', 'other-stack/other-id')
    assert current([nested_server], 'nova') == (None, None)
    assert current([], 'alarm') == (None, None)


def by_name(stacks, unit_name='c-units-x7-0-k2j3'):
    """(stack_id, unit_path, on to) from unit_by_name, with Heat's list of
    the stacks of the alarm's names."""
    task = TASKS['unit_by_name']
    data = {'unit_name': unit_name, 'root_stack_id': 'cluster-1'}
    found = {key: evaluate(task['publish'][key], data, stacks)
             for key in ('stack_id', 'unit_path')}
    return found['stack_id'], found['unit_path'], {
        name for route in task['on_success']
        for name, condition in route.items()
        if evaluate(condition, dict(data, **found))}


def test_an_alarms_name_gives_a_unit_only_two_levels_under_the_cluster():
    # One list: the unit's name and its group's.
    assert evaluate(TASKS['unit_by_name']['input']['filters']['name'],
                    {'unit_name': 'c-units-x7-0-k2j3'}) == [
        'c-units-x7-0-k2j3', 'c-units-x7']
    unit = {'id': 'unit-1', 'stack_name': 'c-units-x7-0-k2j3',
            'parent': 'group-1'}
    group = {'id': 'group-1', 'stack_name': 'c-units-x7',
             'parent': 'cluster-1'}
    for stacks in ([unit, group], [group, unit]):
        assert by_name(stacks) == ('unit-1', UNIT['unit_path'],
                                   {'read_cluster_state'})
    # A group of another cluster, a top-level stack, the group not listed,
    # no stack of that name, or two: find_unit decides.
    for stacks in ([unit, dict(group, parent='cluster-2')],
                   [unit, dict(group, parent=None)],
                   [dict(unit, parent=None), group], [unit], [group], [],
                   [unit, dict(unit, id='unit-2'), group]):
        assert by_name(stacks) == (None, None, {'find_unit'}), stacks
    # The unit's group is the stack its parent names, whatever its name.
    assert by_name([unit, dict(group, id='group-2')])[2] == {'find_unit'}


def test_a_units_path_from_its_alarm_is_its_ids():
    publish = TASKS['find_unit']['publish']
    alarm = listed('alarm_deleted', 'alarm-1', UNIT['unit_path'])
    for result, expected in (([alarm], ('unit-1', UNIT['unit_path'])),
                             ([], ('', ''))):
        assert tuple(evaluate(publish[key], {}, result)
                     for key in ('stack_id', 'unit_path')) == expected


@pytest.mark.parametrize('task', ['wait_replaced', 'wait_settled'])
def test_heat_is_looked_at_often_only_while_a_replacement_is_young(task):
    retry = TASKS[task]['retry']
    data = {'replace_seconds': 300}
    assert evaluate(retry['count'], data) == 350
    asked = datetime.datetime.now(datetime.timezone.utc)
    for seconds_ago, delay in ((0, 0), (0.9, 0), (1.1, 1), (11, 1),
                               (400, 1)):
        data['updating_at'] = str(
            asked - datetime.timedelta(seconds=seconds_ago))
        assert evaluate(retry['delay'], data) == delay, seconds_ago


def test_the_breaker_counts_failed_automatic_heals_and_the_units_heals():
    """count_recent, over Mistral's list of the cluster's executions
    labelled for the breaker (newest first, times to the second): within
    the window, the failed automatic heals other than this one, and this
    unit's automatic replacements, as Mistral recorded them. A label on a
    refusal, a person's heal, another unit's or an older one counts
    nothing."""
    now = datetime.datetime.now(datetime.timezone.utc)

    def at(seconds_ago):
        return (now - datetime.timedelta(seconds=seconds_ago)).strftime(
            '%Y-%m-%d %H:%M:%S')

    def execution(seconds_ago, state, outcome=None, requested_by='alarm',
                  unit='unit-1', execution_id='another-heal'):
        return {'id': execution_id, 'state': state,
                'created_at': at(seconds_ago),
                'input': json.dumps({'requested_by': requested_by}),
                'output': json.dumps({'outcome': outcome,
                                      'requested_by': requested_by,
                                      'unit_stack': unit})}
    executions = [
        {'id': 'this-heal', 'state': 'ERROR', 'created_at': at(1),
         'input': json.dumps({'requested_by': 'alarm'}), 'output': None},
        execution(10, 'SUCCESS', 'replaced'),
        execution(20, 'SUCCESS', 'replaced'),
        execution(30, 'SUCCESS', 'replaced', unit='unit-2'),
        execution(40, 'SUCCESS', 'replaced', requested_by='demo'),
        execution(50, 'SUCCESS', 'refused'),
        execution(60, 'SUCCESS', 'already healed'),
        execution(70, 'ERROR'),
        execution(80, 'ERROR', requested_by='demo'),
        execution(90, 'RUNNING'),
        execution(2000, 'SUCCESS', 'replaced'),
        execution(2000, 'ERROR'),
    ]
    recent = TASKS['count_recent']['publish']['recent']
    data = {'breaker_window': 900, 'breaker_reset': None,
            'stack_id': 'unit-1'}
    this = {'id': 'this-heal'}
    assert evaluate(recent, data, executions, execution=this) == {
        'failures': 1, 'unit_heals': 2}
    # Since a person resumed healing 15 s ago.
    data['breaker_reset'] = at(15)
    assert evaluate(recent, data, executions, execution=this) == {
        'failures': 0, 'unit_heals': 1}


def test_the_breaker_lists_only_its_labels_and_few_of_them():
    """Mistral filters the executions by the labels the heals give
    themselves: this unit's replacements and the failures, newest first,
    as many as decide the count (2 x breaker_heals, and a margin)."""
    listing = TASKS['count_recent']['input']
    data = {'stack_id': 'unit-1', 'breaker_heals': 3}
    assert evaluate(listing['description'], data) == (
        'in:heal-failed,heal-replaced-unit-1')
    assert (listing['sort_keys'], listing['sort_dirs']) == (
        'created_at', 'desc')
    assert evaluate(listing['limit'], data) == 26
    assert evaluate(listing['limit'], dict(data, breaker_heals='100')) == 220


@pytest.mark.parametrize('outcome, force, label', [
    ('replaced', False, 'heal-replaced-unit-1'),
    ('failed', False, 'heal-failed'),
    ('replaced', True, None),
    ('failed', True, None),
    ('already healed', False, None),
    ('marked', False, None),
    ('refused', False, None),
])
def test_an_automatic_heal_labels_itself_when_it_replaced_or_failed(
        outcome, force, label):
    """What record_outcome writes on the execution, reached from the end of
    every heal (after the lease and the turn are given back, with or
    without a turn) only for automatic heals that replaced or failed; a
    failed heal then fails its execution."""
    data = {'outcome': outcome, 'force': force, 'stack_id': 'unit-1'}
    for turn in (None, 'heal-turn-c-1'):
        data['turn'] = turn
        ends = ['release'] + (['release_turn'] if turn else [])
        taken = set()
        for name in ends:
            taken |= {next(iter(t)) for t in TASKS[name]['on_complete']
                      if evaluate(next(iter(t.values())), data)}
        assert ('record_outcome' in taken) == (label is not None), taken
        assert ('failed' in taken) == (force and outcome == 'failed')
    record = TASKS['record_outcome']
    assert record['input']['id'] == '<% execution().id %>'
    assert record['input']['state'] is None
    if label:
        assert evaluate(record['input']['description'], data) == label
    assert [next(iter(t)) for t in record['on_complete']
            if evaluate(next(iter(t.values())), data)] == (
        ['failed'] if outcome == 'failed' else [])


@pytest.mark.parametrize('force, route', [(False, 'record_outcome'),
                                          (True, 'failed')])
def test_a_heal_that_never_got_the_lease_is_labelled_as_a_failure(force,
                                                                   route):
    """lease_timeout ends a heal that held no lease: an automatic one is
    labelled heal-failed on its way to failing, a forced one just fails."""
    data = {'outcome': 'failed', 'force': force, 'stack_id': 'unit-1'}
    assert [next(iter(t)) for t in TASKS['lease_timeout']['on_success']
            if evaluate(next(iter(t.values())), data)] == [route]
    assert TASKS['lease_timeout']['publish']['outcome'] == 'failed'
