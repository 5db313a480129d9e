"""A unit's heal story from every service, oldest first."""

import dataclasses
import datetime
import json

from heal_dashboard.health.history import FINISHED
from heal_dashboard.health.history import execution_state
from heal_dashboard.health.history import heal_took
from heal_dashboard.health.resources import ALARMS
from heal_dashboard.health.resources import MEMBER
from heal_dashboard.health.resources import field
from heal_dashboard.health.resources import parse_time
from heal_dashboard.health.resources import to_the_second
from heal_dashboard.said import N_
from heal_dashboard.said import Said


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
    kinds = {field(unit_parts[name], 'physical_resource_id'): kind
             for name, kind in ALARMS if name in unit_parts}
    # The queue is the cluster's: only this unit's alarms' messages.
    messages = [m for m in messages or ()
                if isinstance(m.get('body'), dict)
                and m['body'].get('alarm_id') in kinds]
    entries = []
    for change in alarm_changes or ():
        if change.get('type') == 'state transition':
            entries.append(TimelineEntry(to_the_second(change.get('timestamp')),
                                         'Aodh', _alarm_change(change,
                                                               kinds)))
    for message in messages:
        at, what = _message(message, now)
        entries.append(TimelineEntry(to_the_second(at), 'Zaqar', what))
    for execution in executions or ():
        state = execution_state(execution)
        by = state.requested_by or '?'
        entries.append(TimelineEntry(
            to_the_second(state.created), 'Mistral',
            Said(N_('heal started by %(by)s'), by=by) if state.heal else
            Said(N_('mark unhealthy started by %(by)s'), by=by)))
        if state.state in FINISHED:
            entries.append(TimelineEntry(
                to_the_second(state.updated), 'Mistral', _ended(state)))
    for event in events or ():
        entries.append(TimelineEntry(
            to_the_second(field(event, 'event_time')), 'Heat',
            _heat_event(event)))
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
    status = field(event, 'resource_status')
    if field(event, 'resource_name') == MEMBER and status in MEMBER_EVENTS:
        return Said(MEMBER_EVENTS[status],
                    member=field(event, 'physical_resource_id'))
    return '%s %s: %s' % (field(event, 'resource_name'), status,
                          field(event, 'resource_status_reason') or '')
