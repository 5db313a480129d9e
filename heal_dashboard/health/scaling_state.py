"""An autoscaling cluster's size, scaling policies, their alarms and
signals, and why Heat would ignore a signal now."""

import dataclasses
import re

from heal_dashboard import template_bundle
from heal_dashboard.health.resources import cluster_size
from heal_dashboard.health.resources import to_the_second
from heal_dashboard.said import N_
from heal_dashboard.said import Said


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
    state = alarm.state or 'missing'
    rule = alarm.gnocchi_aggregation_by_resources_threshold_rule
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
    policy = event.resource_name
    reason = event.resource_status_reason or ''
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
        at=to_the_second(event.event_time), policy=policy,
        cause=cause,
        failed=(event.resource_status or '').endswith('FAILED'))


def _scaling_alarm_resources(resources):
    return sorted((r for r in resources if not r.parent_resource
                   and r.resource_type == SCALING_ALARM),
                  key=lambda r: r.resource_name)


def _alarm_of_policy(alarm_resources, alarms):
    """{policy name: the name of the alarm that signals it}, from the
    alarms' actions in Aodh ({id: alarm}, or None)."""
    alarm_of = {}
    for resource in alarm_resources:
        found = (alarms or {}).get(resource.physical_resource_id)
        for action in found.alarm_actions or () if found else ():
            signalled = _POLICY_OF_ACTION.search(action)
            if signalled:
                alarm_of[signalled.group('policy')] = resource.resource_name
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
    top = [r for r in resources if not r.parent_resource]
    template_resources = (template or {}).get('resources') or {}

    def alarm(resource):
        if alarms is None:
            return 'unknown'
        return alarms.get(resource.physical_resource_id)

    alarm_resources = _scaling_alarm_resources(resources)
    alarm_of = _alarm_of_policy(alarm_resources, alarms)
    activity = [scaling_activity(e, alarm_of) for e in signals or ()]

    def policy(resource):
        name = resource.resource_name
        properties = (template_resources.get(name) or {}).get(
            'properties') or {}
        return ScalingPolicy(
            name, resource.resource_status or '',
            adjustment=_int_or_none(_resolved(
                properties.get('scaling_adjustment'), parameters)),
            cooldown=_int_or_none(_resolved(properties.get('cooldown'),
                                            parameters)),
            alarm=alarm_of.get(name),
            last_signal=next((a for a in activity if a.policy == name),
                             None))

    group = [r for r in top
             if r.resource_name == template_bundle.UNITS_RESOURCE]
    metadata = group_metadata or {}
    cooldown_end = metadata.get('cooldown_end')
    return Scaling(
        current=cluster_size(resources),
        minimum=parameters.get('min_size'),
        maximum=parameters.get('max_size'),
        policies=sorted((policy(r) for r in top
                         if r.resource_type == SCALING_POLICY),
                        key=lambda found: found.name),
        alarms=[scaling_alarm(r.resource_name, alarm(r))
                for r in alarm_resources],
        group_status=(group[0].resource_status or '') if group else '',
        in_progress=bool(metadata.get('scaling_in_progress')),
        cooldown_end=to_the_second(next(iter(cooldown_end)))
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
    if scaling_state.cooldown_end and to_the_second(now) < \
            scaling_state.cooldown_end:
        return Said(N_('it is in its cooldown until %(end)s UTC'),
                    end=scaling_state.cooldown_end.replace('T', ' '))
    return None
