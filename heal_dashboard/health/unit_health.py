"""Each unit's joined health: its server (Nova), Heat's mark, its alarms
(Aodh), the cluster's healing queue (Zaqar), its last heal (Mistral), its pool
member (Octavia), its grace period and its place in the heal queue."""

import dataclasses
import datetime
import math

from heal_dashboard.health.alarm_reasons import alarm_reason
from heal_dashboard.health.alarm_reasons import watched_server
from heal_dashboard.health.history import ExecutionState
from heal_dashboard.health.history import executions_by_unit_stack
from heal_dashboard.health.resources import ALARMS
from heal_dashboard.health.resources import MEMBER
from heal_dashboard.health.resources import QUEUE
from heal_dashboard.health.resources import SERVER
from heal_dashboard.health.resources import TRIGGER
from heal_dashboard.health.resources import group_unit_resources
from heal_dashboard.health.resources import healing_parts
from heal_dashboard.health.resources import stack_id_of
from heal_dashboard.health.resources import to_the_second
from heal_dashboard.health.resources import unit_order
from heal_dashboard.said import N_
from heal_dashboard.said import Said


# Overall health of a unit, most pressing first.
HEALING = 'healing'


UNHEALTHY = 'unhealthy'


UNPROTECTED = 'unprotected'


UNKNOWN = 'unknown'


HEALTHY = 'healthy'


SERVER_FAILED = ('ERROR', 'SHUTOFF', 'DELETED', 'SOFT_DELETED', 'SUSPENDED')


@dataclasses.dataclass(frozen=True)
class AlarmState:
    kind: str        # deleted, stopped or error: what it watches for
    alarm_id: str
    state: str       # ok, alarm, insufficient data, disabled, missing
                     # or unknown
    # The server Aodh's record says it last fired for (None: not known).
    fired_for: str = None
    # It fired for an earlier server of the unit: the failure it saw was
    # healed (an event alarm stays in alarm after the heal, watching the
    # new server).
    healed: bool = False


@dataclasses.dataclass(frozen=True)
class QueueState:
    """The cluster's healing queue, which every unit's alarms post to."""
    name: str
    messages: int = None      # None: unknown
    subscribed: bool = None   # a subscription exists
    stack_id: str = None      # the healing stack, holding queue and trigger


@dataclasses.dataclass(frozen=True)
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


def status_of(resource):
    """A resource's status, '' for none (the resource is missing)."""
    return (resource.resource_status or '') if resource else ''


def member_state(member_resource, members):
    """The unit's pool member from Octavia's list of the pool's members
    ({id: member}), or None when there is none to ask about."""
    member_id = member_resource.physical_resource_id \
        if member_resource else None
    if members is None or not member_id:
        return None
    member = members.get(member_id)
    if member is None:
        return MemberState(member_id, provisioning=MEMBER_MISSING)
    return MemberState(member_id, address=member.address,
                       port=member.protocol_port,
                       provisioning=member.provisioning_status,
                       operating=member.operating_status)


def fired_for(alarm):
    """The server an event alarm last fired for, from Aodh's reason; None
    when the reason names none (never fired, or set by hand)."""
    return alarm_reason(alarm.state_reason)[1]


def alarm_states(parts, alarms):
    """The unit's alarms. One that fired for another server than the one
    it watches now (Heat moved it to the replacement) saw a failure that
    was healed."""
    states = []
    for resource_name, kind in ALARMS:
        resource = parts.get(resource_name)
        alarm_id = (resource.physical_resource_id if resource
                    else None)
        if not alarm_id:
            states.append(AlarmState(kind, None, 'missing'))
        elif alarms is None:
            states.append(AlarmState(kind, alarm_id, 'unknown'))
        elif alarm_id not in alarms:
            states.append(AlarmState(kind, alarm_id, 'missing'))
        else:
            alarm = alarms[alarm_id]
            # A switched-off alarm (self-healing paused) evaluates nothing.
            state = (alarm.state
                     if alarm.enabled is not False else 'disabled')
            server = fired_for(alarm) if state == 'alarm' else None
            watched = watched_server(
                (alarm.event_rule or {}).get('query'))
            states.append(AlarmState(
                kind, alarm_id, state, fired_for=server,
                healed=server is not None and server != watched))
    return states


def queue_state(parts, queues):
    """The healing queue from the healing stack's parts and Zaqar's
    {queue name: {'messages': n, 'subscriptions': [...]}} (or None)."""
    resource = parts.get(QUEUE)
    name = resource.physical_resource_id if resource else None
    if not name:
        return None
    stack_id = stack_id_of(resource)
    if queues is None or name not in queues:
        # Without Zaqar's word, Heat's: the trigger is the subscription.
        trigger = parts.get(TRIGGER)
        return QueueState(name, subscribed=status_of(trigger) in (
            'CREATE_COMPLETE', 'UPDATE_COMPLETE'), stack_id=stack_id)
    info = queues[name]
    subscriptions = info.subscriptions
    return QueueState(
        name, messages=info.messages,
        subscribed=None if subscriptions is None else bool(subscriptions),
        stack_id=stack_id)


BEING_HEALED = Said(N_('being healed or updated'))


def judge(unit_status, server_resource, server_status, alarms, queue,
          execution, server_known):
    """(health, reasons) of one unit from its joined state."""
    server_resource_status = status_of(server_resource)
    if (execution and execution.state == 'RUNNING'
            and not execution.stalled) or any(
            status.endswith('IN_PROGRESS')
            for status in (unit_status, server_resource_status)):
        return HEALING, [BEING_HEALED]

    problems = []
    if 'CHECK_FAILED' in (unit_status, server_resource_status):
        problems.append(Said(N_('marked unhealthy: %(why)s'), why=(
            server_resource.resource_status_reason or '-')))
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
                          since=to_the_second(execution.created)))
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


def grace_left(server_resource, grace, now):
    """Seconds the server (Heat's resource: a replacement is a new one,
    created then) has left of the cluster's grace period, as the healing
    workflow counts them: a failure is healed only once it is 0. `now` is
    naive UTC."""
    created = server_resource.creation_time \
        if server_resource else None
    if not grace or not created:
        return 0
    age = now - datetime.datetime.fromisoformat(to_the_second(created))
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
        places.setdefault(ticket.unit, max(0, index - budget + 1))
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
            key=lambda item: unit_order(item[0])):
        stack_id = unit.physical_resource_id
        server_resource = parts.get(SERVER)
        server_id = server_resource.physical_resource_id \
            if server_resource else None
        server = (servers or {}).get(server_id)
        server_status = ((server.status if server else None)
                         if servers is not None
                         else status_of(server_resource) or None)
        unit_alarms = alarm_states(parts, alarms)
        execution = latest.get(stack_id)
        health, reasons = judge(
            status_of(unit), server_resource, server_status, unit_alarms,
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
            name=name, stack_id=stack_id, status=status_of(unit),
            status_reason=unit.resource_status_reason,
            server_id=server_id,
            server_name=server.name if server else None,
            server_status=server_status,
            server_resource_status=status_of(server_resource) or None,
            alarms=unit_alarms, queue=queue, last_execution=execution,
            health=health, reasons=reasons, cluster_id=cluster_id,
            member=member_state(parts.get(MEMBER), members),
            grace_left=in_grace, queued=place or 0))
    return result


def refresh_progress(resources, since):
    """(units whose server was made since the refresh began, all units):
    a refresh replaces each unit's server."""
    units = group_unit_resources(resources).values()
    done = sum(1 for _unit, parts in units if SERVER in parts
               and to_the_second(parts[SERVER].creation_time)
               >= to_the_second(since))
    return done, len(units)


def removed_by_resize(names, size, chosen=()):
    """The units a resize of a resource group to `size` removes, as Heat
    does: the chosen ones first, then the highest-numbered."""
    chosen = [name for name in names if name in set(chosen)]
    rest = sorted((name for name in names if name not in chosen),
                  key=unit_order)
    extra = max(0, len(names) - size - len(chosen))
    return chosen + (rest[len(rest) - extra:] if extra else [])
