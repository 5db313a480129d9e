"""Everything a cluster page shows, fetched in a number of calls that does
not grow with the cluster: one list call per service, run concurrently,
joined in memory by the health model (Octavia's list of the pool's members
in the same round once the pool is known, see _members).

Every unit's alarms post to the cluster's one healing queue, named after
the cluster: Zaqar's word on it (statistics and subscriptions) is asked in
the same round, whatever the size.

A service that is missing, down, slow or failing leaves its part unknown
and is named in `problems`; only Heat's read of the cluster itself is
required.
"""

import concurrent.futures
import dataclasses
import datetime
import logging

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from openstack_dashboard.api import base

from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import exceptions as heal_exceptions
from heal_dashboard import health

LOG = logging.getLogger(__name__)

SERVICE_NAMES = {
    'orchestration': _('Orchestration (Heat)'),
    'compute': _('Compute (Nova)'),
    'alarming': _('Alarming (Aodh)'),
    'messaging': _('Messaging (Zaqar)'),
    'workflowv2': _('Workflow (Mistral)'),
    'load-balancer': _('Load Balancer (Octavia)'),
}


@dataclasses.dataclass
class ClusterState:
    cluster: object
    units: list     # None when not asked for
    problems: dict  # service type: what went wrong
    # An autoscaling cluster's size, bounds and scaling alarms, from what
    # the units were read with (no policies, signals or cooldown: the
    # Overview asks for those).
    scaling: object = None


def _executor(workers):
    # A plain pool: Horizon's futurist helper waits a second for idle
    # workers on shutdown.
    return concurrent.futures.ThreadPoolExecutor(max_workers=workers)


def _alarms(request):
    return {alarm.alarm_id: alarm for alarm in api.aodh.alarms_list(
        request)}


def _queues(request, names):
    return {name: api.zaqar.queue_state(request, name) for name in names}


def _describe(error):
    return str(error) or error.__class__.__name__


def _attempter(request, problems):
    """Calls into an optional service: None, and the problem noted, when it
    is missing from the catalog or fails."""
    def attempt(service_type, function, *args):
        if not base.is_service_enabled(request, service_type):
            problems[service_type] = _('not in the service catalog')
            return None
        try:
            return function(request, *args)
        except heal_exceptions.SERVICE_ERRORS as error:
            LOG.warning('heal-dashboard: %s failed: %s', service_type, error)
            problems[service_type] = _describe(error)
        except Exception as error:
            # A fault of ours (or a client's), not the service's: the rest
            # of the page still shows, and the log has the traceback.
            LOG.exception('heal-dashboard: reading %s failed', service_type)
            problems[service_type] = _(
                'unexpected %(error)s while reading it (in the dashboard\'s '
                'log)') % {'error': error.__class__.__name__}
        return None
    return attempt


def clusters_and_stacks(request):
    """The project's clusters and all its stacks (to count units), both
    at once."""
    with _executor(2) as pool:
        clusters = pool.submit(api.heat.clusters_list, request)
        stacks = pool.submit(api.heat.nested_stacks_list, request)
        return clusters.result(), stacks.result()


def fetch(request, cluster_id, with_units=True):
    """The cluster and, with_units, its units' joined health and what
    failed: the cluster is read in the same round of concurrent calls as
    its units' parts (the workflow's name comes from the cluster's id)."""
    problems = {}
    attempt = _attempter(request, problems)
    with _executor(9) as pool:
        cluster = pool.submit(api.heat.cluster_get, request, cluster_id)
        if not with_units:
            return ClusterState(cluster.result(), None, problems)
        resources = pool.submit(attempt, 'orchestration',
                                api.heat.resources_list, cluster_id)
        alarms = pool.submit(attempt, 'alarming', _alarms)
        executions = pool.submit(attempt, 'workflowv2',
                                 api.mistral.executions_list,
                                 template_bundle.workflow_name(cluster_id))
        # The grace period and heal budget, from the healing state; the
        # heal queue's tickets.
        healing_state = pool.submit(attempt, 'workflowv2',
                                    api.mistral.healing_state_get,
                                    template_bundle.healing_state_name(cluster_id))
        turns = pool.submit(attempt, 'workflowv2', api.mistral.heal_turns,
                            template_bundle.turns_name(cluster_id))
        servers = (pool.submit(attempt, 'compute', api.nova.servers_list)
                   if base.is_service_enabled(request, 'compute') else None)
        queue = pool.submit(attempt, 'messaging', _queues,
                            [template_bundle.queue_name(cluster_id)])
        known_pool = _known_pool(cluster_id)
        known_members = (known_pool, pool.submit(
            attempt, 'load-balancer', api.octavia.members_list,
            known_pool)) if known_pool else None
        # The cluster is required: its failure is the page's.
        cluster = cluster.result()
        resources = resources.result()
        if resources is None:
            return ClusterState(cluster, [], problems)
        members = _members(attempt, problems, cluster_id, resources,
                           known_members)
        policy = template_bundle.heal_policy(healing_state.result())
        units = health.units(
            resources, servers=servers.result() if servers else None,
            alarms=alarms.result(), queues=queue.result(),
            executions=executions.result() or [], cluster_id=cluster_id,
            members=members, grace=policy.grace, turns=turns.result(),
            budget=policy.budget)
        scaling = (health.scaling(resources, cluster.parameters or {},
                                  alarms.result())
                   if api.heat.template_id_of(cluster) == 'autoscaling'
                   else None)
    return ClusterState(cluster=cluster, units=units, problems=problems,
                        scaling=scaling)


# A cluster's Octavia pool is made with it and kept for its life: once a
# worker has seen it, the members are asked in the first round of calls
# with the rest, not after Heat's resource list has named the pool.
POOL_CACHE_SECONDS = 24 * 3600


def _pool_key(cluster_id):
    return 'heal-dashboard-pool-%s' % cluster_id


def _known_pool(cluster_id):
    try:
        return cache.get(_pool_key(cluster_id))
    except Exception:  # a cache that fails (memcached down) is a miss
        return None


def _members(attempt, problems, cluster_id, resources, known_members):
    """The pool's members: those asked in the first round if Heat names
    the same pool, else asked now (and the pool remembered)."""
    pool_id = health.pool_id(resources)
    if known_members:
        known_pool, members = known_members
        members = members.result()
        if pool_id == known_pool:
            return members
        problems.pop('load-balancer', None)  # asked of a pool now gone
    if not pool_id:
        return None
    try:
        cache.set(_pool_key(cluster_id), pool_id, POOL_CACHE_SECONDS)
    except Exception:  # a cache that fails is no reason to fail the page
        LOG.warning('heal-dashboard: the cache did not keep the pool id')
    return attempt('load-balancer', api.octavia.members_list, pool_id)


def fetch_scaling(request, cluster):
    """An autoscaling cluster's group size, policies, their alarms and
    signals, and Heat's cooldown record: five calls at once; without Aodh,
    the alarms' states are unknown, and without the others, what they
    add."""
    attempt = _attempter(request, {})
    with _executor(5) as pool:
        resources = pool.submit(api.heat.resources_list, request, cluster.id)
        alarms = pool.submit(attempt, 'alarming', _alarms)
        template = pool.submit(attempt, 'orchestration',
                               api.heat.stack_template, cluster.id)
        metadata = pool.submit(attempt, 'orchestration',
                               api.heat.resource_metadata, cluster.id,
                               template_bundle.UNITS_RESOURCE)
        signals = pool.submit(attempt, 'orchestration',
                              api.heat.scaling_signals, cluster.id)
        return health.scaling(resources.result(), cluster.parameters or {},
                              alarms.result(), template.result(),
                              metadata.result(), signals.result())


def fetch_scaling_history(request, cluster_id):
    """An autoscaling cluster's scaling activity with each signal's cause:
    three calls at once (without Aodh, alarm causes are not named)."""
    attempt = _attempter(request, {})
    with _executor(3) as pool:
        resources = pool.submit(api.heat.resources_list, request, cluster_id)
        alarms = pool.submit(attempt, 'alarming', _alarms)
        signals = pool.submit(api.heat.scaling_signals, request, cluster_id)
        return health.scaling_history(resources.result(), alarms.result(),
                                      signals.result())


def fetch_history(request, cluster_id):
    """Every run of the cluster's healing workflow, named by unit (each
    row with its cluster_id, for the link to its details): two calls at
    once."""
    workflow = template_bundle.workflow_name(cluster_id)
    with _executor(2) as pool:
        executions = pool.submit(api.mistral.executions_list, request,
                                 workflow)
        resources = pool.submit(api.heat.resources_list, request, cluster_id)
        return [dict(row, cluster_id=cluster_id)
                for row in health.execution_history(executions.result(),
                                                    resources.result())]


@dataclasses.dataclass
class ExecutionDetails:
    cluster: object
    row: dict          # as the Executions tab shows it
    tasks: list        # oldest first
    input: dict
    output: dict
    problems: dict     # service type: what went wrong


def fetch_execution(request, cluster_id, execution_id):
    """One run of the cluster's healing workflow with its tasks, input and
    output: four calls at once (the cluster and its resources name the
    unit), then, for a heal that replaced a server on a cloud with Nova,
    when Nova built the new one (two calls more). None if it is no run of
    this cluster's workflow."""
    problems = {}
    with _executor(4) as pool:
        cluster = pool.submit(api.heat.cluster_get, request, cluster_id)
        execution = pool.submit(api.mistral.execution_get, request,
                                execution_id)
        tasks = pool.submit(api.mistral.execution_tasks, request,
                            execution_id)
        resources = pool.submit(api.heat.resources_list, request, cluster_id)
        cluster = cluster.result()
        execution = execution.result()
        if execution.workflow_name != template_bundle.workflow_name(
                cluster.id):
            return None
        new_server = (execution.output or {}).get('new_server')
        active_at = None
        # A cloud without Nova heals stand-ins: nothing to ask, no problem.
        if new_server and base.is_service_enabled(request, 'compute'):
            active_at = _attempter(request, problems)(
                'compute', api.nova.server_built_at, new_server)
        return ExecutionDetails(
            cluster=cluster,
            row=health.execution_row(
                execution, health.unit_names_by_stack(resources.result()),
                active_at=active_at),
            tasks=tasks.result(), input=execution.input,
            output=execution.output, problems=problems)


@dataclasses.dataclass
class UnitTimeline:
    cluster: object
    unit: str
    entries: list
    problems: dict


def fetch_timeline(request, cluster_id, unit_name, events_limit=50):
    """One unit's heal story from every service, in two rounds of
    concurrent calls: the cluster, Heat's resources (to find the unit's
    alarms, queue and stack) and the workflow's executions; then Aodh's
    history of the unit's alarms, its queue's messages and its stack's
    events. None if the cluster has no such unit."""
    problems = {}
    attempt = _attempter(request, problems)
    with _executor(4) as pool:
        cluster = pool.submit(api.heat.cluster_get, request, cluster_id)
        resources = pool.submit(api.heat.resources_list, request, cluster_id)
        executions = pool.submit(attempt, 'workflowv2',
                                 api.mistral.executions_list,
                                 template_bundle.workflow_name(cluster_id))
        cluster = cluster.result()
        found = health.group_unit_resources(resources.result()).get(
            unit_name)
        if found is None:
            return None
        unit, parts = found
        stack_id = health.resource_id(unit)
        alarm_ids = [health.resource_id(parts[name])
                     for name, _kind in health.ALARMS if name in parts]
        queue = health.healing_parts(resources.result()).get(health.QUEUE)
        changes = pool.submit(attempt, 'alarming',
                              api.aodh.alarms_history, alarm_ids)
        messages = (pool.submit(attempt, 'messaging',
                                api.zaqar.queue_messages,
                                health.resource_id(queue))
                    if queue else None)
        # The unit stack's own events (depth 0): its resources.
        events = pool.submit(attempt, 'orchestration', api.heat.events_list,
                             stack_id, events_limit, None, 0)
        mine = [e for e in executions.result() or ()
                if health.unit_stack_of(e) == stack_id]
        entries = health.timeline(
            parts, changes.result(),
            messages.result() if messages else None, mine, events.result(),
            datetime.datetime.now(datetime.timezone.utc).replace(
                tzinfo=None))
    return UnitTimeline(cluster=cluster, unit=unit_name, entries=entries,
                        problems=problems)
