"""A unit's heal story from every service, oldest first."""

import dataclasses
import datetime
import json

from heal_dashboard.health.alarm_reasons import alarm_reason
from heal_dashboard.health.history import FINISHED
from heal_dashboard.health.history import cause_words
from heal_dashboard.health.history import execution_state
from heal_dashboard.health.history import heal_took
from heal_dashboard.health.resources import ALARMS
from heal_dashboard.health.resources import ALARMS_LOADED
from heal_dashboard.health.resources import MEMBER
from heal_dashboard.health.resources import SERVER
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


# An alarm's state in a person's words (as on the Units tab).
ALARM_STATE_WORDS = {
    'insufficient data': N_('watching'),
    'ok': N_('watching'),
    'alarm': N_('fired'),
}


def _fired(kind, reason, words):
    """`words` naming what the alarm fired on, from Aodh's reason."""
    event_type, server = alarm_reason(reason)
    if server:
        return Said(words, kind=kind, event=event_type, server=server)
    return None


def _alarm_change(change, kinds):
    detail = change.detail or ''
    try:
        detail = json.loads(detail)
    except ValueError:
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    state = detail.get('state', '?')
    kind = kinds.get(change.alarm_id, '?')
    if state == 'alarm':
        fired = _fired(kind, detail.get('transition_reason'),
                       N_('the %(kind)s alarm fired: %(event)s of server '
                          '%(server)s'))
        if fired:
            return fired
    return Said(N_('the %(kind)s alarm: %(state)s'), kind=kind,
                state=Said(ALARM_STATE_WORDS[state])
                if state in ALARM_STATE_WORDS else state)


def _message(message, kinds, now):
    body = message.body or {}
    at = now - datetime.timedelta(seconds=message.age or 0)
    kind = kinds.get(body.get('alarm_id'), '?')
    return (at.isoformat(), _fired(
        kind, body.get('reason'), N_('queued: the message of the %(kind)s '
                                     'alarm for server %(server)s')) or Said(
        N_('queued: the message of the %(kind)s alarm (%(state)s)'),
        kind=kind, state=body.get('current', '?')))


def timeline(unit_parts, alarm_changes, messages, executions, events, now):
    """A unit's heal story, oldest first: alarm fired (Aodh) → message
    queued (Zaqar) → execution (Mistral) → resource marked unhealthy,
    stack update, new server (Heat events). `unit_parts` are the unit's
    resources by name (health.group_unit_resources); a source that could
    not be asked is passed as None and is simply absent."""
    kinds = {unit_parts[name].physical_resource_id: kind
             for name, kind in ALARMS if name in unit_parts}
    # The queue is the cluster's: only this unit's alarms' messages.
    messages = [m for m in messages or ()
                if isinstance(m.body, dict)
                and m.body.get('alarm_id') in kinds]
    entries = []
    # Aodh's history and Heat's events come newest first: taken oldest
    # first, a second's entries keep their order through the sort.
    for change in reversed(alarm_changes or ()):
        if change.type == 'state transition':
            entries.append(TimelineEntry(to_the_second(change.timestamp),
                                         'Aodh', _alarm_change(change,
                                                               kinds)))
    for message in messages:
        at, what = _message(message, kinds, now)
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
    for event in reversed(events or ()):
        what = _heat_event(event)
        if what is not None:
            entries.append(TimelineEntry(
                to_the_second(event.event_time), 'Heat', what))
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
        return Said(N_('heal %(state)s: %(cause)s, %(outcome)s; the unit '
                       'settled on its new server %(took).1f s after the '
                       'failure'), state=state.state,
                    cause=cause_words(state), outcome=state.outcome, took=took)
    if state.outcome:
        return Said(N_('heal %(state)s: %(cause)s, %(outcome)s')
                    if state.heal else
                    N_('mark unhealthy %(state)s: %(cause)s, %(outcome)s'),
                    state=state.state, cause=cause_words(state),
                    outcome=state.outcome)
    return Said(N_('heal %(state)s') if state.heal else
                N_('mark unhealthy %(state)s'), state=state.state)


# A heal in Heat's events, in words: the unit's update, its server marked,
# the new one made, the old one removed; the load balancer's member added,
# then the old removed; the alarms moved to the new server. Heat's steps in
# between (a part in progress, the alarm-cache wait) are left out; any other
# event is shown as Heat says it.
HEAT_EVENTS = {
    (SERVER, 'CHECK_FAILED'): N_('server marked unhealthy: %(reason)s'),
    (SERVER, 'CREATE_IN_PROGRESS'): N_('new server being made'),
    (SERVER, 'CREATE_COMPLETE'): N_('new server %(id)s made'),
    (SERVER, 'DELETE_IN_PROGRESS'): N_('old server being removed'),
    (SERVER, 'DELETE_COMPLETE'): N_('old server %(id)s removed'),
    (MEMBER, 'CREATE_COMPLETE'): N_('pool member %(id)s added'),
    (MEMBER, 'DELETE_COMPLETE'): N_('pool member %(id)s removed'),
}


# The unit stack's own events, by their status.
UNIT_EVENTS = {
    'CREATE_IN_PROGRESS': N_('unit being made'),
    'CREATE_COMPLETE': N_('unit made'),
    'UPDATE_IN_PROGRESS': N_('unit update started'),
    'UPDATE_COMPLETE': N_('unit updated'),
}


ALARM_RESOURCES = dict(ALARMS)


ALARM_EVENTS = {
    'CREATE_COMPLETE': N_('the %(kind)s alarm watches the server'),
    'UPDATE_COMPLETE': N_('the %(kind)s alarm now watches the new server'),
}


def _heat_event(event):
    """The event in words, or None for a step the story leaves out."""
    name = event.resource_name
    status = event.resource_status or ''
    reason = event.resource_status_reason or ''
    if (name, status) in HEAT_EVENTS:
        return Said(HEAT_EVENTS[name, status], reason=reason,
                    id=event.physical_resource_id or '?')
    # The stack's own events are named after it; Heat's reason says so.
    if reason.startswith('Stack ') and status in UNIT_EVENTS:
        return Said(UNIT_EVENTS[status])
    if name in ALARM_RESOURCES and status in ALARM_EVENTS:
        return Said(ALARM_EVENTS[status], kind=ALARM_RESOURCES[name])
    if status.endswith('IN_PROGRESS') or name == ALARMS_LOADED or (
            name == MEMBER and status == 'UPDATE_COMPLETE'):
        return None
    return '%s %s: %s' % (name, status, reason)
