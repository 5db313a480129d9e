"""Trust: a heal happens when, and only when, a unit's server really failed,
once per failure, and only because someone allowed asked. On real servers
(Nova's fake driver), as the demo user unless said; every path that starts
the healing workflow (a queue message, a direct execution, a click, an
alarm) is treated as untrusted input, and the workflow decides."""

import concurrent.futures
import datetime
import threading
import time
import uuid

import pytest
from mistralclient.api import client as mistral_client
from novaclient import client as nova_client

from devcloud import bootstrap
from devcloud import layout
from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import cluster_state
from heal_dashboard import healing
from heal_dashboard import health
from tests.integration.conftest import alarm_message
from tests.integration.conftest import executions_of
from tests.integration.conftest import new_outcomes
from tests.integration.conftest import post
from tests.integration.conftest import quiet
from tests.integration.conftest import seen_ids
from tests.integration.conftest import unit_of
from tests.integration.conftest import unit_servers
from tests.integration.conftest import replaced_one_at_a_time
from tests.integration.conftest import wait_for
from tests.integration.conftest import wait_until_replaced


@pytest.fixture(scope='module', autouse=True)
def reader():
    """demo-reader: only the reader role in project demo (made on the
    first start; made here too for clouds that began without it)."""
    bootstrap.add_reader(bootstrap.admin_client())
    return layout.READER


def nova(user=layout.DEMO):
    return nova_client.Client('2.1', session=layout.session_for(user))


def test_a_reader_posting_to_the_healing_queue_replaces_nothing(
        real_cluster):
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    unit = unit_of(request, cluster.id, '1')
    seen = seen_ids(request, cluster.id)
    foreign = str(uuid.uuid4())
    [alarm_name] = [a.name for a in api.aodh.alarms_list(request)
                    if a.alarm_id == unit.alarms[0].alarm_id]
    post(layout.READER, unit.queue.name,
         # What the reader sent: no server at all.
         {'reason': 'a reader says so'},
         # An alarm's shape, naming the unit's healthy server.
         alarm_message(unit.alarms[0].alarm_id, before['1']),
         # ... naming an alarm that is none of the cluster's.
         alarm_message(foreign, before['1']),
         # ... whose name (Heat names a unit's alarm after its stack)
         # names a stack of the project that is no unit of the cluster.
         alarm_message(foreign, before['1'],
                       cluster.stack_name + '-alarm_deleted-x'),
         # ... and the unit's alarm by its name, not by its id.
         alarm_message(foreign, before['1'], alarm_name))

    outputs = new_outcomes(request, cluster.id, None, seen, 5)

    assert sorted(o['outcome'] for o in outputs) == ['refused'] * 5
    assert sorted(o['cause'] for o in outputs) == [
        'Nova: server %s is ACTIVE' % before['1'],
        'Nova: server %s is ACTIVE' % before['1'],
        "the message names no alarm of the cluster's units (%s)" % foreign,
        "the message names no alarm of the cluster's units (%s)" % foreign,
        'the message names no server']
    # The alarm's messages were traced to their unit (by its id, by its
    # name): the server named was then found healthy.
    traced = [o for o in outputs if o['cause'].startswith('Nova')]
    assert [o['unit_stack'] for o in traced] == [unit.stack_id] * 2
    assert unit_servers(request, cluster.id) == before


def test_a_reader_starting_the_workflow_directly_replaces_nothing(
        real_cluster):
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    unit = unit_of(request, cluster.id, '1')
    seen = seen_ids(request, cluster.id, unit.stack_id)
    mistral = mistral_client.client(
        session=layout.session_for(layout.READER))
    # Mistral lets any role of the project start an execution: with the
    # dashboard's own input (a person's heal), and as an alarm would.
    for force in (True, False):
        mistral.executions.create(
            template_bundle.workflow_name(cluster.id), workflow_input={
                'root_stack_id': cluster.id, 'stack_id': unit.stack_id,
                'server_id': before['1'], 'heal': True, 'scope': 'unit',
                'force': force, 'reason': 'a reader',
                'requested_by': 'demo'})

    outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 2)

    assert {o['outcome'] for o in outputs} == {'refused'}
    causes = sorted(o['cause'] for o in outputs)
    assert causes[0] == 'Nova: server %s is ACTIVE' % before['1']
    assert causes[1].startswith('demo-reader may not heal')
    assert unit_servers(request, cluster.id) == before


def test_one_deleted_server_is_replaced_once(real_cluster):
    """Nova sends delete.start and delete.end: two alarms, two executions;
    one replaces, the other finds the server replaced."""
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    unit = unit_of(request, cluster.id, '0')
    seen = seen_ids(request, cluster.id, unit.stack_id)

    nova().servers.delete(before['0'])

    after = wait_until_replaced(request, cluster.id, '0', before['0'],
                                timeout=90)
    outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 2)
    assert sorted(o['outcome'] for o in outputs) == [
        'already healed', 'replaced']
    [replaced] = [o for o in outputs if o['outcome'] == 'replaced']
    assert replaced['server'] == before['0']
    assert replaced['new_server'] == after['0']
    assert replaced['requested_by'] == 'alarm'
    assert {u: s for u, s in after.items() if u != '0'} == {
        u: s for u, s in before.items() if u != '0'}
    # The second waited for the unit's lease, not in the cluster's queue
    # of heals, where it would hold up another unit's heal.
    [second] = [e for e in executions_of(request, cluster.id,
                                         unit.stack_id)
                if e.id not in seen
                and e.output['outcome'] == 'already healed']
    steps = {t.name for t in cluster_state.fetch_execution(
        request, cluster.id, second.id).tasks}
    assert 'current_server' in steps
    assert 'take_turn' not in steps
    # delete.end's heal gave delete.start's 2 s to verify and mark alone:
    # one of the two waited, whichever won the lease.
    waited = [any(t.name == 'yield_to_first_heal' for t in
                  cluster_state.fetch_execution(request, cluster.id,
                                                e.id).tasks)
              for e in executions_of(request, cluster.id, unit.stack_id)
              if e.id not in seen]
    assert sorted(waited) == [False, True]

    # delete.end's message again, late (a redelivery, a replay): Nova says
    # the server is gone, but it is no longer the unit's.
    seen = seen_ids(request, cluster.id, unit.stack_id)
    post(layout.DEMO, unit.queue.name, alarm_message(
        unit.alarms[0].alarm_id, before['0'],
        event_type='compute.instance.delete.end'))
    [late] = new_outcomes(request, cluster.id, unit.stack_id, seen, 1)
    assert late['outcome'] == 'already healed'
    assert unit_servers(request, cluster.id) == after


def race(*calls):
    """Run the calls at the same moment, each in a thread of its own."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()
    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(run, c) for c in calls]]


def dashboard_heal(request, cluster_id, unit):
    """What a Heal click starts, past the dashboard's own refusals (two
    workers may both pass them at once)."""
    return api.mistral.execution_create(
        request, template_bundle.workflow_name(cluster_id), {
            'root_stack_id': cluster_id, 'stack_id': unit.stack_id,
            'server_id': unit.server_id, 'heal': True, 'scope': 'unit',
            'force': True, 'reason': 'a click', 'requested_by': 'demo'},
        description='test: a click')


def test_two_heals_at_once_replace_the_unit_once(real_cluster):
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    unit = unit_of(request, cluster.id, '2')
    seen = seen_ids(request, cluster.id, unit.stack_id)

    race(lambda: dashboard_heal(request, cluster.id, unit),
         lambda: dashboard_heal(request, cluster.id, unit))

    outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 2)
    assert sorted(o['outcome'] for o in outputs) == [
        'already healed', 'replaced']
    after = unit_servers(request, cluster.id)
    assert after['2'] != before['2']
    assert nova().servers.get(after['2']).status == 'ACTIVE'


def test_an_alarm_and_a_click_racing_replace_the_unit_once(real_cluster):
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    unit = unit_of(request, cluster.id, '2')
    seen = seen_ids(request, cluster.id, unit.stack_id)

    race(lambda: nova(layout.ADMIN).servers.reset_state(before['2'],
                                                       'error'),
         lambda: dashboard_heal(request, cluster.id, unit))

    wait_until_replaced(request, cluster.id, '2', before['2'], timeout=90)
    outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 2)
    assert sorted(o['outcome'] for o in outputs) == [
        'already healed', 'replaced']


def test_paused_nothing_heals_by_itself_and_a_person_still_can(
        real_cluster):
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    unit = unit_of(request, cluster.id, '1')
    api.mistral.healing_state_update(
        request, template_bundle.healing_state_name(cluster.id), paused=True)
    try:
        seen = seen_ids(request, cluster.id, unit.stack_id)
        nova().servers.stop(before['1'])
        # The alarm fires (the pause leaves the alarms alone here) and the
        # workflow refuses.
        [refused] = new_outcomes(request, cluster.id, unit.stack_id, seen, 1)
        assert refused['outcome'] == 'refused'
        assert refused['cause'] == 'self-healing of the cluster is paused'
        assert unit_servers(request, cluster.id) == before

        healing.start(request, cluster, unit_of(request, cluster.id, '1'),
                      heal=True)
        wait_until_replaced(request, cluster.id, '1', before['1'],
                            timeout=90)
    finally:
        api.mistral.healing_state_update(
            request, template_bundle.healing_state_name(cluster.id),
            paused=False)


def test_report_only_marks_a_real_failure_and_a_person_replaces_it(
        real_cluster):
    request, cluster = real_cluster
    before = unit_servers(request, cluster.id)
    unit = unit_of(request, cluster.id, '0')
    healing.set_report_only(request, cluster.id, True)
    try:
        seen = seen_ids(request, cluster.id, unit.stack_id)
        nova().servers.stop(before['0'])
        outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 1)
        assert {o['outcome'] for o in outputs} == {'marked'}, outputs
        assert outputs[0]['cause'] == (
            'Nova: server %s is SHUTOFF; report-only: not replaced until a '
            'person heals it' % before['0'])
        marked = unit_of(request, cluster.id, '0')
        assert marked.server_resource_status == 'CHECK_FAILED'
        assert unit_servers(request, cluster.id) == before

        healing.start(request, cluster, marked, heal=True)
        wait_until_replaced(request, cluster.id, '0', before['0'],
                            timeout=90)
        quiet(request, cluster.id)
    finally:
        healing.set_report_only(request, cluster.id, False)


def test_a_replace_loop_trips_the_breaker_and_a_person_still_heals(
        real_cluster):
    """The circuit breaker, set to one heal of a unit: the unit's second
    failure is not healed automatically, the cluster says why, a person
    still heals it, and Resume lets automatic heals start again."""
    request, cluster = real_cluster
    quiet(request, cluster.id)
    state = template_bundle.healing_state_name(cluster.id)
    # Heals before this test do not count.
    api.mistral.healing_state_update(request, state, breaker_heals=1,
                                     breaker_reset=healing.breaker_now())
    unit = unit_of(request, cluster.id, '1')
    try:
        servers = unit_servers(request, cluster.id)
        nova().servers.stop(servers['1'])
        healed = wait_until_replaced(request, cluster.id, '1', servers['1'],
                                     timeout=90)
        quiet(request, cluster.id)

        # The same unit fails again: a loop, as a bad image would make.
        seen = seen_ids(request, cluster.id, unit.stack_id)
        nova().servers.stop(healed['1'])
        outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 1)
        assert {o['outcome'] for o in outputs} == {'refused'}, outputs
        suspended = api.mistral.healing_state_get(request, state)[
            'suspended']
        assert suspended['why'] == (
            'heals of one unit (%s) in 15 minutes: 1' % unit.stack_id)
        assert outputs[0]['cause'].startswith(
            'automatic healing is suspended since %s: ' % suspended['since'])
        assert unit_servers(request, cluster.id)['1'] == healed['1']

        # A person may heal meanwhile.
        healing.start(request, cluster, unit_of(request, cluster.id, '1'),
                      heal=True)
        by_hand = wait_until_replaced(request, cluster.id, '1', healed['1'],
                                      timeout=90)
        quiet(request, cluster.id)

        # Resumed: the next failure is healed by itself again.
        healing.set_self_healing(request, cluster.id, True)
        assert api.mistral.healing_state_get(request, state)[
            'suspended'] is None
        nova().servers.stop(by_hand['1'])
        wait_until_replaced(request, cluster.id, '1', by_hand['1'],
                            timeout=90)
        quiet(request, cluster.id)
    finally:
        api.mistral.healing_state_update(request, state, breaker_heals=None,
                                         suspended=None)


def server_built(request, stack_id):
    """When Heat created the unit's server (a replacement is a new
    resource): where its grace period starts."""
    created = api.heat.heatclient(request).resources.get(
        stack_id, 'server').creation_time
    return datetime.datetime.fromisoformat(created.rstrip('Z'))


GRACE = 60


def test_a_failure_in_grace_is_healed_when_it_ends_only_if_it_stands(
        real_cluster):
    """A 60 s grace: a server put in error 5 s after a replacement is
    replaced only once it is 60 s old; one put in error and repaired
    before the end of its grace is not replaced at all."""
    request, cluster = real_cluster
    quiet(request, cluster.id)
    state = template_bundle.healing_state_name(cluster.id)
    api.mistral.healing_state_update(request, state, grace=GRACE,
                                     breaker_reset=healing.breaker_now())
    admin = nova(layout.ADMIN)
    unit = unit_of(request, cluster.id, '2')
    try:
        # A person's heal does not wait: a new server, at once.
        before = unit_servers(request, cluster.id)
        healing.start(request, cluster, unit, heal=True)
        fresh = wait_until_replaced(request, cluster.id, '2', before['2'],
                                    timeout=60)
        # The person's heal gives its turn back after the unit settles;
        # while it runs the unit reads "being healed", not in grace.
        quiet(request, cluster.id)
        built = server_built(request, unit.stack_id)
        now = datetime.datetime.now(datetime.timezone.utc).replace(
            tzinfo=None)
        time.sleep(max(0, 5 - (now - built).total_seconds()))

        seen = seen_ids(request, cluster.id)
        seen_of_unit = seen_ids(request, cluster.id, unit.stack_id)
        admin.servers.reset_state(fresh['2'], 'error')
        # The alarm's heal has started, and waits out the grace.
        wait_for(lambda: seen_ids(request, cluster.id) - seen, 30,
                 what="the alarm's execution")
        waiting = unit_of(request, cluster.id, '2')
        assert waiting.health == health.UNHEALTHY
        assert 0 < waiting.grace_left <= GRACE - 5, waiting.reasons
        assert waiting.reasons[-1].startswith(
            'in grace: healed when it ends, if the failure still stands'), \
            waiting.reasons
        healed = wait_until_replaced(request, cluster.id, '2', fresh['2'],
                                     timeout=GRACE + 60)
        assert server_built(request, unit.stack_id) - built >= \
            datetime.timedelta(seconds=GRACE)
        outputs = new_outcomes(request, cluster.id, unit.stack_id,
                               seen_of_unit, 1)
        [replaced] = [o for o in outputs if o['outcome'] == 'replaced']
        assert replaced['requested_by'] == 'alarm'
        assert replaced['grace_waited'] > GRACE - 30, replaced
        quiet(request, cluster.id)

        # In error, repaired before the grace ends: nothing replaced.
        assert unit_of(request, cluster.id, '2').grace_left > 20
        seen = seen_ids(request, cluster.id)
        admin.servers.reset_state(healed['2'], 'error')
        wait_for(lambda: seen_ids(request, cluster.id) - seen, 30,
                 what="the alarm's execution")
        admin.servers.reset_state(healed['2'], 'active')
        outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 1,
                               timeout=GRACE + 30)
        assert {o['outcome'] for o in outputs} == {'refused'}, outputs
        assert outputs[0]['cause'] == 'Nova: server %s is ACTIVE' % (
            healed['2'])
        assert unit_servers(request, cluster.id)['2'] == healed['2']
    finally:
        api.mistral.healing_state_update(request, state, grace=None)


def test_over_budget_heals_wait_their_turn_one_at_a_time(real_cluster):
    """A heal budget of 1: three units' servers put in error at once are
    replaced one after another, never two at once; the page shows the
    waiting ones with their place in line; no ticket is left behind."""
    request, cluster = real_cluster
    quiet(request, cluster.id)
    state = template_bundle.healing_state_name(cluster.id)
    api.mistral.healing_state_update(request, state, budget=1,
                                     breaker_reset=healing.breaker_now())
    admin = nova(layout.ADMIN)
    before = unit_servers(request, cluster.id)
    stacks = {name: unit_of(request, cluster.id, name).stack_id
              for name in before}
    try:
        for name in sorted(before):
            admin.servers.reset_state(before[name], 'error')

        def queued():
            return sorted(u.queued for u in cluster_state.fetch(
                request, cluster.id).units if u.queued) or None
        assert wait_for(queued, 60, what='heals waiting their turn')[0] == 1
        for name in sorted(before):
            wait_until_replaced(request, cluster.id, name, before[name],
                                timeout=180)
        quiet(request, cluster.id)

        replaced_one_at_a_time(request, stacks.values())
        assert api.mistral.heal_turns(
            request, template_bundle.turns_name(cluster.id)) == []
    finally:
        api.mistral.healing_state_update(request, state, budget=None)


# An execution that never changes: its one task waits for a result that
# nothing will send, like a heal whose action was lost when its engine
# stopped.
STALLED_WORKFLOW = '''
version: '2.0'
%s:
  tasks:
    lost:
      action: std.async_noop
'''


def test_a_stalled_lease_holder_is_cancelled_and_the_unit_heals(
        real_cluster):
    """make soak found it: a heal in flight when the cloud stops keeps its
    unit's lease for good. The next heal judges the holder stalled after
    stall_polls unchanged polls, cancels it, breaks the lease, and heals."""
    request, cluster = real_cluster
    quiet(request, cluster.id)
    mistral = mistral_client.client(session=layout.session_for(layout.DEMO))
    name = 'test-stalled-%s' % uuid.uuid4().hex[:8]
    mistral.workflows.create(STALLED_WORKFLOW % name)
    unit = unit_of(request, cluster.id, '0')
    lease = 'heal-lock-' + unit.stack_id
    holder = mistral.executions.create(name)
    try:
        mistral.environments.create(name=lease, variables={
            'execution': holder.id, 'server': unit.server_id})
        before = unit_servers(request, cluster.id)
        seen = seen_ids(request, cluster.id, unit.stack_id)

        nova().servers.delete(before['0'])

        wait_until_replaced(request, cluster.id, '0', before['0'],
                            timeout=180)
        outputs = new_outcomes(request, cluster.id, unit.stack_id, seen, 2,
                               timeout=120)
        assert sorted(o['outcome'] for o in outputs) == [
            'already healed', 'replaced']
        assert mistral.executions.get(holder.id).state == 'CANCELLED'
        assert lease not in {e.name for e in mistral.environments.list()}
    finally:
        for environment in mistral.environments.list():
            if environment.name.endswith(holder.id) or (
                    environment.name == lease and mistral.environments.get(
                        lease).variables['execution'] == holder.id):
                mistral.environments.delete(environment.name)
        if mistral.executions.get(holder.id).state == 'RUNNING':
            mistral.executions.update(holder.id, 'CANCELLED')
        mistral.executions.delete(holder.id)
        mistral.workflows.delete(name)
