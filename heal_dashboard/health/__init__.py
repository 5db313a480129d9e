"""The health model: Heat, Nova, Aodh, Zaqar, Mistral and Octavia data joined
per cluster and per unit.

Plain functions over plain data (the api layer's records, see
heal_dashboard.records), no Django and no API calls: the views fetch each
service's list once and hand it here. A service that could not be asked is
passed as None, and what depends on it is reported as unknown rather than
guessed.

One module a concern: `resources` (a cluster's resource tree, shared),
`clusters` (the Clusters list), `unit_health` (each unit's joined health),
`history` (executions, and where a heal's time went), `scaling_state`
(autoscaling), `heal_timeline` (a unit's story). What the rest of the
plugin uses is named here, so that it reads `health.units(...)`.
"""

from heal_dashboard.health.resources import ALARMS
from heal_dashboard.health.resources import QUEUE
from heal_dashboard.health.resources import TRIGGER
from heal_dashboard.health.resources import alarm_names
from heal_dashboard.health.resources import cluster_size
from heal_dashboard.health.resources import group_unit_resources
from heal_dashboard.health.resources import healing_parts
from heal_dashboard.health.resources import parse_time
from heal_dashboard.health.resources import pool_id
from heal_dashboard.health.resources import resource_id
from heal_dashboard.health.resources import stack_of
from heal_dashboard.health.resources import unit_names
from heal_dashboard.health.resources import unit_names_by_stack
from heal_dashboard.health.clusters import NEVER_CREATED
from heal_dashboard.health.clusters import failure_cause
from heal_dashboard.health.clusters import summarize_clusters
from heal_dashboard.health.clusters import unit_stacks
from heal_dashboard.health.unit_health import HEALING
from heal_dashboard.health.unit_health import HEALTHY
from heal_dashboard.health.unit_health import MEMBER_MISSING
from heal_dashboard.health.unit_health import MemberState
from heal_dashboard.health.unit_health import QueueState
from heal_dashboard.health.unit_health import UNHEALTHY
from heal_dashboard.health.unit_health import UNKNOWN
from heal_dashboard.health.unit_health import UNPROTECTED
from heal_dashboard.health.unit_health import UnitHealth
from heal_dashboard.health.unit_health import refresh_progress
from heal_dashboard.health.unit_health import removed_by_resize
from heal_dashboard.health.unit_health import units
from heal_dashboard.health.history import FINISHED
from heal_dashboard.health.history import HEAL_STEPS
from heal_dashboard.health.history import STALLED_AFTER
from heal_dashboard.health.history import UNFINISHED
from heal_dashboard.health.history import execution_history
from heal_dashboard.health.history import execution_row
from heal_dashboard.health.history import heal_hops
from heal_dashboard.health.history import heal_steps
from heal_dashboard.health.history import heal_took
from heal_dashboard.health.history import stalled
from heal_dashboard.health.history import unit_stack_of
from heal_dashboard.health.scaling_state import SCALING_ALARM
from heal_dashboard.health.scaling_state import SCALING_POLICY
from heal_dashboard.health.scaling_state import SIGNAL_BY_PERSON
from heal_dashboard.health.scaling_state import ScalingAlarm
from heal_dashboard.health.scaling_state import scaling
from heal_dashboard.health.scaling_state import scaling_history
from heal_dashboard.health.scaling_state import signal_ignored
from heal_dashboard.health.heal_timeline import timeline

__all__ = [
    'ALARMS',
    'QUEUE',
    'TRIGGER',
    'alarm_names',
    'cluster_size',
    'group_unit_resources',
    'healing_parts',
    'parse_time',
    'pool_id',
    'resource_id',
    'stack_of',
    'unit_names',
    'unit_names_by_stack',
    'NEVER_CREATED',
    'failure_cause',
    'summarize_clusters',
    'unit_stacks',
    'HEALING',
    'HEALTHY',
    'MEMBER_MISSING',
    'MemberState',
    'QueueState',
    'UNHEALTHY',
    'UNKNOWN',
    'UNPROTECTED',
    'UnitHealth',
    'refresh_progress',
    'removed_by_resize',
    'units',
    'FINISHED',
    'HEAL_STEPS',
    'STALLED_AFTER',
    'UNFINISHED',
    'execution_history',
    'execution_row',
    'heal_hops',
    'heal_steps',
    'heal_took',
    'stalled',
    'unit_stack_of',
    'SCALING_ALARM',
    'SCALING_POLICY',
    'SIGNAL_BY_PERSON',
    'ScalingAlarm',
    'scaling',
    'scaling_history',
    'signal_ignored',
    'timeline',
]
