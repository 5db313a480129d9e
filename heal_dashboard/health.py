"""The health model: Heat, Nova, Aodh, Zaqar and Mistral data joined per
cluster and per unit.

Plain functions over plain data (what the clients return, as objects or
dicts), no Django and no API calls: the views fetch each service's list once
and hand it here. A service that could not be asked is passed as None, and
what depends on it is reported as unknown rather than guessed.
"""

import dataclasses
import datetime
import json
import math
import re

from heal_dashboard import catalog
from heal_dashboard.said import N_
from heal_dashboard.said import Said

# The unit template's resources, by name.
SERVER = 'server'
# The cluster's healing stack's: the queue every unit's alarms post to.
QUEUE = 'queue'
TRIGGER = 'trigger'
MEMBER = 'member'
# The cluster's pool, in its load balancer's stack (a stand-in's is no
# Octavia pool: its units have no members to ask about).
POOL = 'pool'
OCTAVIA_POOL = 'OS::Octavia::Pool'
ALARMS = (('alarm_deleted', 'deleted'), ('alarm_stopped', 'stopped'),
          ('alarm_error', 'error'))

# Overall health of a unit, most pressing first.
HEALING = 'healing'
UNHEALTHY = 'unhealthy'
UNPROTECTED = 'unprotected'
UNKNOWN = 'unknown'
HEALTHY = 'healthy'

SERVER_FAILED = ('ERROR', 'SHUTOFF', 'DELETED', 'SOFT_DELETED', 'SUSPENDED')

# Mistral states of an execution that has not finished.
UNFINISHED = ('IDLE', 'RUNNING', 'PAUSED')
FINISHED = ('SUCCESS', 'ERROR', 'CANCELLED')
# The healing workflow's own waits end every heal within about 25 minutes
# (lease 5, Heat busy 7.5, replacement 5, settling 5, mark 1): one still
# unfinished after this lost an action when Mistral's engine stopped.
STALLED_AFTER = datetime.timedelta(minutes=30)


@dataclasses.dataclass
class ClusterSummary:
    id: str
    name: str
    template_id: str
    status: str
    status_reason: str
    created: str
    units: int


@dataclasses.dataclass
class AlarmState:
    kind: str        # deleted, stopped or error: what it watches for
    alarm_id: str
    state: str       # ok, alarm, insufficient data, disabled, missing
                     # or unknown
    fired_at: str = None
    # It fired before the unit's server was last (re)built: the failure it
    # saw was healed (an event alarm stays in alarm until it fires again).
    healed: bool = False


@dataclasses.dataclass
class QueueState:
    """The cluster's healing queue, which every unit's alarms post to."""
    name: str
    messages: int = None      # None: unknown
    subscribed: bool = None   # a subscription exists
    stack_id: str = None      # the healing stack, holding queue and trigger


@dataclasses.dataclass
class MemberState:
    """The unit's server in the load balancer's pool, as Octavia says."""
    member_id: str
    address: str = None
    port: int = None
    # Octavia's provisioning_status (ACTIVE, PENDING_*, ERROR), or
    # MISSING when the pool no longer holds it.
    provisioning: str = None
    # Octavia's operating_status (ONLINE, OFFLINE, NO_MONITOR, ERROR, ...)
    operating: str = None


MEMBER_MISSING = 'MISSING'


@dataclasses.dataclass
class ExecutionState:
    id: str
    state: str
    created: str
    updated: str
    error: str
    requested_by: str
    heal: bool
    # What the workflow did (replaced, marked, already healed, refused or
    # failed) and why, in words; None while it runs.
    outcome: str = None
    cause: str = None
    # Where the time went (the workflow's output `times`): {step: ISO}.
    times: dict = None

    @property
    def stalled(self):
        return self.state in UNFINISHED and stalled(self.created)


def stalled(created, now=None):
    """Whether an unfinished execution created then (Mistral's UTC
    timestamp) has outlived every heal: it is no heal in progress."""
    if not created:
        return False
    now = now or datetime.datetime.now(datetime.timezone.utc)
    started = datetime.datetime.fromisoformat(_seconds(created)).replace(
        tzinfo=datetime.timezone.utc)
    return now - started > STALLED_AFTER


@dataclasses.dataclass
class UnitHealth:
    name: str
    stack_id: str
    status: str
    status_reason: str
    server_id: str
    server_name: str
    server_status: str     # Nova's, or the server resource's without Nova
    server_resource_status: str
    alarms: list
    queue: QueueState
    last_execution: ExecutionState
    health: str
    reasons: list
    cluster_id: str = None
    member: MemberState = None   # None: no Octavia pool, or not asked
    # Seconds until the server is out of its grace period (see
    # grace_left); 0 once it is, or without one.
    grace_left: int = 0
    # Its place among the heals waiting their turn (the heal budget), from
    # 1; 0 when none waits.
    queued: int = 0

    @property
    def settled(self):
        """Nothing to wait for: an unhealthy unit is about to be healed,
        and one in grace will be judged when its grace ends."""
        return self.health not in (HEALING, UNHEALTHY) and not self.grace_left


def _get(item, key, default=None):
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)


def resource_status(item):
    """A stack's or a resource's status, whichever the item is."""
    return _get(item, 'stack_status') or _get(item, 'resource_status') or ''



def unit_stacks(cluster, stacks):
    """The unit stacks of a cluster, among all the project's stacks.

    A unit is a nested stack of the cluster's units group, whose own nested
    stack Heat names "<cluster>-units-<suffix>".
    """
    group_prefix = '%s-%s-' % (_get(cluster, 'stack_name'),
                               catalog.UNITS_RESOURCE)
    groups = {_get(s, 'id') for s in stacks
              if _get(s, 'parent') == _get(cluster, 'id')
              and (_get(s, 'stack_name') or '').startswith(group_prefix)}
    return [s for s in stacks if _get(s, 'parent') in groups]


# A create that did not complete: nothing to heal, only to delete.
NEVER_CREATED = ('CREATE_FAILED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE',
                 'ROLLBACK_FAILED')


def failure_cause(event):
    """A failure event of Heat's in words: which resource, and why."""
    if not event:
        return None
    return '%s: %s' % (_get(event, 'resource_name'),
                       _get(event, 'resource_status_reason') or 'no reason')


def summarize_clusters(clusters, stacks, template_id_of):
    """One summary per cluster, units counted from the nested stacks."""
    return [
        ClusterSummary(
            id=_get(cluster, 'id'),
            name=_get(cluster, 'stack_name'),
            template_id=template_id_of(cluster),
            status=_get(cluster, 'stack_status'),
            status_reason=_get(cluster, 'stack_status_reason'),
            created=_get(cluster, 'creation_time'),
            units=len([u for u in unit_stacks(cluster, stacks)
                       if not resource_status(u).startswith('DELETE')]),
        )
        for cluster in clusters
    ]


def group_unit_resources(resources):
    """{unit name: (the unit's own resource, {part name: resource})} from
    Heat's nested resource list of a cluster (nested_depth=2)."""
    units = {_get(r, 'resource_name'): r for r in resources
             if _get(r, 'parent_resource') == catalog.UNITS_RESOURCE}
    by_stack = {_get(u, 'physical_resource_id'): name
                for name, u in units.items()}
    parts = {name: {} for name in units}
    for resource in resources:
        unit = _get(resource, 'parent_resource')
        if unit in units and _stack_id_of(resource) in by_stack:
            _keep_current(parts[unit], resource)
    return {name: (units[name], parts[name]) for name in units}


def pool_id(resources):
    """The cluster's Octavia pool, from the same nested resource list;
    None with a stand-in load balancer."""
    return next((_get(r, 'physical_resource_id') for r in resources
                 if (_get(r, 'resource_name'), _get(r, 'parent_resource'),
                     _get(r, 'resource_type')) == (
                         POOL, catalog.LOAD_BALANCER_RESOURCE, OCTAVIA_POOL)),
                None)


def member_state(member_resource, members):
    """The unit's pool member from Octavia's list of the pool's members
    ({id: member}), or None when there is none to ask about."""
    member_id = _get(member_resource, 'physical_resource_id') \
        if member_resource else None
    if members is None or not member_id:
        return None
    member = members.get(member_id)
    if member is None:
        return MemberState(member_id, provisioning=MEMBER_MISSING)
    return MemberState(member_id, address=member.get('address'),
                       port=member.get('protocol_port'),
                       provisioning=member.get('provisioning_status'),
                       operating=member.get('operating_status'))


def healing_parts(resources):
    """{part name: resource} of the cluster's healing stack (its queue
    and trigger), from the same nested resource list."""
    healing = [r for r in resources
               if _get(r, 'resource_name') == catalog.HEALING_RESOURCE
               and not _get(r, 'parent_resource')]
    stack_id = _get(healing[0], 'physical_resource_id') if healing else None
    parts = {}
    for resource in resources:
        if (_get(resource, 'parent_resource') == catalog.HEALING_RESOURCE
                and _stack_id_of(resource) == stack_id):
            _keep_current(parts, resource)
    return parts


def _keep_current(parts, resource):
    name = _get(resource, 'resource_name')
    # While Heat replaces a resource, the old one (being deleted) and its
    # replacement are both listed: keep the replacement.
    if name not in parts or resource_status(parts[name]).startswith(
            'DELETE'):
        parts[name] = resource


def resource_id(resource):
    """A resource's physical id, whether the client gave an object or a
    dict."""
    return _get(resource, 'physical_resource_id')


def _stack_id_of(resource):
    """The id of the stack a resource belongs to, from its links."""
    for link in _get(resource, 'links') or ():
        if link.get('rel') == 'stack':
            return link['href'].rstrip('/').rsplit('/', 1)[-1]
    return None


def alarm_states(parts, alarms, built):
    """The unit's alarms; `built` is when its server was last (re)built:
    an alarm that fired before it saw a failure that was healed."""
    states = []
    for resource_name, kind in ALARMS:
        resource = parts.get(resource_name)
        alarm_id = _get(resource, 'physical_resource_id') if resource else None
        if not alarm_id:
            states.append(AlarmState(kind, None, 'missing'))
        elif alarms is None:
            states.append(AlarmState(kind, alarm_id, 'unknown'))
        elif alarm_id not in alarms:
            states.append(AlarmState(kind, alarm_id, 'missing'))
        else:
            alarm = alarms[alarm_id]
            # A switched-off alarm (self-healing paused) evaluates nothing.
            state = (_get(alarm, 'state')
                     if _get(alarm, 'enabled', True) else 'disabled')
            fired_at = _get(alarm, 'state_timestamp')
            states.append(AlarmState(
                kind, alarm_id, state, fired_at,
                healed=state == 'alarm' and _seconds(fired_at) < built))
    return states


def queue_state(parts, queues):
    """The healing queue from the healing stack's parts and Zaqar's
    {queue name: {'messages': n, 'subscriptions': [...]}} (or None)."""
    resource = parts.get(QUEUE)
    name = _get(resource, 'physical_resource_id') if resource else None
    if not name:
        return None
    stack_id = _stack_id_of(resource)
    if queues is None or name not in queues:
        # Without Zaqar's word, Heat's: the trigger is the subscription.
        trigger = parts.get(TRIGGER)
        return QueueState(name, subscribed=bool(trigger) and resource_status(
            trigger) in ('CREATE_COMPLETE', 'UPDATE_COMPLETE'),
            stack_id=stack_id)
    info = queues[name]
    subscriptions = _get(info, 'subscriptions')
    return QueueState(
        name, messages=_get(info, 'messages'),
        subscribed=None if subscriptions is None else bool(subscriptions),
        stack_id=stack_id)


def execution_state(execution):
    params = _get(execution, 'input') or {}
    # The output's word on who asked comes from the execution's own
    # credentials; the input's is whatever the caller wrote.
    output = _get(execution, 'output') or {}
    if not isinstance(output, dict):
        output = {}
    state = _get(execution, 'state')
    return ExecutionState(
        id=_get(execution, 'id'), state=state,
        created=_get(execution, 'created_at'),
        updated=_get(execution, 'updated_at'),
        error=_get(execution, 'state_info'),
        requested_by=output.get('requested_by') or params.get('requested_by'),
        heal=params.get('heal'),
        outcome=output.get('outcome') or (
            'failed' if state == 'ERROR' else None),
        cause=output.get('cause'),
        times=output.get('times') if isinstance(
            output.get('times'), dict) else None)


def unit_stack_of(execution):
    """The unit stack an execution heals: the caller's stack_id input, or
    on the alarm path (no such input) the unit the workflow found, in its
    output once it has finished."""
    output = _get(execution, 'output')
    return ((_get(execution, 'input') or {}).get('stack_id') or (
        output.get('unit_stack') if isinstance(output, dict) else None))


def executions_by_unit_stack(executions):
    """The newest execution for each unit stack, from a list sorted
    newest first."""
    latest = {}
    for execution in executions or ():
        stack_id = unit_stack_of(execution)
        if stack_id and stack_id not in latest:
            latest[stack_id] = execution_state(execution)
    return latest


BEING_HEALED = Said(N_('being healed or updated'))


def judge(unit_status, server_resource, server_status, alarms, queue,
          execution, server_known):
    """(health, reasons) of one unit from its joined state."""
    server_resource_status = resource_status(server_resource) \
        if server_resource else ''
    if (execution and execution.state == 'RUNNING'
            and not execution.stalled) or any(
            status.endswith('IN_PROGRESS')
            for status in (unit_status, server_resource_status)):
        return HEALING, [BEING_HEALED]

    problems = []
    if 'CHECK_FAILED' in (unit_status, server_resource_status):
        problems.append(Said(N_('marked unhealthy: %(why)s'), why=(
            _get(server_resource, 'resource_status_reason') or '-')))
    elif unit_status.endswith('FAILED'):
        problems.append(Said(N_('unit is %(status)s'), status=unit_status))
    if server_known and server_resource and server_status is None:
        problems.append(Said(N_('server is gone')))
    elif server_known and server_status in SERVER_FAILED:
        problems.append(Said(N_('server is %(status)s'),
                             status=server_status))
    problems += [Said(N_('alarm on %(kind)s fired'), kind=a.kind)
                 for a in alarms
                 if a.state == 'alarm' and not a.healed]
    notes = []
    if execution and execution.stalled:
        notes.append(Said(N_('a heal stalled (execution %(id)s, unfinished '
                             'since %(since)s)'), id=execution.id,
                          since=_seconds(execution.created)))
    if execution and execution.state == 'ERROR':
        notes.append(Said(N_('last healing failed: %(why)s'),
                          why=execution.error or ''))
    if problems:
        return UNHEALTHY, problems + notes

    gaps = [Said(N_('no alarm for %(kind)s'), kind=a.kind) for a in alarms
            if a.state == 'missing']
    if any(a.state == 'disabled' for a in alarms):
        gaps.append(Said(N_('self-healing paused')))
    if queue is None:
        gaps.append(Said(N_('no queue')))
    elif queue.subscribed is False:
        # Unconfirmed is no gap: clouds that do not require confirmation
        # (Zaqar's require_confirmation) deliver to unconfirmed ones, and
        # Zaqar does not say which kind it is.
        gaps.append(Said(N_('queue has no subscription')))
    if gaps:
        return UNPROTECTED, gaps + notes

    if any(a.state == 'unknown' for a in alarms) or (
            queue.subscribed is None):
        return UNKNOWN, [Said(N_('some services could not be asked'))] + notes
    return HEALTHY, notes


def _seconds(timestamp):
    """An ISO timestamp cut to the second: Heat writes 'Z', Aodh
    microseconds, Mistral a space for the 'T'; all sort as text once
    cut."""
    return (timestamp or '')[:19].replace(' ', 'T')


def grace_left(server_resource, grace, now):
    """Seconds the server (Heat's resource: a replacement is a new one,
    created then) has left of the cluster's grace period, as the healing
    workflow counts them: a failure is healed only once it is 0. `now` is
    naive UTC."""
    created = _get(server_resource, 'creation_time') \
        if server_resource else None
    if not grace or not created:
        return 0
    age = now - datetime.datetime.fromisoformat(_seconds(created))
    return max(0, math.ceil(grace - age.total_seconds()))


def _grace_reason(health, seconds):
    if health == UNHEALTHY:
        return Said(N_('in grace: healed when it ends, if the failure '
                       'still stands (%(seconds)d s left)'), seconds=seconds)
    return Said(N_('in grace (%(seconds)d s left)'), seconds=seconds)


def queue_places(turns, budget):
    """{unit stack id: its place in the heal queue (0: its heal has its
    turn)} from the queue's tickets, first first; a unit with two tickets
    (a duplicate heal) is at its first's."""
    places = {}
    for index, ticket in enumerate(turns or ()):
        places.setdefault(ticket.get('unit'), max(0, index - budget + 1))
    return places


def units(resources, servers=None, alarms=None, queues=None,
          executions=None, cluster_id=None, members=None, grace=0,
          now=None, turns=None, budget=1):
    """Every unit of a cluster with its joined health, in unit order.

    resources: Heat's resource list of the cluster with nested_depth=2.
    servers: {server id: server} from Nova, or None without Nova.
    alarms: {alarm id: alarm} from Aodh, or None if it was unavailable.
    queues: {queue name: {'messages': n, 'subscriptions': [...]}} from
        Zaqar, or None when it was not asked or unavailable (then the
        trigger resource in Heat stands for the subscription).
    executions: the healing workflow's executions, newest first, or None.
    members: {member id: member} of the cluster's Octavia pool, or None
        without one or when Octavia was unavailable.
    grace: the cluster's grace period (seconds), judged at `now` (naive
        UTC; the default is the current time).
    turns: the heal queue's tickets ({'unit': stack id, ...}), first
        first, of which `budget` have their turn; None if not asked.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None)
    latest = executions_by_unit_stack(executions)
    places = queue_places(turns, budget)
    # One queue protects every unit.
    queue = queue_state(healing_parts(resources), queues)
    result = []
    for name, (unit, parts) in sorted(
            group_unit_resources(resources).items(),
            key=lambda item: _unit_order(item[0])):
        stack_id = _get(unit, 'physical_resource_id')
        server_resource = parts.get(SERVER)
        server_id = _get(server_resource, 'physical_resource_id') \
            if server_resource else None
        server = (servers or {}).get(server_id)
        server_status = (_get(server, 'status') if servers is not None
                         else resource_status(server_resource) or None)
        # An alarm stays in alarm after a heal: only one that fired since
        # the server was last (re)built speaks of this server.
        unit_alarms = alarm_states(parts, alarms, _seconds(
            _get(server_resource, 'updated_time')
            or _get(server_resource, 'creation_time')))
        execution = latest.get(stack_id)
        health, reasons = judge(
            resource_status(unit), server_resource, server_status, unit_alarms,
            queue, execution, server_known=servers is not None)
        # A ticket names the unit of an alarm's heal before it has ended.
        place = places.get(stack_id)
        if place is not None:
            health, reasons = HEALING, [
                Said(N_('queued for a heal (%(place)d in line)'), place=place)
                if place else Said(N_('being healed'))] + [
                r for r in reasons if r != BEING_HEALED]
        in_grace = grace_left(server_resource, grace, now) \
            if health != HEALING else 0
        if in_grace:
            reasons = reasons + [_grace_reason(health, in_grace)]
        result.append(UnitHealth(
            name=name, stack_id=stack_id, status=resource_status(unit),
            status_reason=_get(unit, 'resource_status_reason'),
            server_id=server_id,
            server_name=_get(server, 'name') if server else None,
            server_status=server_status,
            server_resource_status=resource_status(server_resource)
            if server_resource else None,
            alarms=unit_alarms, queue=queue, last_execution=execution,
            health=health, reasons=reasons, cluster_id=cluster_id,
            member=member_state(parts.get(MEMBER), members),
            grace_left=in_grace, queued=place or 0))
    return result


def _unit_order(name):
    return (0, int(name)) if name.isdigit() else (1, name)


def unit_names(resources):
    """The cluster's units' names, in unit order."""
    return sorted(group_unit_resources(resources), key=_unit_order)


def refresh_progress(resources, since):
    """(units whose server was made since the refresh began, all units):
    a refresh replaces each unit's server."""
    units = group_unit_resources(resources).values()
    done = sum(1 for _unit, parts in units if SERVER in parts and _seconds(
        _get(parts[SERVER], 'creation_time')) >= _seconds(since))
    return done, len(units)


def removed_by_resize(names, size, chosen=()):
    """The units a resize of a resource group to `size` removes, as Heat
    does: the chosen ones first, then the highest-numbered."""
    chosen = [name for name in names if name in set(chosen)]
    rest = sorted((name for name in names if name not in chosen),
                  key=_unit_order)
    extra = max(0, len(names) - size - len(chosen))
    return chosen + (rest[len(rest) - extra:] if extra else [])


def execution_history(executions, resources):
    """The workflow's executions as rows: which unit, who asked, what for,
    what came of it and why, how long it took (the details are one click
    away: execution_details)."""
    unit_names = unit_names_by_stack(resources)
    return [execution_row(execution, unit_names) for execution in executions]


def unit_names_by_stack(resources):
    return {_get(unit, 'physical_resource_id'): name for name, (
        unit, _parts) in group_unit_resources(resources).items()}


def execution_row(execution, unit_names):
    state = execution_state(execution)
    params = _get(execution, 'input') or {}
    finished = state.state in FINISHED
    return {
        'id': state.id, 'state': state.state, 'created': state.created,
        'duration': _duration(state.created, state.updated)
        if finished else '-',
        'unit': unit_names.get(unit_stack_of(execution),
                               unit_stack_of(execution) or '-'),
        'requested_by': state.requested_by or '-',
        'heal': state.heal,
        'outcome': state.outcome or (
            'in progress' if state.state in UNFINISHED else '-'),
        'detail': state.cause or state.error or params.get('reason') or '',
        'took': _took_words(heal_took(state.times)),
        'steps': heal_steps(state.times),
    }


# A heal's steps in order, each named by what ends it, from the workflow's
# output `times` (the engine's clock, to the microsecond). The grace
# period and a wait in the heal queue fall in "verified and marked".
HEAL_STEPS = (
    ('started', Said(N_('failure reported, heal started'))),
    ('marked', Said(N_('verified and marked'))),
    ('updating', Said(N_('update asked of Heat'))),
    ('replaced', Said(N_('new server complete'))),
    ('settled', Said(N_('unit settled'))),
)


def parse_time(value):
    """A naive UTC datetime from an ISO time with a T or a space (Mistral's
    engine), with or without Z (Nova's events)."""
    return datetime.datetime.fromisoformat(
        str(value).rstrip('Z')).replace(tzinfo=None)


def _instants(times):
    """{step: naive UTC datetime} of the times that parse. The failure,
    as the alarm's event reported it (untrusted), only when it is not after
    the heal's start."""
    instants = {}
    for step, value in (times or {}).items():
        try:
            instants[step] = parse_time(value)
        except ValueError:
            continue
    failure, started = instants.get('failure'), instants.get('started')
    if failure and started and failure > started:
        del instants['failure']
    return instants


def heal_steps(times):
    """[(step, seconds since the one before)] of the steps a heal reached;
    the first from the failure (an alarm's heal; a person's starts at the
    heal's start)."""
    instants = _instants(times)
    steps = []
    previous = instants.get('failure')
    for step, words in HEAL_STEPS:
        at = instants.get(step)
        if at is None:
            continue
        if previous is not None:
            steps.append((words, round((at - previous).total_seconds(), 1)))
        previous = at
    return steps


def heal_took(times):
    """Seconds from the failure (or a person's ask) to the unit settled on
    its new server; None for a heal that did not get there."""
    instants = _instants(times)
    began = instants.get('failure') or instants.get('started')
    ended = instants.get('settled')
    if began is None or ended is None:
        return None
    return round((ended - began).total_seconds(), 1)


def _took_words(seconds):
    return '-' if seconds is None else '%.1f s' % seconds


def _duration(start, end):
    try:
        began = datetime.datetime.fromisoformat(_seconds(start))
        ended = datetime.datetime.fromisoformat(_seconds(end))
    except ValueError:
        return '-'
    return '%d s' % (ended - began).total_seconds()


SCALING_POLICY = 'OS::Heat::ScalingPolicy'
SCALING_ALARM = 'OS::Aodh::GnocchiAggregationByResourcesAlarm'


@dataclasses.dataclass
class ScalingAlarm:
    name: str
    state: str   # Aodh's state, or unknown (Aodh unavailable) / missing
    # What makes it fire, from its Gnocchi rule (None where unknown): above
    # or below cpu_percent of a vCPU for `periods` points of `granularity`.
    above: bool = None
    cpu_percent: float = None
    periods: int = None
    granularity: int = None


@dataclasses.dataclass
class ScalingActivity:
    at: str       # ISO, to the second
    policy: str
    cause: str    # which alarm fired, or what the signal's sender wrote
    failed: bool = False


@dataclasses.dataclass
class ScalingPolicy:
    name: str
    status: str              # Heat's
    adjustment: int = None   # units one signal adds (negative: removes)
    cooldown: int = None     # seconds after a scaling before the next
    alarm: str = None        # the scaling alarm that signals it
    last_signal: ScalingActivity = None


@dataclasses.dataclass
class Scaling:
    current: int
    minimum: str
    maximum: str
    policies: list   # ScalingPolicy
    alarms: list     # ScalingAlarm
    group_status: str = ''
    in_progress: bool = False   # Heat's group is applying a signal
    cooldown_end: str = None    # ISO (UTC): Heat ignores signals until then
    activity: list = ()         # ScalingActivity, newest first


# The CPU rule's threshold is nanoseconds of CPU time per point: a percent
# of one vCPU is granularity x 10^7 of them (the template's own formula).
NS_PER_PERCENT_SECOND = 10 ** 7


def scaling_alarm(name, alarm):
    """A scaling alarm's state and, from its rule, what makes it fire;
    `alarm` is Aodh's, None when Aodh has none, 'unknown' without Aodh."""
    if alarm is None or isinstance(alarm, str):
        return ScalingAlarm(name, alarm or 'missing')
    state = _get(alarm, 'state') or 'missing'
    rule = _get(alarm, 'gnocchi_aggregation_by_resources_threshold_rule')
    try:
        granularity = int(rule['granularity'])
        return ScalingAlarm(
            name, state, above=rule['comparison_operator'] in ('gt', 'ge'),
            cpu_percent=round(float(rule['threshold'])
                              / (granularity * NS_PER_PERCENT_SECOND), 1),
            periods=int(rule['evaluation_periods']),
            granularity=granularity)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return ScalingAlarm(name, state)


def cluster_size(resources):
    """How many units the cluster has now (those being deleted aside),
    from its nested resource list."""
    return len([unit for unit, _parts in group_unit_resources(
        resources).values()
        if not resource_status(unit).startswith('DELETE')])


def _resolved(value, parameters):
    """A template property's value, its get_param resolved."""
    if isinstance(value, dict) and 'get_param' in value:
        return parameters.get(value['get_param'])
    return value


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


_SIGNALLED = re.compile(r'^alarm state changed from (?P<previous>.*?) to '
                        r'alarm \((?P<reason>.*)\)$', re.S)
# What the dashboard's signals give as the previous state (api.heat).
SIGNAL_BY_PERSON = 'person'
_POLICY_OF_ACTION = re.compile(r'/resources/(?P<policy>[^/]+)/signal')


def scaling_activity(event, alarm_of):
    """A scaling policy's signal event from Heat, in words: which alarm
    fired (`alarm_of`: {policy: alarm name}), or what its sender wrote."""
    policy = _get(event, 'resource_name')
    reason = _get(event, 'resource_status_reason') or ''
    signalled = _SIGNALLED.match(reason)
    if signalled and signalled.group('previous') == SIGNAL_BY_PERSON:
        # The words of whoever sent it (the dashboard names the person).
        cause = signalled.group('reason')
    elif signalled:
        cause = '%s fired: %s' % (alarm_of.get(policy, 'an alarm'),
                                  signalled.group('reason'))
    elif reason == 'No signal details provided':
        cause = 'a signal that gave no reason'
    else:
        cause = reason
    return ScalingActivity(
        at=_seconds(_get(event, 'event_time')), policy=policy, cause=cause,
        failed=(_get(event, 'resource_status') or '').endswith('FAILED'))


def _scaling_alarm_resources(resources):
    return sorted((r for r in resources if not _get(r, 'parent_resource')
                   and _get(r, 'resource_type') == SCALING_ALARM),
                  key=lambda r: _get(r, 'resource_name'))


def _alarm_of_policy(alarm_resources, alarms):
    """{policy name: the name of the alarm that signals it}, from the
    alarms' actions in Aodh ({id: alarm}, or None)."""
    alarm_of = {}
    for resource in alarm_resources:
        found = (alarms or {}).get(_get(resource, 'physical_resource_id'))
        for action in _get(found, 'alarm_actions') or () if found else ():
            signalled = _POLICY_OF_ACTION.search(action)
            if signalled:
                alarm_of[signalled.group('policy')] = _get(
                    resource, 'resource_name')
    return alarm_of


def scaling_history(resources, alarms, signals):
    """An autoscaling cluster's scaling activity, newest first, from its
    resources, Aodh's alarms (None if unavailable) and the policies'
    signal events: what the Executions tab lists."""
    alarm_of = _alarm_of_policy(_scaling_alarm_resources(resources), alarms)
    return [scaling_activity(e, alarm_of) for e in signals or ()]


def scaling(resources, parameters, alarms, template=None,
            group_metadata=None, signals=None):
    """An autoscaling cluster's size, scaling policies, their alarms and
    their signals, from the cluster's resources (top level and units), its
    parameters, Aodh's alarms ({id: alarm}, or None if Aodh was
    unavailable), its template (the policies' properties), the group's
    metadata (Heat's cooldown record) and the policies' signal events,
    newest first; the last three None where unknown."""
    top = [r for r in resources if not _get(r, 'parent_resource')]
    template_resources = (template or {}).get('resources') or {}

    def alarm(resource):
        if alarms is None:
            return 'unknown'
        return alarms.get(_get(resource, 'physical_resource_id'))

    alarm_resources = _scaling_alarm_resources(resources)
    alarm_of = _alarm_of_policy(alarm_resources, alarms)
    activity = [scaling_activity(e, alarm_of) for e in signals or ()]

    def policy(resource):
        name = _get(resource, 'resource_name')
        properties = (template_resources.get(name) or {}).get(
            'properties') or {}
        return ScalingPolicy(
            name, resource_status(resource),
            adjustment=_int_or_none(_resolved(
                properties.get('scaling_adjustment'), parameters)),
            cooldown=_int_or_none(_resolved(properties.get('cooldown'),
                                            parameters)),
            alarm=alarm_of.get(name),
            last_signal=next((a for a in activity if a.policy == name),
                             None))

    group = [r for r in top
             if _get(r, 'resource_name') == catalog.UNITS_RESOURCE]
    metadata = group_metadata or {}
    cooldown_end = metadata.get('cooldown_end')
    return Scaling(
        current=cluster_size(resources),
        minimum=parameters.get('min_size'),
        maximum=parameters.get('max_size'),
        policies=sorted((policy(r) for r in top
                         if _get(r, 'resource_type') == SCALING_POLICY),
                        key=lambda found: found.name),
        alarms=[scaling_alarm(_get(r, 'resource_name'), alarm(r))
                for r in alarm_resources],
        group_status=resource_status(group[0]) if group else '',
        in_progress=bool(metadata.get('scaling_in_progress')),
        cooldown_end=_seconds(next(iter(cooldown_end)))
        if isinstance(cooldown_end, dict) and cooldown_end else None,
        activity=activity)


def signal_ignored(scaling_state, policy_name, now):
    """Why Heat would ignore a signal to that policy now (it records no
    event for it), in words; None if it would scale. `now`: ISO, UTC. The
    checks are Heat's, in its order."""
    policy = next((p for p in scaling_state.policies
                   if p.name == policy_name), None)
    if policy is None:
        return Said(N_('the cluster has no scaling policy %(policy)s'),
                    policy=policy_name)
    if not scaling_state.group_status.endswith('COMPLETE'):
        return Said(N_('its group is busy (%(status)s)'),
                    status=scaling_state.group_status or '-')
    minimum = _int_or_none(scaling_state.minimum)
    maximum = _int_or_none(scaling_state.maximum)
    if policy.adjustment and policy.adjustment > 0 and maximum is not None \
            and scaling_state.current >= maximum:
        return Said(N_('it has its maximum of %(units)d units'),
                    units=maximum)
    if policy.adjustment and policy.adjustment < 0 and minimum is not None \
            and scaling_state.current <= minimum:
        return Said(N_('it has its minimum of %(units)d units'),
                    units=minimum)
    if scaling_state.in_progress:
        return Said(N_('a scaling is in progress'))
    if scaling_state.cooldown_end and _seconds(now) < \
            scaling_state.cooldown_end:
        return Said(N_('it is in its cooldown until %(end)s UTC'),
                    end=scaling_state.cooldown_end.replace('T', ' '))
    return None


@dataclasses.dataclass
class TimelineEntry:
    at: str        # ISO time, to the second
    source: str    # the service that recorded it
    what: str
    # Seconds since the entry before (None for the first, or a time that
    # does not parse): the story's pace.
    after: int = None


def _alarm_change(change, kinds):
    detail = change.get('detail') or ''
    try:
        state = json.loads(detail).get('state', detail)
    except (ValueError, AttributeError):
        state = detail
    return Said(N_('alarm on %(kind)s: %(state)s'),
                kind=kinds.get(change.get('alarm_id'), '?'), state=state)


def _message(message, now):
    body = message.get('body') or {}
    if not isinstance(body, dict):
        body = {}
    at = now - datetime.timedelta(seconds=message.get('age') or 0)
    return (at.isoformat(), Said(
        N_('queued: alarm %(alarm)s went to %(state)s (%(why)s)'),
        alarm=body.get('alarm_name', '?'), state=body.get('current', '?'),
        why=body.get('reason', '')))


def timeline(unit_parts, alarm_changes, messages, executions, events, now):
    """A unit's heal story, oldest first: alarm fired (Aodh) → message
    queued (Zaqar) → execution (Mistral) → resource marked unhealthy,
    stack update, new server (Heat events). `unit_parts` are the unit's
    resources by name (health.group_unit_resources); a source that could
    not be asked is passed as None and is simply absent."""
    kinds = {_get(unit_parts[name], 'physical_resource_id'): kind
             for name, kind in ALARMS if name in unit_parts}
    # The queue is the cluster's: only this unit's alarms' messages.
    messages = [m for m in messages or ()
                if isinstance(m.get('body'), dict)
                and m['body'].get('alarm_id') in kinds]
    entries = []
    for change in alarm_changes or ():
        if change.get('type') == 'state transition':
            entries.append(TimelineEntry(_seconds(change.get('timestamp')),
                                         'Aodh', _alarm_change(change,
                                                               kinds)))
    for message in messages:
        at, what = _message(message, now)
        entries.append(TimelineEntry(_seconds(at), 'Zaqar', what))
    for execution in executions or ():
        state = execution_state(execution)
        by = state.requested_by or '?'
        entries.append(TimelineEntry(
            _seconds(state.created), 'Mistral',
            Said(N_('heal started by %(by)s'), by=by) if state.heal else
            Said(N_('mark unhealthy started by %(by)s'), by=by)))
        if state.state in FINISHED:
            entries.append(TimelineEntry(
                _seconds(state.updated), 'Mistral', _ended(state)))
    for event in events or ():
        entries.append(TimelineEntry(
            _seconds(_get(event, 'event_time')), 'Heat', _heat_event(event)))
    entries.sort(key=lambda entry: entry.at)
    for before, entry in zip(entries, entries[1:], strict=False):
        try:
            entry.after = int((parse_time(entry.at) - parse_time(
                before.at)).total_seconds())
        except ValueError:
            pass
    return entries


def _ended(state):
    if state.error:
        return Said(N_('heal %(state)s: %(why)s') if state.heal else
                    N_('mark unhealthy %(state)s: %(why)s'),
                    state=state.state, why=state.error)
    took = heal_took(state.times)
    if took is not None:
        return Said(N_('heal %(state)s: %(outcome)s; the unit settled on its '
                       'new server %(took).1f s after the failure'),
                    state=state.state, outcome=state.outcome, took=took)
    return Said(N_('heal %(state)s') if state.heal else
                N_('mark unhealthy %(state)s'), state=state.state)


# A heal's change to the load balancer, in words: Heat adds the new
# server's member, then removes the old one.
MEMBER_EVENTS = {
    'CREATE_COMPLETE': N_('pool member %(member)s added'),
    'DELETE_COMPLETE': N_('pool member %(member)s removed'),
}


def _heat_event(event):
    status = _get(event, 'resource_status')
    if _get(event, 'resource_name') == MEMBER and status in MEMBER_EVENTS:
        return Said(MEMBER_EVENTS[status],
                    member=_get(event, 'physical_resource_id'))
    return '%s %s: %s' % (_get(event, 'resource_name'), status,
                          _get(event, 'resource_status_reason') or '')


def alarm_names(resources):
    """{alarm id: (unit, alarm resource name)} of the units' alarms."""
    return {_get(r, 'physical_resource_id'): (_get(r, 'parent_resource'),
                                              _get(r, 'resource_name'))
            for r in resources
            if _get(r, 'resource_type') == 'OS::Aodh::EventAlarm'
            and _get(r, 'physical_resource_id')}
