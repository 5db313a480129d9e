"""The healing workflow's executions as a person reads them: who asked,
what came of it and why, and where each heal's time went."""

import dataclasses
import datetime

from heal_dashboard.health.resources import parse_time
from heal_dashboard.health.resources import to_the_second
from heal_dashboard.health.resources import unit_names_by_stack
from heal_dashboard.said import N_
from heal_dashboard.said import Said


# Mistral states of an execution that has not finished.
UNFINISHED = ('IDLE', 'RUNNING', 'PAUSED')


FINISHED = ('SUCCESS', 'ERROR', 'CANCELLED')


# The healing workflow's own waits end every heal within about 25 minutes
# (lease 5, Heat busy 7.5, replacement 5, settling 5, mark 1): one still
# unfinished after this lost an action when Mistral's engine stopped.
STALLED_AFTER = datetime.timedelta(minutes=30)


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
    # What its verification found (the workflow's output `failure`).
    failure: str = None
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
    started = datetime.datetime.fromisoformat(to_the_second(created)).replace(
        tzinfo=datetime.timezone.utc)
    return now - started > STALLED_AFTER


def execution_state(execution):
    params = execution.input or {}
    # The output's word on who asked comes from the execution's own
    # credentials; the input's is whatever the caller wrote.
    output = execution.output or {}
    if not isinstance(output, dict):
        output = {}
    state = execution.state
    return ExecutionState(
        id=execution.id, state=state,
        created=execution.created_at,
        updated=execution.updated_at,
        error=execution.state_info,
        requested_by=output.get('requested_by') or params.get('requested_by'),
        heal=params.get('heal'),
        outcome=output.get('outcome') or (
            'failed' if state == 'ERROR' else None),
        cause=output.get('cause'),
        failure=output.get('failure'),
        times=output.get('times') if isinstance(
            output.get('times'), dict) else None)


def unit_stack_of(execution):
    """The unit stack an execution heals: the caller's stack_id input, or
    on the alarm path (no such input) the unit the workflow found, in its
    output once it has finished."""
    output = execution.output
    return ((execution.input or {}).get('stack_id') or (
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


def execution_history(executions, resources):
    """The workflow's executions as rows: which unit, who asked, what for,
    what came of it and why, how long it took (the details are one click
    away: execution_details)."""
    unit_names = unit_names_by_stack(resources)
    return [execution_row(execution, unit_names) for execution in executions]


# What the workflow's verification found, in a person's words: Nova's
# status of the server named, or (stand-in servers) the alarm that fired.
FAILURE_WORDS = {
    'gone': Said(N_('server deleted')),
    'DELETED': Said(N_('server deleted')),
    'SOFT_DELETED': Said(N_('server deleted')),
    'deleting': Said(N_('server being deleted')),
    'alarm_deleted': Said(N_('server deleted')),
    'ERROR': Said(N_('server in error')),
    'alarm_error': Said(N_('server in error')),
    'SHUTOFF': Said(N_('server stopped')),
    'alarm_stopped': Said(N_('server stopped')),
}


def cause_words(state):
    """Why a heal ran, in words: who asked, or the failure found."""
    if state.requested_by and state.requested_by != 'alarm':
        return Said(N_('asked by %(who)s'), who=state.requested_by)
    if state.failure in FAILURE_WORDS:
        return FAILURE_WORDS[state.failure]
    if state.failure:
        return Said(N_('server %(status)s'), status=state.failure)
    return Said(N_('alarm fired'))


def execution_row(execution, unit_names, active_at=None):
    """active_at: when Nova set the new server ACTIVE (api.nova's
    server_built_at), if known: a step of its own in the breakdown."""
    state = execution_state(execution)
    params = execution.input or {}
    finished = state.state in FINISHED
    times = dict(state.times or {}, active=active_at)
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
        'cause': cause_words(state),
        'detail': state.cause or state.error or params.get('reason') or '',
        'took': _took_words(heal_took(state.times)),
        'steps': heal_steps(times),
    }


# A heal's steps in order, each named by what ends it, from the workflow's
# output `times` (the engine's clock, to the microsecond). The grace
# period and a wait in the heal queue fall in "verified and marked".
# "active" is Nova's (a real server's build event), not the workflow's:
# Heat sees it at its next poll of the server, "new server complete".
HEAL_STEPS = (
    ('started', Said(N_('failure reported, heal started'))),
    ('marked', Said(N_('verified and marked'))),
    ('updating', Said(N_('update asked of Heat'))),
    ('active', Said(N_('new server ACTIVE (Nova)'))),
    ('replaced', Said(N_('new server complete'))),
    ('settled', Said(N_('unit settled'))),
)


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


def _reached(times):
    """[(step, its words, seconds since the one before)] of the steps a
    heal reached; the first from the failure (an alarm's heal; a person's
    starts at the heal's start)."""
    instants = _instants(times)
    reached = []
    previous = instants.get('failure')
    for step, words in HEAL_STEPS:
        at = instants.get(step)
        if at is None:
            continue
        if previous is not None:
            reached.append(
                (step, words, round((at - previous).total_seconds(), 1)))
        previous = at
    return reached


def heal_steps(times):
    """[(step's words, seconds since the one before)] of the steps a heal
    reached."""
    return [(words, seconds) for _step, words, seconds in _reached(times)]


def heal_hops(times):
    """Seconds since the step before for every step of HEAL_STEPS, None
    for a step not reached: heal_steps in columns."""
    seconds = {step: seconds for step, _words, seconds in _reached(times)}
    return [seconds.get(step) for step, _words in HEAL_STEPS]


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
        began = datetime.datetime.fromisoformat(to_the_second(start))
        ended = datetime.datetime.fromisoformat(to_the_second(end))
    except ValueError:
        return '-'
    return '%d s' % (ended - began).total_seconds()
