"""Starting the cluster's healing workflow for a unit, as a person asks.

The same workflow, with the same input contract, that the units' alarms
start through the cluster's healing queue: mark-only (heal=false) or
mark-and-replace, naming the server the page showed, with force (a person
may heal a server that looks healthy: the workflow honours that only for
callers with a heal role).

The safety rules are the workflow's (healing_workflow.yaml): one heal of a
unit at a time under a lease held in Mistral, and a server that is no longer
the unit's is never marked, so a second click, a retry or a click racing an
alarm ends "already healed". The refusals here (cluster busy, a heal of the
unit running) only spare a person an execution that would wait or end so.
"""

import concurrent.futures
import datetime

from django.utils.translation import gettext_lazy as _

from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import cluster_state
from heal_dashboard import health
from heal_dashboard import words


class Refused(Exception):
    """A heal the services' state says not to start; says why."""


def running_for_unit(request, workflow, unit_stack_id):
    return [e for e in api.mistral.executions_list(request, workflow)
            if e.state in health.UNFINISHED
            and not health.stalled(e.created_at)
            and (e.input or {}).get('stack_id') == unit_stack_id]


def heal_scope(cluster):
    """What a heal of this cluster's units updates: its template's word
    (the unit's own stack for fixed-size clusters), the whole cluster for
    one this plugin does not know."""
    template = template_bundle.load().find(api.heat.template_id_of(cluster))
    return template.heal_scope if template else 'cluster'


def refuse_if_busy(request, cluster_id):
    """The cluster as Heat has it now, unless Heat is busy with it."""
    cluster = api.heat.cluster_get(request, cluster_id)
    if cluster.stack_status.endswith('IN_PROGRESS'):
        raise Refused(_('The cluster is busy (%s): try again once it has '
                        'settled.') % cluster.stack_status)
    return cluster


def start(request, cluster, unit, heal):
    """Start the healing workflow for `unit` of `cluster`; the execution's
    id. Refused while the cluster is busy or a heal of the unit runs."""
    workflow = template_bundle.workflow_name(cluster.id)
    refuse_if_busy(request, cluster.id)
    running = running_for_unit(request, workflow, unit.stack_id)
    if running:
        raise Refused(_('A heal of unit %(unit)s is already running '
                        '(execution %(id)s).')
                      % {'unit': unit.name, 'id': running[0].id})
    if not unit.server_id:
        raise Refused(_('Unit %s has no server to heal.') % unit.name)
    user = request.user.username
    return api.mistral.execution_create(
        request, workflow, {
            'root_stack_id': cluster.id,
            'stack_id': unit.stack_id,
            'server_id': unit.server_id,
            'heal': heal,
            'scope': heal_scope(cluster),
            'force': True,
            'reason': (_('Healed by %s in the dashboard') if heal else
                       _('Marked unhealthy by %s in the dashboard')) % user,
            'requested_by': user,
        },
        description='heal-dashboard: %s unit %s of %s' % (
            'heal' if heal else 'mark', unit.name, cluster.stack_name))


def reprotect(request, cluster, unit):
    """Make Heat recreate what a unit lost while its server stays: each
    alarm missing from Aodh, marked unhealthy, then the unit's own stack
    updated; and if the cluster's healing queue lost its subscription,
    its trigger (the subscription, with a new trust from this person's
    token), in the healing stack. Refused while the cluster is busy or the
    unit is being healed. The names of what is recreated."""
    refuse_if_busy(request, cluster.id)
    if unit.health == health.HEALING:
        raise Refused(_('Unit %s is being healed.') % unit.name)
    reason = str(_('Re-protected by %s in the dashboard') % (
        request.user.username))
    lost = []
    queue = unit.queue
    # One subscription protects every unit: a second unit's Re-protect
    # finds the healing stack already being updated.
    if queue and queue.subscribed is False and not api.heat.stack_get(
            request, queue.stack_id).stack_status.endswith('IN_PROGRESS'):
        api.heat.resource_mark_unhealthy(request, queue.stack_id,
                                         health.TRIGGER, reason)
        api.heat.stack_update_existing(request, queue.stack_id)
        lost.append(health.TRIGGER)
    kinds = {kind: name for name, kind in health.ALARMS}
    alarms = [kinds[alarm.kind] for alarm in unit.alarms
              if alarm.state == 'missing']
    for resource_name in alarms:
        api.heat.resource_mark_unhealthy(request, unit.stack_id,
                                         resource_name, reason)
    if alarms:
        api.heat.stack_update_existing(request, unit.stack_id)
    return lost + alarms


def heal_cluster(request, cluster_id):
    """Update the cluster as it is, so that Heat replaces every unit
    already marked unhealthy; refused while the cluster is busy.

    An autoscaling group resizes itself to its desired capacity on every
    update: the update names the size it has now, or it would undo every
    scaling since the launch."""
    cluster = refuse_if_busy(request, cluster_id)
    parameters = {}
    template = template_bundle.load().find(api.heat.template_id_of(cluster))
    if template is not None and template.size_order:
        parameters[template.size_parameter] = health.cluster_size(
            api.heat.resources_list(request, cluster_id))
    api.heat.stack_update_existing(request, cluster_id, parameters)


def resize(request, cluster_id, size, chosen=()):
    """Resize a fixed-size cluster to `size` units (a root update, which
    also replaces the units already marked unhealthy, as Heal Cluster
    does): when it shrinks, the `chosen` units go first, then the
    highest-numbered. Refused while the cluster is busy, and when it would
    keep fewer healthy units than the heal policy's minimum."""
    cluster = refuse_if_busy(request, cluster_id)
    template = template_bundle.load().find(api.heat.template_id_of(cluster))
    if template is None or not template.removal_parameter:
        raise Refused(_('Only a fixed-size cluster is resized here: an '
                        'autoscaling one scales through its policies.'))
    units = cluster_state.fetch(request, cluster_id).units
    removed = health.removed_by_resize([u.name for u in units], size, chosen)
    kept_healthy = sum(1 for u in units if u.name not in removed
                       and u.health == health.HEALTHY)
    policy = template_bundle.heal_policy(api.mistral.healing_state_get(
        request, template_bundle.healing_state_name(cluster_id)))
    if removed and kept_healthy < policy.min_healthy:
        raise Refused(_('Removing units %(units)s would leave %(kept)d '
                        'healthy units, fewer than the heal policy\'s '
                        'minimum of %(minimum)d.') % {
            'units': ', '.join(removed), 'kept': kept_healthy,
            'minimum': policy.min_healthy})
    api.heat.stack_update_existing(request, cluster_id, {
        template.size_parameter: size,
        template.removal_parameter: ','.join(chosen)})
    return removed


# The parameters a refresh changes, by the kind of cloud resource they
# name in the manifest's choices.
REFRESHED_KINDS = ('image', 'flavor')


def refreshed_parameters(template):
    return [name for name, kind in template.choices.items()
            if kind in REFRESHED_KINDS]


def refresh(request, cluster_id, values, batch, pause):
    """Replace every unit's server by one with the new `values` (image,
    flavor), `batch` units at a time with `pause` seconds between batches,
    keeping the heal policy's minimum healthy units in service (Heat adds
    units for a batch when it must). Heals wait meanwhile (Heat is busy
    with the units), and the page shows the progress from the refresh
    recorded in the healing state. Refused while busy, for a cluster that
    is not refreshed here, and when nothing would change."""
    cluster = refuse_if_busy(request, cluster_id)
    template = template_bundle.load().find(api.heat.template_id_of(cluster))
    if template is None or not template.refresh_parameters:
        raise Refused(_('Only a fixed-size cluster is refreshed here.'))
    current = cluster.parameters or {}
    changed = {name: value for name, value in values.items()
               if value != current.get(name)}
    if not changed:
        raise Refused(_('Nothing to refresh: the units already have this '
                        'image and flavor.'))
    policy = template_bundle.heal_policy(api.mistral.healing_state_get(
        request, template_bundle.healing_state_name(cluster_id)))
    batch_name, pause_name, in_service_name = template.refresh_parameters
    api.heat.stack_update_existing(request, cluster_id, dict(
        changed, **{batch_name: batch, pause_name: pause,
                    in_service_name: policy.min_healthy}))
    api.mistral.healing_state_update(
        request, template_bundle.healing_state_name(cluster_id), refresh={
            'since': datetime.datetime.now(datetime.timezone.utc).strftime(
                '%Y-%m-%dT%H:%M:%SZ'),
            'changes': changed, 'by': request.user.username})
    return changed


def breaker_now():
    """Now as the workflow compares it with Mistral's execution times
    (UTC, to the second)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        '%Y-%m-%d %H:%M:%S')


def set_self_healing(request, cluster_id, enabled):
    """Pause or resume (which also ends a suspension by the workflow's
    circuit breaker): the cluster's healing state says so, and the
    workflow refuses every heal that is not a person's while it is paused
    (a queue message included). The units' event alarms are switched too,
    so the page shows them paused. Aodh has no bulk update: one alarm at a
    time would take long on a big cluster, so a few at once. Returns how
    many alarms were switched."""
    changes = {'paused': not enabled}
    if enabled:
        # Resuming also lifts the circuit breaker's suspension: a person
        # has looked (the workflow trips it, never lifts it), and the
        # heals that tripped it no longer count.
        changes.update(suspended=None, breaker_reset=breaker_now())
    api.mistral.healing_state_update(
        request, template_bundle.healing_state_name(cluster_id), **changes)
    alarm_ids = list(health.alarm_names(
        api.heat.resources_list(request, cluster_id)))
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda alarm_id: api.aodh.alarm_set_enabled(
            request, alarm_id, enabled), alarm_ids))
    return len(alarm_ids)


def set_report_only(request, cluster_id, report_only):
    """Report-only or automatic replacement: the cluster's healing state
    says so, and the workflow, for every heal that is not a person's,
    marks a verified failure without replacing it while report-only."""
    api.mistral.healing_state_update(
        request, template_bundle.healing_state_name(cluster_id),
        mode=template_bundle.mode(report_only))


def set_heal_policy(request, cluster_id, policy):
    """The cluster's heal policy (a template_bundle.HealPolicy), kept in its
    healing state (no stack update: that would walk every unit, and
    replace the marked ones of a report-only cluster)."""
    api.mistral.healing_state_update(
        request, template_bundle.healing_state_name(cluster_id),
        **policy.as_state())


def scale(request, cluster_id, policy, action):
    """Apply one of an autoscaling cluster's scaling policies (`action`:
    what the person clicked, recorded with the signal). Heat ignores a
    signal it cannot act on and says nothing: such a signal is refused
    here, saying why, rather than sent and called a success."""
    cluster = refuse_if_busy(request, cluster_id)
    ignored = health.signal_ignored(
        cluster_state.fetch_scaling(request, cluster), policy,
        datetime.datetime.now(datetime.timezone.utc).isoformat())
    if ignored:
        raise Refused(_('Heat would ignore %(action)s now: %(why)s.')
                      % {'action': action, 'why': words.translated(ignored)})
    api.heat.resource_signal(
        request, cluster_id, policy,
        str(_('%(action)s asked by %(user)s in the dashboard')
            % {'action': action, 'user': request.user.username}))
