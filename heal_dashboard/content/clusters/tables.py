
from django.template import defaultfilters as filters
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.utils.translation import ngettext_lazy
from django.utils.translation import pgettext_lazy
from horizon import exceptions
from horizon import messages
from horizon import tables
from horizon.utils import filters as horizon_filters

from heal_dashboard import api
from heal_dashboard.api import session as api_session
from heal_dashboard import template_bundle
from heal_dashboard import exceptions as heal_exceptions
from heal_dashboard import healing
from heal_dashboard import health
from heal_dashboard import words
from heal_dashboard.content.clusters import fast_rows
from heal_dashboard.content.clusters.fast_rows import format_html

# Heat's stack states: the table polls a row while its state is undecided.
STACK_STATUS_CHOICES = tuple(
    ('%s_%s' % (action, state), decided)
    for action in ('CREATE', 'UPDATE', 'DELETE', 'ROLLBACK', 'SUSPEND',
                   'RESUME', 'ADOPT', 'SNAPSHOT', 'CHECK', 'RESTORE')
    for state, decided in (('COMPLETE', True), ('FAILED', False),
                           ('IN_PROGRESS', None))
)


class ModalLink(tables.LinkAction):
    """A link that opens its form in Horizon's modal."""
    classes = ('ajax-modal',)


class LaunchCluster(ModalLink):
    name = 'launch'
    verbose_name = _('Launch Cluster')
    url = 'horizon:project:heal_clusters:select_template'
    icon = 'plus'
    policy_rules = (('heal', 'heal:cluster:launch'),)


class EditHealPolicy(ModalLink):
    """Report-only or replace, and the circuit breaker (see forms.py)."""
    name = 'policy'
    verbose_name = _('Edit Heal Policy')
    url = 'horizon:project:heal_clusters:policy'
    policy_rules = (('heal', 'heal:cluster:mode'),)


class ResizeCluster(ModalLink):
    """A fixed-size cluster's size, and which units go (see forms.py)."""
    name = 'resize'
    verbose_name = _('Resize Cluster')
    url = 'horizon:project:heal_clusters:resize'
    policy_rules = (('heal', 'heal:cluster:resize'),)

    def allowed(self, request, cluster=None):
        if cluster is None:
            return True
        template = template_bundle.load().find(cluster.template_id)
        return (template is not None and self.offered_for(template)
                and not cluster.status.endswith('IN_PROGRESS'))

    @staticmethod
    def offered_for(template):
        return bool(template.removal_parameter)


class RefreshCluster(ResizeCluster):
    """A new image or flavor for every unit, in batches (see forms.py)."""
    name = 'refresh'
    verbose_name = _('Refresh Cluster')
    url = 'horizon:project:heal_clusters:refresh'
    policy_rules = (('heal', 'heal:cluster:refresh'),)

    @staticmethod
    def offered_for(template):
        return bool(template.refresh_parameters)


class DeleteCluster(tables.DeleteAction):
    policy_rules = (('heal', 'heal:cluster:delete'),)
    help_text = _('Deleting a cluster deletes all its units, alarms, queues '
                  'and its healing workflow.')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Delete Cluster', 'Delete Clusters', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Scheduled deletion of Cluster',
                             'Scheduled deletion of Clusters', count)

    def allowed(self, request, cluster=None):
        return cluster is None or not cluster.status.startswith('DELETE')

    def delete(self, request, obj_id):
        api_session.for_an_action(request)
        api.heat.stack_delete(request, obj_id)


def refuse(request, refusal):
    """One clear message, the refusal's own words: raised as handled,
    Horizon adds no generic "Unable to ..." after it."""
    messages.warning(request, str(refusal))
    raise exceptions.HandledException((type(refusal), refusal,
                                       refusal.__traceback__))


class ClusterAction(tables.BatchAction):
    """A cluster-wide action through healing.py; refusals say why."""

    def allowed(self, request, cluster=None):
        # A create that failed has nothing to heal or scale: Delete it.
        return cluster is None or not (
            cluster.status.endswith('IN_PROGRESS')
            or cluster.status in health.NEVER_CREATED)

    def act(self, request, cluster_id):
        raise NotImplementedError

    def action(self, request, obj_id):
        # The table's data was read first, on the page's time budget.
        api_session.for_an_action(request)
        try:
            self.act(request, obj_id)
        except healing.Refused as refusal:
            refuse(request, refusal)


class HealCluster(ClusterAction):
    name = 'heal_cluster'
    policy_rules = (('heal', 'heal:cluster:heal'),)
    help_text = _('The cluster is updated as it is: Heat replaces every '
                  'unit marked unhealthy. The update walks the whole '
                  'cluster.')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Heal Cluster', 'Heal Clusters', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Started healing cluster',
                             'Started healing clusters', count)

    def act(self, request, cluster_id):
        healing.heal_cluster(request, cluster_id)


class HealingSetting(ClusterAction):
    """A change of the cluster's healing state: no stack update, so it
    is offered whatever Heat is doing with the cluster."""

    def allowed(self, request, cluster=None):
        return True


class PauseSelfHealing(HealingSetting):
    name = 'pause'
    enabled = False
    policy_rules = (('heal', 'heal:cluster:pause'),)
    help_text = _("The units' alarms are switched off: a failed server "
                  'is no longer healed until self-healing is resumed.')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Pause Self-Healing', 'Pause Self-Healing',
                             count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Paused self-healing of cluster',
                             'Paused self-healing of clusters', count)

    def act(self, request, cluster_id):
        healing.set_self_healing(request, cluster_id, self.enabled)


class ResumeSelfHealing(PauseSelfHealing):
    name = 'resume'
    enabled = True
    help_text = _("The units' alarms are switched on again, and a "
                  "suspension by the circuit breaker ends.")

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Resume Self-Healing', 'Resume Self-Healing',
                             count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Resumed self-healing of cluster',
                             'Resumed self-healing of clusters', count)


class ReportOnly(HealingSetting):
    name = 'report_only'
    report_only = True
    policy_rules = (('heal', 'heal:cluster:mode'),)
    help_text = _('A failed server is verified and its unit marked '
                  'unhealthy, but not replaced until a person heals it.')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Report Failures Only', 'Report Failures Only',
                             count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Cluster reports failures only',
                             'Clusters report failures only', count)

    def act(self, request, cluster_id):
        healing.set_report_only(request, cluster_id, self.report_only)


class ReplaceAutomatically(ReportOnly):
    name = 'replace'
    report_only = False
    help_text = _('A verified failure is healed at once: its unit is '
                  'replaced.')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Replace Failed Units', 'Replace Failed Units',
                             count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Cluster replaces failed units',
                             'Clusters replace failed units', count)


class ScaleOut(ClusterAction):
    name = 'scale_out'
    policy_rules = (('heal', 'heal:cluster:scale'),)
    help_text = _('One unit more, through the scaling policy; refused, '
                  'saying why, when Heat would ignore it (at the maximum, '
                  'in the cooldown, already scaling).')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Scale Out', 'Scale Out', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Scaling out cluster', 'Scaling out clusters',
                             count)

    def allowed(self, request, cluster=None):
        return cluster is not None and cluster.template_id == 'autoscaling' \
            and super().allowed(request, cluster)

    def act(self, request, cluster_id):
        healing.scale(request, cluster_id, self.name,
                      str(self.action_present(1)))


class ScaleIn(ScaleOut):
    name = 'scale_in'
    help_text = _('One unit less, through the scaling policy; refused, '
                  'saying why, when Heat would ignore it (at the minimum, '
                  'in the cooldown, already scaling).')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Scale In', 'Scale In', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Scaling in cluster', 'Scaling in clusters',
                             count)


class UpdateClusterRow(tables.Row):
    ajax = True

    def get_data(self, request, cluster_id):
        # A cluster that is gone answers 404, and the browser drops its row.
        try:
            cluster = api.heat.cluster_get(request, cluster_id)
        except heal_exceptions.NOT_FOUND as error:
            raise exceptions.NotFound() from error
        if cluster.stack_status == 'DELETE_COMPLETE':
            raise exceptions.NotFound()
        stacks = api.heat.nested_stacks_list(request)
        return health.summarize_clusters([cluster], stacks,
                                         api.heat.template_id_of)[0]


def template_title(cluster):
    template = template_bundle.load().find(cluster.template_id)
    return template.title if template else (cluster.template_id or '-')


class ClustersTable(tables.DataTable):
    name = tables.WrappingColumn(
        'name', verbose_name=_('Cluster Name'),
        link='horizon:project:heal_clusters:detail')
    template = tables.Column(template_title, verbose_name=_('Template'))
    status = tables.Column(
        'status', verbose_name=_('Status'), status=True,
        status_choices=STACK_STATUS_CHOICES,
        filters=(filters.title, lambda s: s.replace('_', ' ')))
    units = tables.Column('units', verbose_name=_('Units'))
    created = tables.Column(
        'created', verbose_name=_('Created'),
        filters=(horizon_filters.parse_isotime, filters.timesince))

    def get_object_display(self, cluster):
        return cluster.name

    class Meta:
        name = 'clusters'
        verbose_name = _('Self-Healing Clusters')
        status_columns = ['status']
        row_class = UpdateClusterRow
        table_actions = (LaunchCluster, DeleteCluster)
        row_actions = (HealCluster, EditHealPolicy, ResizeCluster,
                       RefreshCluster, PauseSelfHealing, ResumeSelfHealing,
                       ReportOnly, ReplaceAutomatically, ScaleOut, ScaleIn,
                       DeleteCluster)


HEALTH_CLASSES = {
    health.HEALTHY: 'label-success',
    health.HEALING: 'label-info',
    health.UNHEALTHY: 'label-danger',
    health.UNPROTECTED: 'label-warning',
    health.UNKNOWN: 'label-default',
}
HEALTH_LABELS = {
    health.HEALTHY: _('Healthy'),
    health.HEALING: _('Healing'),
    health.UNHEALTHY: _('Unhealthy'),
    health.UNPROTECTED: _('Unprotected'),
    health.UNKNOWN: _('Unknown'),
}


def health_badge(unit):
    badge = format_html(
        '<span class="label {} heal-health" title="{}">{}</span>',
        HEALTH_CLASSES[unit.health],
        '; '.join(words.translated(reason) for reason in unit.reasons),
        HEALTH_LABELS[unit.health])
    if unit.queued:
        return format_html('{}<br><small class="heal-queued">{}</small>',
                           badge, _('queued: %(place)d in line for a heal')
                           % {'place': unit.queued})
    if unit.grace_left:
        # Counted down by each refresh (every few seconds while in grace).
        return format_html('{}<br><small class="heal-grace">{}</small>',
                           badge, _('in grace (%(seconds)d s left)')
                           % {'seconds': unit.grace_left})
    return badge


def server_cell(unit):
    if not unit.server_id:
        return '-'
    return format_html('{}<br><small class="text-muted">{}</small><br>{}',
                       unit.server_name or unit.server_id,
                       unit.server_id if unit.server_name else '',
                       unit.server_status or _('unknown'))


# A pool member's Octavia statuses in a person's words.
MEMBER_PROVISIONING_WORDS = {
    'ACTIVE': pgettext_lazy('Pool member', 'in the pool'),
    'PENDING_CREATE': pgettext_lazy('Pool member', 'joining'),
    'PENDING_UPDATE': pgettext_lazy('Pool member', 'updating'),
    'PENDING_DELETE': pgettext_lazy('Pool member', 'leaving'),
    'ERROR': pgettext_lazy('Pool member', 'error in Octavia'),
    health.MEMBER_MISSING: pgettext_lazy('Pool member', 'not in the pool'),
}
MEMBER_OPERATING_WORDS = {
    'ONLINE': pgettext_lazy('Pool member', 'serving'),
    'DRAINING': pgettext_lazy('Pool member', 'draining'),
    'DEGRADED': pgettext_lazy('Pool member', 'degraded'),
    'ERROR': pgettext_lazy('Pool member', 'failing health checks'),
    'OFFLINE': pgettext_lazy('Pool member', 'no traffic reported'),
    'NO_MONITOR': pgettext_lazy('Pool member', 'not monitored'),
}


def member_cell(unit):
    member = unit.member
    if member is None:
        return '-'
    provisioning = MEMBER_PROVISIONING_WORDS.get(member.provisioning,
                                                 member.provisioning)
    if member.provisioning == health.MEMBER_MISSING:
        return format_html('<span class="text-danger">{}</span>',
                           provisioning)
    return format_html(
        '{}:{}<br><small class="{}" title="{} / {}">{}, {}</small>',
        member.address, member.port,
        'text-danger' if member.provisioning == 'ERROR' else 'text-muted',
        member.provisioning, member.operating, provisioning,
        MEMBER_OPERATING_WORDS.get(member.operating, member.operating))


def resource_cell(unit):
    return format_html('{}<br><small class="text-muted">{}</small>',
                       unit.status, unit.status_reason or '')


# An event alarm in a person's words: Aodh says "insufficient data" of one
# that never fired, which reads as a fault.
ALARM_STATE_WORDS = {
    'insufficient data': pgettext_lazy('Alarm state', 'watching'),
    'ok': pgettext_lazy('Alarm state', 'watching'),
    'alarm': pgettext_lazy('Alarm state', 'fired'),
    'disabled': pgettext_lazy('Alarm state', 'paused'),
    'missing': pgettext_lazy('Alarm state', 'missing'),
    'unknown': pgettext_lazy('Alarm state', 'unknown'),
}


HEALED_ALARM_WORDS = pgettext_lazy('Alarm state', 'fired, healed')


def alarm_words(alarm):
    """(CSS state, words) of one alarm: one that fired before the
    server's last heal reads as healed, not as a fault."""
    if alarm.healed:
        return 'healed', HEALED_ALARM_WORDS
    return (alarm.state.replace(' ', '-'),
            ALARM_STATE_WORDS.get(alarm.state, alarm.state))


def alarm_title(alarm):
    """Aodh's own word, and the server it last fired for."""
    if alarm.fired_for:
        return _('%(state)s, fired for server %(server)s') % {
            'state': alarm.state, 'server': alarm.fired_for}
    return alarm.state


def alarms_cell(unit):
    return format_html_join(
        mark_safe('<br>'), '<span class="heal-alarm heal-alarm-{}" '
        'title="{}">{}: {}</span>',
        ((css, alarm_title(alarm), alarm.kind, words)
         for alarm in unit.alarms
         for css, words in (alarm_words(alarm),)))


def queue_cell(unit):
    queue = unit.queue
    if queue is None:
        return _('none')
    if queue.subscribed is None:
        subscription = _('subscription unknown')
    elif not queue.subscribed:
        subscription = _('no subscription')
    else:
        # Confirmed or not: a trust subscription needs no confirmation, and
        # a cloud that asks for it does not deliver to unconfirmed ones.
        subscription = _('subscribed')
    messages = '?' if queue.messages is None else queue.messages
    return format_html(
        '{}<br><small class="text-muted">{}</small>',
        # Rendered now: a lazy plural builds a class a call.
        ngettext('%(count)s message', '%(count)s messages',
                 queue.messages or 0) % {'count': messages},
        subscription)


def execution_cell(unit):
    execution = unit.last_execution
    if execution is None:
        return _('none yet')
    return format_html(
        '{}<br><small class="text-muted">{} ({})</small>{}',
        execution.outcome or execution.state, execution.created or '',
        execution.requested_by or '-',
        format_html('<br><small class="text-danger">{}</small>',
                    execution.error) if execution.state == 'ERROR' else '')


class UnitAction(tables.BatchAction):
    """Starts the cluster's healing workflow for the unit (see healing.py);
    Horizon confirms first, and the form carries the CSRF token."""
    heal = None  # mark and replace (True) or mark only (False)

    def act(self, request, cluster, unit):
        healing.start(request, cluster, unit, heal=self.heal)

    def allowed(self, request, unit=None):
        # An unhealthy unit (a failed server, a paused cluster) is exactly
        # what a person may heal by hand; only a running heal waits.
        return unit is None or unit.health != health.HEALING

    def _allowed(self, request, datum=None):
        # The policy rules look at the user, not the unit: check them once
        # per request rather than once per row (a third of a 200-unit
        # table's rendering otherwise).
        if datum is None:
            return super()._allowed(request, datum)
        checked = request.__dict__.setdefault('heal_unit_actions', {})
        if self.name not in checked:
            checked[self.name] = super()._allowed(request, None)
        return checked[self.name] and self.allowed(request, datum)

    def action(self, request, obj_id):
        # The table's data was read first, on the page's time budget.
        api_session.for_an_action(request)
        unit = self.table.get_object_by_id(obj_id)
        try:
            if unit is None:
                raise healing.Refused(
                    _('Unit %s no longer exists.') % obj_id)
            self.act(request, self.table.kwargs['cluster'], unit)
        except healing.Refused as refusal:
            refuse(request, refusal)


class MarkUnhealthy(UnitAction):
    name = 'mark_unhealthy'
    heal = False
    classes = ('btn-warning',)
    policy_rules = (('heal', 'heal:unit:mark_unhealthy'),)
    help_text = _('The units are marked unhealthy in Heat and replaced at '
                  'the next cluster update (Heal Cluster, or a heal).')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Mark Unhealthy', 'Mark Unhealthy', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Started marking unit unhealthy',
                             'Started marking units unhealthy', count)


class HealUnit(UnitAction):
    name = 'heal'
    heal = True
    classes = ('btn-danger',)
    policy_rules = (('heal', 'heal:unit:heal'),)
    # Shown in the confirmation: confirming overrides the grace period.
    help_text = _('The units are marked unhealthy and the cluster is '
                  'updated so that Heat replaces them, at once: a unit in '
                  'its grace period does not wait for it to end.')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Heal Unit', 'Heal Units', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Started healing unit', 'Started healing units',
                             count)


class Reprotect(UnitAction):
    name = 'reprotect'
    policy_rules = (('heal', 'heal:unit:reprotect'),)
    help_text = _('Heat recreates what the units lost: any alarm missing '
                  "from Aodh, and the healing queue's subscription that "
                  'starts their heals (with a trust from you). Their '
                  'servers stay.')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Re-protect Unit', 'Re-protect Units', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Re-protecting unit', 'Re-protecting units',
                             count)

    def allowed(self, request, unit=None):
        return unit is None or unit.health == health.UNPROTECTED

    def act(self, request, cluster, unit):
        healing.reprotect(request, cluster, unit)


def unit_timeline_url(unit):
    return reverse('horizon:project:heal_clusters:unit',
                   args=[unit.cluster_id, unit.name])


class UnitsTable(fast_rows.FastRowsMixin, tables.DataTable):
    name = tables.Column('name', verbose_name=_('Unit'),
                         link=unit_timeline_url)
    health = tables.Column(health_badge, verbose_name=_('Health'))
    server = tables.Column(server_cell, verbose_name=_('Server'))
    member = tables.Column(member_cell, verbose_name=_('Pool Member'))
    resource = tables.Column(resource_cell, verbose_name=_('Heat Status'))
    alarms = tables.Column(alarms_cell, verbose_name=_('Alarms'))
    queue = tables.Column(queue_cell, verbose_name=_('Queue'))
    execution = tables.Column(execution_cell,
                              verbose_name=_('Last Healing'))

    # A unit's timeline is its cluster's (one for all rows) and its name's.
    links_by_id = True
    # What the cells alike in most rows are made of (see fast_rows).
    cell_keys = {
        'health': lambda unit: (unit.health, tuple(
            (reason, getattr(reason, 'message', None))
            for reason in unit.reasons), unit.queued, unit.grace_left),
        'alarms': lambda unit: tuple(
            (alarm.kind, alarm.state, alarm.fired_for, alarm.healed)
            for alarm in unit.alarms),
        'queue': lambda unit: unit.queue,
        'resource': lambda unit: (unit.status, unit.status_reason),
    }

    def get_object_id(self, unit):
        return unit.name

    def get_object_by_id(self, lookup):
        """The unit, or None once it is gone (the action says so)."""
        for unit in self.data:
            if unit.name == lookup:
                return unit
        return None

    class Meta:
        name = 'units'
        verbose_name = _('Units')
        table_actions = (MarkUnhealthy, HealUnit)
        row_actions = (HealUnit, MarkUnhealthy, Reprotect)


class EventsTable(tables.DataTable):
    time = tables.Column('event_time', verbose_name=_('Time'),
                         filters=(horizon_filters.parse_isotime,
                                  filters.timesince))
    resource = tables.Column('resource_name', verbose_name=_('Resource'))
    stack = tables.Column(lambda event: health.stack_of(event)[0] or '-',
                          verbose_name=_('Stack'))
    status = tables.Column('resource_status', verbose_name=_('Status'))
    reason = tables.WrappingColumn('resource_status_reason',
                                   verbose_name=_('Reason'))

    def get_object_display(self, event):
        return event.resource_name

    class Meta:
        name = 'events'
        verbose_name = _('Events')
        pagination_param = 'events_marker'


class AlarmHistoryTable(tables.DataTable):
    time = tables.Column('timestamp', verbose_name=_('Time'),
                         filters=(horizon_filters.parse_isotime,
                                  filters.timesince))
    unit = tables.Column('unit', verbose_name=_('Unit'))
    alarm = tables.Column('alarm', verbose_name=_('Alarm'))
    kind = tables.Column('type', verbose_name=_('Change'))
    detail = tables.WrappingColumn('detail', verbose_name=_('Detail'))

    def get_object_id(self, change):
        return change['event_id']

    class Meta:
        name = 'alarm_history'
        verbose_name = _('Alarm History')


def execution_action(execution):
    heal = execution.get('heal')
    if heal is None:
        return '-'
    return _('mark and replace') if heal else _('mark only')


def execution_url(execution):
    return reverse('horizon:project:heal_clusters:execution',
                   args=[execution['cluster_id'], execution['id']])


class ExecutionsTable(tables.DataTable):
    """What a person asks of a heal: when, which unit, who asked, what for,
    what came of it and why, how long from the failure to a settled unit;
    where that time went, its tasks, input and output are one click away
    (the Outcome links to them)."""
    started = tables.Column('created', verbose_name=_('Started'),
                            filters=(horizon_filters.parse_isotime,
                                     filters.timesince))
    unit = tables.Column('unit', verbose_name=_('Unit'))
    cause = tables.Column(lambda row: words.translated(row['cause']),
                          verbose_name=_('Cause'))
    requested_by = tables.Column('requested_by',
                                 verbose_name=_('Requested By'))
    action = tables.Column(execution_action, verbose_name=_('Action'))
    outcome = tables.Column('outcome', verbose_name=_('Outcome'),
                            link=execution_url)
    # From the failure to the unit settled on its new server; each step's
    # share is in the details.
    took = tables.Column('took', verbose_name=_('Heal Took'))
    # What the workflow checked, or its error.
    detail = tables.WrappingColumn('detail', verbose_name=_('Detail'))

    def get_object_id(self, execution):
        return execution['id']

    class Meta:
        name = 'executions'
        verbose_name = _('Healing Executions')


class ExecutionTasksTable(tables.DataTable):
    """The workflow's steps in one execution, oldest first."""
    started = tables.Column('created_at', verbose_name=_('Started (UTC)'))
    name = tables.Column('name', verbose_name=_('Step'))
    state = tables.Column('state', verbose_name=_('State'))
    info = tables.WrappingColumn('state_info', verbose_name=_('Detail'),
                                 empty_value='')

    def get_object_id(self, task):
        return task.id

    class Meta:
        name = 'tasks'
        verbose_name = _('Steps')


def scaling_result(activity):
    return _('failed') if activity.failed else _('applied')


class ScalingActivityTable(tables.DataTable):
    """The scaling policies' signals Heat acted on, newest first."""
    at = tables.Column('at', verbose_name=_('When'),
                       filters=(horizon_filters.parse_isotime,
                                filters.timesince))
    policy = tables.Column('policy', verbose_name=_('Policy'))
    result = tables.Column(scaling_result, verbose_name=_('Result'))
    cause = tables.WrappingColumn('cause', verbose_name=_('Cause'))

    def get_object_id(self, activity):
        return '%s-%s' % (activity.at, activity.policy)

    class Meta:
        name = 'scaling_activity'
        verbose_name = _('Scaling Activity')


def what_happened(entry):
    return words.translated(entry.what)


def after_the_one_before(entry):
    """The pace of the story: '+4 s', '+3 min', '+2 h'."""
    seconds = entry.after
    if seconds is None:
        return ''
    if seconds < 120:
        return _('+%d s') % seconds
    if seconds < 7200:
        return _('+%d min') % (seconds // 60)
    return _('+%d h') % (seconds // 3600)


class TimelineTable(tables.DataTable):
    at = tables.Column('at', verbose_name=_('Time (UTC)'))
    after = tables.Column(after_the_one_before,
                          verbose_name=_('After the one before'))
    source = tables.Column('source', verbose_name=_('Service'))
    what = tables.WrappingColumn(what_happened,
                                 verbose_name=_('What happened'))

    def get_object_id(self, entry):
        return '%s-%s-%s' % (entry.at, entry.source, hash(entry.what))

    def get_object_display(self, entry):
        return entry.what

    class Meta:
        name = 'timeline'
        verbose_name = _('Heal Timeline')
