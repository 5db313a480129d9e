"""The health model, over the api layer's records."""

import datetime
import json

import pytest

from heal_dashboard import health
from heal_dashboard import records
from tests.test_data import BUILT
from tests.test_data import CPU_HIGH
from tests.test_data import SCALING_PARAMETERS
from tests.test_data import SCALING_TEMPLATE
from tests.test_data import SCALING_TOP
from tests.test_data import HEALING
from tests.test_data import QUEUE
from tests.test_data import all_alarms
from tests.test_data import fired_reason
from tests.test_data import all_queues
from tests.test_data import cluster_resources
from tests.test_data import execution
from tests.test_data import pool_members
from tests.test_data import resource
from tests.test_data import servers
from tests.test_data import signal
from tests.test_data import unit_resources


def stack(stack_id, name, parent=None, status='CREATE_COMPLETE', tags=None):
    return records.Stack(id=stack_id, stack_name=name, parent=parent,
                         stack_status=status, stack_status_reason='',
                         creation_time=BUILT, tags=tags)


def template_of(cluster):
    return 'fixed'


def test_units_are_the_stacks_of_the_units_group():
    cluster = stack('c', 'web')
    stacks = [
        cluster,
        stack('g', 'web-units-aaaa', parent='c'),
        stack('w', 'web-healing-bbbb', parent='c'),
        stack('u1', 'web-units-aaaa-0-x', parent='g'),
        stack('u2', 'web-units-aaaa-1-y', parent='g'),
        # A resource nested in a unit (a stand-in server) is no unit.
        stack('s1', 'web-units-aaaa-0-x-server-z', parent='u1'),
        # Another cluster whose name starts alike.
        stack('c2', 'web-units'),
        stack('g2', 'web-units-units-cccc', parent='c2'),
        stack('v1', 'web-units-units-cccc-0-q', parent='g2'),
    ]
    assert [u.id for u in health.unit_stacks(cluster, stacks)] == [
        'u1', 'u2']


def test_summaries_count_live_units_only():
    cluster = stack('c', 'web', status='UPDATE_IN_PROGRESS')
    stacks = [
        cluster,
        stack('g', 'web-units-aaaa', parent='c'),
        stack('u1', 'web-units-aaaa-0-x', parent='g'),
        stack('u2', 'web-units-aaaa-1-y', parent='g',
              status='DELETE_IN_PROGRESS'),
    ]
    [summary] = health.summarize_clusters([cluster], stacks, template_of)
    assert summary.units == 1
    assert summary.status == 'UPDATE_IN_PROGRESS'
    assert summary.template_id == 'fixed'
    assert summary.name == 'web'


def test_a_cluster_without_its_group_yet_has_no_units():
    cluster = stack('c', 'web', status='CREATE_IN_PROGRESS')
    [summary] = health.summarize_clusters([cluster], [cluster], template_of)
    assert summary.units == 0


def test_healthy_units_join_every_service():
    resources = cluster_resources(unit_resources(0), unit_resources(1))

    units = health.units(resources, servers(2), all_alarms(2),
                         all_queues(), [])

    assert [u.name for u in units] == ['0', '1']
    first = units[0]
    assert first.health == health.HEALTHY
    assert first.stack_id == 'unit-0'
    assert first.server_id == 'server-0'
    assert first.server_name == 'vm-0'
    assert first.server_status == 'ACTIVE'
    assert [(a.kind, a.state) for a in first.alarms] == [
        ('deleted', 'ok'), ('stopped', 'ok'), ('error', 'ok')]
    # One queue protects every unit.
    assert first.queue == health.QueueState(QUEUE, 0, True, HEALING)
    assert units[1].queue == first.queue
    assert first.last_execution is None
    assert first.settled


def test_units_join_their_pool_members_by_the_member_resource():
    resources = cluster_resources(unit_resources(0), unit_resources(1),
                                  octavia=True)
    members = pool_members(2)
    del members['member-1']
    assert health.pool_id(resources) == 'pool-1'
    units = health.units(resources, alarms=all_alarms(2),
                         queues=all_queues(), members=members)
    assert units[0].member == health.MemberState(
        'member-0', address='10.20.0.10', port=80, provisioning='ACTIVE',
        operating='ONLINE')
    assert units[1].member == health.MemberState(
        'member-1', provisioning=health.MEMBER_MISSING)
    # The pool is what the units' health is not judged by.
    assert [u.health for u in units] == ['healthy', 'healthy']


def test_a_stand_in_pool_is_no_octavia_pool():
    resources = cluster_resources(unit_resources(0))
    assert health.pool_id(resources) is None
    assert health.units(resources)[0].member is None


def test_units_sort_by_number():
    resources = cluster_resources(*[unit_resources(i) for i in (10, 2, 0)])
    assert [u.name for u in health.units(resources)] == ['0', '2', '10']


def test_a_marked_unit_is_unhealthy_with_heats_reason():
    resources = cluster_resources(unit_resources(
        0, server_status='CHECK_FAILED', reason='marked by alice'))

    [unit] = health.units(resources, servers(1), all_alarms(1),
                          all_queues(), [])

    assert unit.health == health.UNHEALTHY
    assert unit.reasons == ['marked unhealthy: marked by alice']
    assert not unit.settled


@pytest.mark.parametrize('status', ['ERROR', 'SHUTOFF'])
def test_a_failed_server_is_unhealthy(status):
    [unit] = health.units(cluster_resources(unit_resources(0)),
                          servers(1, status), all_alarms(1), all_queues())
    assert unit.health == health.UNHEALTHY
    assert unit.reasons == ['server is %s' % status]


def test_a_server_missing_from_nova_is_gone():
    [unit] = health.units(cluster_resources(unit_resources(0)), {},
                          all_alarms(1), all_queues())
    assert unit.reasons == ['server is gone']


# BUILT plus a number of seconds, as the page judges it (naive UTC).
def after_built(seconds):
    return datetime.datetime(2026, 11, 25, 10, 0, 0) + datetime.timedelta(
        seconds=seconds)


def test_a_new_server_counts_down_its_grace_and_then_is_judged_as_usual():
    resources = cluster_resources(unit_resources(0))
    for seconds, left in ((0, 60), (10.5, 50), (59.2, 1), (60, 0),
                          (3600, 0)):
        [unit] = health.units(resources, servers(1), all_alarms(1),
                              all_queues(), grace=60,
                              now=after_built(seconds))
        assert unit.grace_left == left
        assert unit.health == health.HEALTHY
        assert unit.reasons == (['in grace (%d s left)' % left] if left
                                else [])
        # Refreshed while it counts down, so the page shows the judgement.
        assert unit.settled == (not left)
    # No grace: none left, whatever the server's age.
    [unit] = health.units(resources, servers(1), all_alarms(1),
                          all_queues(), now=after_built(0))
    assert unit.grace_left == 0


def test_a_failure_in_grace_says_it_waits_for_the_grace():
    [unit] = health.units(cluster_resources(unit_resources(0)),
                          servers(1, 'ERROR'), all_alarms(1), all_queues(),
                          grace=60, now=after_built(15))
    assert unit.health == health.UNHEALTHY
    assert unit.reasons == ['server is ERROR', 'in grace: healed when it '
                            'ends, if the failure still stands (45 s left)']


def test_a_unit_being_healed_is_not_in_grace():
    [unit] = health.units(cluster_resources(unit_resources(
        0, unit_status='UPDATE_IN_PROGRESS')), servers(1), all_alarms(1),
        all_queues(), grace=60, now=after_built(15))
    assert (unit.health, unit.grace_left) == (health.HEALING, 0)


def test_heals_over_budget_wait_their_turn_in_the_order_they_came():
    resources = cluster_resources(*[unit_resources(i) for i in range(4)])
    # Unit 3's heal came first, then unit 1's (twice: a duplicate alarm),
    # then unit 0's; unit 2 is not being healed.
    turns = [records.Turn(unit='unit-%d' % i) for i in (3, 1, 0, 1)]
    failed = dict(servers(4), **{'server-0': records.Server(
        id='server-0', status='ERROR')})
    by_name = {u.name: u for u in health.units(
        resources, failed, all_alarms(4), all_queues(), turns=turns,
        budget=1)}
    assert [(by_name[n].health, by_name[n].queued, by_name[n].reasons)
            for n in '0123'] == [
        (health.HEALING, 2, ['queued for a heal (2 in line)',
                             'server is ERROR']),
        (health.HEALING, 1, ['queued for a heal (1 in line)']),
        (health.HEALTHY, 0, []),
        (health.HEALING, 0, ['being healed']),
    ]
    # A budget of 2: units 3 and 1 have their turn.
    by_name = {u.name: u for u in health.units(
        resources, failed, all_alarms(4), all_queues(), turns=turns,
        budget=2)}
    assert [by_name[n].queued for n in '0123'] == [1, 0, 0, 0]


def test_a_resize_removes_the_chosen_units_then_the_highest_numbered():
    names = ['0', '1', '2', '10']
    assert health.removed_by_resize(names, 4) == []
    assert health.removed_by_resize(names, 6) == []
    assert health.removed_by_resize(names, 2) == ['2', '10']
    assert health.removed_by_resize(names, 2, ['0']) == ['0', '10']
    assert health.removed_by_resize(names, 2, ['1', '0']) == ['0', '1']


def test_a_refresh_has_come_as_far_as_the_servers_made_since_it_began():
    resources = cluster_resources(*[unit_resources(i) for i in range(3)])
    assert health.refresh_progress(resources, BUILT) == (3, 3)
    assert health.refresh_progress(resources, '2026-11-25T10:00:01Z') == (
        0, 3)


def test_without_nova_the_server_resource_stands_in():
    [unit] = health.units(cluster_resources(unit_resources(0)), None,
                          all_alarms(1), all_queues())
    assert unit.server_status == 'CREATE_COMPLETE'
    assert unit.health == health.HEALTHY


def test_an_alarm_fired_for_the_server_it_watches_is_unhealthy():
    [unit] = health.units(
        cluster_resources(unit_resources(0)), servers(1),
        all_alarms(1, 'alarm'), all_queues())
    assert unit.health == health.UNHEALTHY
    assert 'alarm on deleted fired' in unit.reasons
    assert not any(alarm.healed for alarm in unit.alarms)


def test_an_alarm_that_fired_for_a_replaced_server_is_history():
    # Aodh keeps the alarm in alarm after the heal; Heat moved it to the
    # new server.
    [unit] = health.units(
        cluster_resources(unit_resources(0)), servers(1),
        all_alarms(1, 'alarm', fired_for='old-server-%d'), all_queues())
    assert unit.health == health.HEALTHY
    assert all(alarm.healed for alarm in unit.alarms)
    assert {alarm.fired_for for alarm in unit.alarms} == {'old-server-0'}


def test_an_alarm_set_by_hand_reads_fired():
    # No event named in Aodh's reason: nothing says it was healed.
    alarms = {alarm_id: alarm._replace(state_reason='Manually set via API')
              for alarm_id, alarm in all_alarms(1, 'alarm').items()}
    [unit] = health.units(cluster_resources(unit_resources(0)), servers(1),
                          alarms, all_queues())
    assert unit.health == health.UNHEALTHY
    assert not any(alarm.healed for alarm in unit.alarms)


def test_a_running_execution_means_healing():
    [unit] = health.units(
        cluster_resources(unit_resources(0)), servers(1), all_alarms(1),
        all_queues(), [execution(0, 'RUNNING'), execution(0, 'SUCCESS')])
    assert unit.health == health.HEALING
    assert not unit.settled
    assert unit.last_execution.state == 'RUNNING'


def test_a_heal_unfinished_for_longer_than_any_heal_has_stalled():
    [unit] = health.units(
        cluster_resources(unit_resources(0)), servers(1), all_alarms(1),
        all_queues(), [execution(0, 'RUNNING', created=BUILT)])
    assert unit.health == health.HEALTHY
    assert unit.reasons == [
        'a heal stalled (execution ex-0-RUNNING, unfinished since %s)'
        % BUILT[:19]]


def test_stalled_means_unfinished_for_longer_than_the_longest_heal():
    now = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.timezone.utc)
    assert not health.stalled('2026-12-01 11:31:00', now)
    assert health.stalled('2026-12-01 11:29:59', now)
    assert not health.stalled(None, now)


def test_a_unit_being_replaced_is_healing_and_its_new_server_shown():
    unit = unit_resources(0, unit_status='UPDATE_IN_PROGRESS')
    old_server = resource('server', 'Heal::Server', 'server-old', 'unit-0',
                          '0', status='DELETE_IN_PROGRESS')
    resources = cluster_resources(unit[:1] + unit[1:] + [old_server])

    [result] = health.units(resources, None, all_alarms(1), all_queues())

    assert result.health == health.HEALING
    assert result.server_id == 'server-0'


def test_the_newest_execution_per_unit_is_shown():
    executions = [execution(1, 'SUCCESS', requested_by='alice', heal=False),
                  execution(0, 'ERROR', error='409 stack locked'),
                  execution(0, 'SUCCESS')]
    units = health.units(cluster_resources(unit_resources(0),
                                           unit_resources(1)),
                         servers(2), all_alarms(2), all_queues(),
                         executions)
    assert units[0].last_execution.state == 'ERROR'
    assert units[0].reasons == ['last healing failed: 409 stack locked']
    assert units[0].health == health.HEALTHY
    assert units[1].last_execution.requested_by == 'alice'
    assert units[1].last_execution.heal is False


def test_a_deleted_alarm_leaves_the_unit_unprotected():
    alarms = all_alarms(1)
    del alarms['alarm_stopped-0']
    [unit] = health.units(cluster_resources(unit_resources(0)), servers(1),
                          alarms, all_queues())
    assert unit.health == health.UNPROTECTED
    assert unit.reasons == ['no alarm for stopped']
    assert unit.alarms[1].state == 'missing'


def test_an_alarm_never_created_leaves_the_unit_unprotected():
    resources = cluster_resources(unit_resources(0, skip=('alarm_error',)))
    [unit] = health.units(resources, servers(1), all_alarms(1),
                          all_queues())
    assert unit.reasons == ['no alarm for error']


def test_a_queue_without_subscription_is_unprotected():
    queues = {QUEUE: records.QueueInfo(name=QUEUE, messages=3,
                                       subscriptions=[])}
    [unit] = health.units(cluster_resources(unit_resources(0)), servers(1),
                          all_alarms(1), queues)
    assert unit.health == health.UNPROTECTED
    assert unit.queue.messages == 3
    assert unit.reasons == ['queue has no subscription']


def test_an_unconfirmed_subscription_is_no_gap():
    [unit] = health.units(cluster_resources(unit_resources(0)), servers(1),
                          all_alarms(1), all_queues(confirmed=False))
    assert unit.health == health.HEALTHY
    assert unit.queue.subscribed


def test_no_queue_resource_is_unprotected():
    resources = cluster_resources(unit_resources(0), healing_skip=('queue',))
    [unit] = health.units(resources, servers(1), all_alarms(1), {})
    assert unit.queue is None
    assert unit.reasons == ['no queue']


def test_services_that_could_not_be_asked_make_it_unknown():
    [unit] = health.units(cluster_resources(unit_resources(0)), servers(1),
                          None, None, None)
    assert unit.health == health.UNKNOWN
    assert {a.state for a in unit.alarms} == {'unknown'}
    # Heat's trigger resource stands for the subscription.
    assert unit.queue == health.QueueState(QUEUE, subscribed=True,
                                           stack_id=HEALING)


def test_without_zaqar_a_missing_trigger_means_no_subscription():
    resources = cluster_resources(unit_resources(0),
                                  healing_skip=('trigger',))
    [unit] = health.units(resources, servers(1), all_alarms(1), None)
    assert unit.queue.subscribed is False
    assert unit.health == health.UNPROTECTED


def test_ids_for_the_batched_calls():
    resources = cluster_resources(unit_resources(0), unit_resources(1))
    names = health.alarm_names(resources)
    assert len(names) == 6
    assert names['alarm_stopped-1'] == ('1', 'alarm_stopped')


def test_execution_history_names_units_and_durations():
    resources = cluster_resources(unit_resources(0), unit_resources(1))
    started = execution(1, 'SUCCESS', requested_by='alice', heal=False,
                        )._replace(created_at='2026-11-25 10:00:00',
                                   updated_at='2026-11-25 10:00:07')
    running = execution(0, 'RUNNING')
    gone = execution(5, 'ERROR', error='unit gone')

    rows = health.execution_history([running, started, gone], resources)

    assert [r['unit'] for r in rows] == ['0', '1', 'unit-5']
    assert (rows[0]['duration'], rows[0]['outcome']) == ('-', 'in progress')
    assert rows[1]['duration'] == '7 s'
    assert (rows[1]['requested_by'], rows[1]['heal']) == ('alice', False)
    assert rows[2]['detail'] == 'unit gone'


def test_a_heals_cause_in_words():
    def cause(output=None, **extra):
        run = execution(0, 'SUCCESS', **extra)._replace(output=output or {})
        [row] = health.execution_history([run], cluster_resources(
            unit_resources(0)))
        return row['cause']

    # What the workflow found when it verified the failure.
    assert cause({'failure': 'gone', 'requested_by': 'alarm'}) == \
        'server deleted'
    assert cause({'failure': 'deleting'}) == 'server being deleted'
    assert cause({'failure': 'ERROR'}) == 'server in error'
    assert cause({'failure': 'alarm_stopped'}) == 'server stopped'
    # Refused: what Nova said instead.
    assert cause({'failure': 'ACTIVE', 'outcome': 'refused'}) == \
        'server ACTIVE'
    # A person's heal, by the execution's own word on who asked.
    assert cause({'requested_by': 'alice'}) == 'asked by alice'
    assert cause(requested_by='bob') == 'asked by bob'
    # An alarm's heal still running: nothing verified yet.
    assert cause() == 'alarm fired'


# An alarm's heal as the workflow's output times it (the failure as Nova's
# event reported it, ISO with a T; the engine's own times with a space).
HEAL_TIMES = {
    'failure': '2026-12-02T10:00:00.250000', 'started': '2026-12-02 '
    '10:00:01.000000', 'marked': '2026-12-02 10:00:01.750000',
    'updating': '2026-12-02 10:00:02.000000', 'replaced': '2026-12-02 '
    '10:00:05.500000', 'settled': '2026-12-02 10:00:07.250000'}


def test_a_heal_took_from_the_failure_to_the_unit_settled():
    replaced = execution(0, 'SUCCESS')._replace(
        output={'outcome': 'replaced', 'times': HEAL_TIMES})

    [row] = health.execution_history([replaced], cluster_resources(
        unit_resources(0)))

    assert row['took'] == '7.0 s'
    assert [(str(step), seconds) for step, seconds in row['steps']] == [
        ('failure reported, heal started', 0.8),
        ('verified and marked', 0.8), ('update asked of Heat', 0.2),
        ('new server complete', 3.5), ('unit settled', 1.8)]


def test_novas_active_is_a_step_of_its_own_when_known():
    replaced = execution(0, 'SUCCESS')._replace(
        output={'outcome': 'replaced', 'times': HEAL_TIMES})
    active_at = '2026-12-02T10:00:04.250000'

    row = health.execution_row(replaced, {}, active_at=active_at)

    assert [(str(step), seconds) for step, seconds in row['steps']] == [
        ('failure reported, heal started', 0.8),
        ('verified and marked', 0.8), ('update asked of Heat', 0.2),
        ('new server ACTIVE (Nova)', 2.2), ('new server complete', 1.2),
        ('unit settled', 1.8)]
    # In columns, as make bench prints them: a stand-in's heal has no
    # ACTIVE, and its complete counts from the update.
    assert health.heal_hops(HEAL_TIMES) == [0.8, 0.8, 0.2, None, 3.5, 1.8]
    assert health.heal_hops(dict(HEAL_TIMES, active=active_at)) == [
        0.8, 0.8, 0.2, 2.2, 1.2, 1.8]


def test_a_persons_heal_counts_from_its_start_and_a_refusal_took_nothing():
    by_hand = dict(HEAL_TIMES, failure=None)
    assert health.heal_took(by_hand) == 6.2
    assert [seconds for _step, seconds in health.heal_steps(by_hand)] == [
        0.8, 0.2, 3.5, 1.8]
    refused = {'failure': HEAL_TIMES['failure'],
               'started': HEAL_TIMES['started'], 'settled': None}
    assert health.heal_took(refused) is None
    assert health.heal_took(None) is None
    # A message's failure time is its sender's word: one after the heal's
    # start is not believed.
    forged = dict(HEAL_TIMES, failure='2027-01-01T00:00:00')
    assert health.heal_took(forged) == 6.2
    assert health.heal_took(dict(HEAL_TIMES, failure='yesterday')) == 6.2


def scaling_of(units, metadata=None, signals=None, alarms=None):
    resources = cluster_resources(*[unit_resources(i)
                                    for i in range(units)]) + SCALING_TOP
    return health.scaling(resources, SCALING_PARAMETERS,
                          {'a1': CPU_HIGH} if alarms is None else alarms,
                          SCALING_TEMPLATE, metadata, signals)


def test_scaling_joins_group_size_policies_and_alarms():
    summary = scaling_of(2)
    assert (summary.current, summary.minimum, summary.maximum) == (
        2, '2', '6')
    assert [(p.name, p.status, p.adjustment, p.cooldown, p.alarm)
            for p in summary.policies] == [
        ('scale_in', 'CREATE_COMPLETE', -1, 60, None),
        ('scale_out', 'CREATE_COMPLETE', 1, 60, 'cpu_high')]
    assert summary.alarms == [
        health.ScalingAlarm('cpu_high', 'alarm', above=True,
                            cpu_percent=80.0, periods=2, granularity=60),
        health.ScalingAlarm('cpu_low', 'missing')]
    without_aodh = health.scaling(
        cluster_resources() + SCALING_TOP, {}, None)
    assert [(a.name, a.state) for a in without_aodh.alarms] == [
        ('cpu_high', 'unknown'), ('cpu_low', 'unknown')]
    assert [p.adjustment for p in without_aodh.policies] == [None, None]


def test_each_scaling_says_which_alarm_or_who_caused_it():
    summary = scaling_of(3, signals=[
        signal('scale_in', '2026-12-02T07:40:00Z',
               'alarm state changed from person to alarm (Scale In asked by '
               'demo in the dashboard)'),
        signal('scale_out', '2026-12-02T07:30:00Z',
               'alarm state changed from ok to alarm (Transition to alarm '
               'due to 2 samples outside threshold, most recent: 5e10)'),
        signal('scale_out', '2026-12-02T07:20:00Z',
               'No signal details provided', status='SIGNAL_FAILED')])
    assert [(a.at, a.policy, a.cause, a.failed) for a in summary.activity] == [
        ('2026-12-02T07:40:00', 'scale_in',
         'Scale In asked by demo in the dashboard', False),
        ('2026-12-02T07:30:00', 'scale_out',
         'cpu_high fired: Transition to alarm due to 2 samples outside '
         'threshold, most recent: 5e10', False),
        ('2026-12-02T07:20:00', 'scale_out', 'a signal that gave no reason',
         True)]
    out = [p for p in summary.policies if p.name == 'scale_out'][0]
    assert out.last_signal == summary.activity[1]


NOW = '2026-12-02T08:00:00+00:00'


@pytest.mark.parametrize('units, metadata, policy, why', [
    (3, None, 'scale_out', None),
    (3, None, 'scale_in', None),
    (6, None, 'scale_out', 'it has its maximum of 6 units'),
    (6, None, 'scale_in', None),
    (2, None, 'scale_in', 'it has its minimum of 2 units'),
    (3, {'scaling_in_progress': True}, 'scale_out',
     'a scaling is in progress'),
    # Heat's cooldown record: the end of the last scaling's cooldown.
    (3, {'cooldown_end': {'2026-12-02T08:00:30.123456': 'change : 1'},
         'scaling_in_progress': False}, 'scale_out',
     'it is in its cooldown until 2026-12-02 08:00:30 UTC'),
    (3, {'cooldown_end': {'2026-12-02T07:59:30.123456': 'change : 1'}},
     'scale_in', None),
    (3, None, 'scale_sideways', 'the cluster has no scaling policy '
     'scale_sideways'),
])
def test_a_signal_heat_would_ignore_says_why(units, metadata, policy, why):
    assert health.signal_ignored(scaling_of(units, metadata), policy,
                                 NOW) == why


def test_a_busy_group_ignores_signals():
    resources = [r._replace(resource_status='UPDATE_IN_PROGRESS')
                 if r.resource_name == 'units' else r
                 for r in cluster_resources(unit_resources(0)) + SCALING_TOP]
    busy = health.scaling(resources, SCALING_PARAMETERS, {}, SCALING_TEMPLATE)
    assert health.signal_ignored(busy, 'scale_out', NOW) == (
        'its group is busy (UPDATE_IN_PROGRESS)')


def test_switched_off_alarms_mean_self_healing_is_paused():
    alarms = {alarm_id: alarm._replace(enabled=False)
              for alarm_id, alarm in all_alarms(1).items()}
    [unit] = health.units(cluster_resources(unit_resources(0)), servers(1),
                          alarms, all_queues())
    assert unit.health == health.UNPROTECTED
    assert unit.reasons == ['self-healing paused']
    assert {a.state for a in unit.alarms} == {'disabled'}


def heat_event(at, name, status, physical_id, reason='state changed'):
    """Heat's event at 10:00:<at> of 2026-11-25."""
    return records.Event(event_time='2026-11-25T10:00:%02dZ' % at,
                         resource_name=name, resource_status=status,
                         physical_resource_id=physical_id,
                         resource_status_reason=reason)


def test_a_heal_timeline_joins_every_service_in_time_order():
    parts = health.group_unit_resources(
        cluster_resources(unit_resources(0)))['0'][1]
    now = datetime.datetime(2026, 11, 25, 10, 1, 0)
    alarm_changes = [
        records.AlarmChange(type='rule change', alarm_id='alarm_deleted-0',
                            timestamp='2026-11-25T10:00:30.5', detail='{}'),
        records.AlarmChange(
            type='state transition', alarm_id='alarm_deleted-0',
            timestamp='2026-11-25T10:00:01.123456',
            detail=json.dumps({'state': 'alarm', 'transition_reason':
                               fired_reason('server-0')}))]
    messages = [records.Message(id='m1', age=58, body={
        'alarm_id': 'alarm_deleted-0',
        'alarm_name': 'web-alarm_deleted', 'current': 'alarm',
        'reason': fired_reason('server-0')})]
    run = execution(0, 'SUCCESS')._replace(
        created_at='2026-11-25 10:00:03', updated_at='2026-11-25 10:00:20')
    events = [heat_event(5, 'server', 'CHECK_FAILED', reason='alarm',
                         physical_id=None),
              heat_event(12, 'server', 'CREATE_COMPLETE', 'server-0'),
              heat_event(14, 'member', 'CREATE_COMPLETE', 'm-new'),
              heat_event(16, 'member', 'DELETE_COMPLETE', 'm-old')]

    entries = health.timeline(parts, alarm_changes, messages, [run], events,
                              now)

    # Told in words, each service's details kept.
    assert [(e.source, e.what) for e in entries] == [
        ('Aodh', 'the deleted alarm fired: compute.instance.delete.end of '
         'server server-0'),
        ('Zaqar', 'queued: the message of the deleted alarm for server '
         'server-0'),
        ('Mistral', 'heal started by alarm'),
        ('Heat', 'server marked unhealthy: alarm'),
        ('Heat', 'new server server-0 made'),
        ('Heat', 'pool member m-new added'),
        ('Heat', 'pool member m-old removed'),
        ('Mistral', 'heal SUCCESS'),
    ]
    assert entries[1].at == '2026-11-25T10:00:02'
    # The story's pace: seconds since the entry before.
    assert [e.after for e in entries] == [None, 1, 1, 2, 7, 2, 2, 4]

    # A heal that times its steps says how long the unit was without a
    # healthy server.
    run = run._replace(output={'outcome': 'replaced', 'times': HEAL_TIMES})
    ended = health.timeline(parts, [], [], [run], [], now)[-1]
    assert ended.what == ('heal SUCCESS: alarm fired, replaced; the unit '
                          'settled on its new server 7.0 s after the failure')
    run.output.update(failure='gone')
    ended = health.timeline(parts, [], [], [run], [], now)[-1]
    assert ended.what.startswith('heal SUCCESS: server deleted, replaced;')


def test_a_timeline_leaves_heats_steps_out_and_keeps_a_seconds_order():
    parts = health.group_unit_resources(
        cluster_resources(unit_resources(0)))['0'][1]

    def event(at, name, status, reason='state changed'):
        return heat_event(at, name, status, name + '-id', reason)
    # Newest first, as Heat lists them.
    events = [event(9, 'old-server', 'DELETE_COMPLETE'),
              event(9, 'web-units-0', 'UPDATE_COMPLETE',
                    'Stack UPDATE completed successfully'),
              event(8, 'alarm_error', 'UPDATE_COMPLETE'),
              event(8, 'alarm_error', 'UPDATE_IN_PROGRESS'),
              event(7, 'member', 'UPDATE_COMPLETE',
                    'The Resource member requires replacement.'),
              event(6, 'alarms_loaded', 'CREATE_COMPLETE'),
              event(5, 'server', 'DELETE_COMPLETE'),
              event(5, 'server', 'DELETE_IN_PROGRESS'),
              event(5, 'web-units-0', 'UPDATE_IN_PROGRESS',
                    'Stack UPDATE started')]

    entries = health.timeline(parts, [], [], [], events,
                              datetime.datetime(2026, 11, 25, 10, 1))

    assert [e.what for e in entries] == [
        'unit update started', 'old server being removed',
        'old server server-id removed',
        'the error alarm now watches the new server', 'unit updated',
        # Not a part the story knows: as Heat says it.
        'old-server DELETE_COMPLETE: state changed']


def test_a_timeline_without_some_services_shows_the_rest():
    parts = health.group_unit_resources(
        cluster_resources(unit_resources(0)))['0'][1]
    entries = health.timeline(parts, None, None, [execution(0, 'RUNNING')],
                              None, datetime.datetime(2026, 1, 1))
    assert [e.source for e in entries] == ['Mistral']
