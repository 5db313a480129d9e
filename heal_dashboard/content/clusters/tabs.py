import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from horizon import exceptions
from horizon import tabs
from horizon.utils import functions as utils
from horizon.utils import http as http_utils

from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import cluster_state
from heal_dashboard import health
from heal_dashboard import words
from heal_dashboard.content.clusters import tables as cluster_tables

# Parameters Heat adds to every stack: not the user's choices.
HEAT_PSEUDO_PREFIX = 'OS::'
# Milliseconds between refreshes of a live tab while anything changes, and
# once all has settled (a failure must show within seconds either way).
REFRESH_INTERVAL = 5000
IDLE_INTERVAL = 15000

# A scaling alarm in a person's words: Aodh's "insufficient data" is
# Gnocchi not having enough points yet.
SCALING_ALARM_WORDS = {
    'insufficient data': pgettext_lazy('Scaling alarm state',
                                       'waiting for measures'),
    'ok': pgettext_lazy('Scaling alarm state', 'not firing'),
    'alarm': pgettext_lazy('Scaling alarm state', 'firing'),
    'disabled': pgettext_lazy('Scaling alarm state', 'switched off'),
    'missing': pgettext_lazy('Scaling alarm state', 'missing'),
    'unknown': pgettext_lazy('Scaling alarm state', 'unknown'),
}


def scaling_alarm_words(scaling):
    """[(ScalingAlarm, its state in words)] of a Scaling."""
    return [(alarm, SCALING_ALARM_WORDS.get(alarm.state, alarm.state))
            for alarm in (scaling.alarms if scaling else ())]


class OverviewTab(tabs.Tab):
    name = _('Overview')
    slug = 'overview'
    template_name = 'project/heal_clusters/_detail_overview.html'

    @property
    def load(self):
        """Not for another tab's own request (the Units tab's refreshes):
        only that tab is rendered then, and this one's calls would be
        wasted."""
        if http_utils.is_ajax(self.request) and not self.is_active():
            return False
        return super().load

    def get_context_data(self, request):
        cluster = self.tab_group.kwargs['cluster']
        template_id = api.heat.template_id_of(cluster)
        template = template_bundle.load().find(template_id)
        parameters = sorted(
            (name, value) for name, value in
            (cluster.parameters or {}).items()
            if not name.startswith(HEAT_PSEUDO_PREFIX))
        scaling = (self._scaling(cluster) if template_id == 'autoscaling'
                   else None)
        now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        healing_state = self._healing_state(cluster)
        return {
            'cluster': cluster,
            'template': template,
            'parameters': parameters,
            'outputs': cluster.outputs or [],
            'scaling': scaling,
            'scaling_alarm_rows': scaling_alarm_words(scaling),
            # Heat records nothing for a signal it ignores: say so first.
            'scaling_policies': [
                {'policy': policy, 'ignored': words.translated(
                    health.signal_ignored(scaling, policy.name, now))}
                for policy in (scaling.policies if scaling else ())],
            'launch_size': (cluster.parameters or {}).get(
                template.size_parameter) if template else None,
            'healing_state': healing_state,
            # None: Mistral could not say (not the defaults, then).
            'policy': (template_bundle.heal_policy(healing_state)
                       if healing_state is not None else None),
            'failure': self._failure(cluster),
            'refresh': self._refresh(cluster, healing_state),
        }

    def _refresh(self, cluster, healing_state):
        """The last refresh (Refresh Cluster) and how far it has come:
        one call, only when there was one."""
        refresh = (healing_state or {}).get('refresh')
        if not refresh:
            return None
        try:
            done, total = health.refresh_progress(api.heat.resources_list(
                self.request, cluster.id), refresh.get('since'))
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the cluster\'s units.'))
            done = total = None
        return dict(refresh, done=done, total=total, changes=sorted(
            (refresh.get('changes') or {}).items()))

    def _failure(self, cluster):
        """Why the cluster failed, from Heat's first failure event; None
        for a cluster that has not failed (no call)."""
        status = cluster.stack_status
        if not (status.endswith('FAILED') or status.startswith('ROLLBACK')):
            return None
        try:
            return health.failure_cause(
                api.heat.first_failure(self.request, cluster.id))
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve why the cluster failed.'))
            return None

    def _healing_state(self, cluster):
        """What the healing workflow reads first: paused, report-only;
        None if Mistral could not be asked."""
        try:
            return api.mistral.healing_state_get(
                self.request, template_bundle.healing_state_name(cluster.id))
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the healing state.'))
            return None

    def _scaling(self, cluster):
        try:
            return cluster_state.fetch_scaling(self.request, cluster)
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the scaling state.'))
            return None


class UnitsTab(tabs.TableTab):
    """Every unit's joined health; refreshed as one fragment while any unit
    or the cluster is unsettled."""
    name = _('Units')
    slug = 'units'
    table_classes = (cluster_tables.UnitsTable,)
    template_name = 'project/heal_clusters/_detail_units.html'
    # Fetched when shown: other tabs' requests do not pay for it.
    preload = False

    def _state(self):
        """Read by the view with the cluster when this tab was asked for;
        otherwise (a table action's post) read here."""
        state = self.tab_group.kwargs['state']
        if state.units is None and not hasattr(self, '_cluster_state'):
            try:
                self._cluster_state = cluster_state.fetch(
                    self.request, state.cluster.id)
            except Exception:
                exceptions.handle(self.request,
                                  _('Unable to retrieve the units.'))
                self._cluster_state = cluster_state.ClusterState(
                    state.cluster, [], {'orchestration': _('unavailable')})
        return getattr(self, '_cluster_state', state)

    def get_units_data(self):
        return self._state().units

    def get_context_data(self, request, **kwargs):
        context = super().get_context_data(request, **kwargs)
        cluster = self.tab_group.kwargs['cluster']
        state = self._state()
        context['problems'] = [
            (cluster_state.SERVICE_NAMES.get(service, service), problem)
            for service, problem in sorted(state.problems.items())]
        # An autoscaling group changing size: the new unit (or the one
        # leaving) shows within a fast tick.
        scaling = state.scaling
        context['scaling'] = scaling
        context['scaling_alarms'] = scaling_alarm_words(scaling)
        context['scaling_changing'] = bool(
            scaling and scaling.group_status.endswith('IN_PROGRESS'))
        context['settled'] = (
            not cluster.stack_status.endswith('IN_PROGRESS')
            and not context['scaling_changing']
            and all(unit.settled for unit in state.units))
        context['refresh_interval'] = REFRESH_INTERVAL
        context['idle_interval'] = IDLE_INTERVAL
        context['tab_param'] = self.get_id()
        return context


class EventsTab(tabs.TableTab):
    """Heat's events of the cluster and its units, newest first, a page at
    a time."""
    name = _('Events')
    slug = 'events'
    table_classes = (cluster_tables.EventsTable,)
    template_name = 'horizon/common/_detail_table.html'
    preload = False

    def get_events_data(self):
        cluster = self.tab_group.kwargs['cluster']
        marker = self.request.GET.get(
            cluster_tables.EventsTable._meta.pagination_param)
        page_size = utils.get_page_size(self.request)
        try:
            events = api.heat.events_list(self.request, cluster.id,
                                          limit=page_size + 1, marker=marker)
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the events.'))
            events = []
        self._more = len(events) > page_size
        return events[:page_size]

    def has_more_data(self, table):
        return self._more


class AlarmHistoryTab(tabs.TableTab):
    """Every state change of the cluster's alarms, in one query."""
    name = _('Alarm History')
    slug = 'alarm_history'
    table_classes = (cluster_tables.AlarmHistoryTable,)
    template_name = 'horizon/common/_detail_table.html'
    preload = False

    def get_alarm_history_data(self):
        cluster = self.tab_group.kwargs['cluster']
        try:
            resources = api.heat.resources_list(self.request, cluster.id)
            alarms = health.alarm_names(resources)
            return [dict(change._asdict(), unit=alarms[change.alarm_id][0],
                         alarm=alarms[change.alarm_id][1])
                    for change in api.aodh.alarms_history(
                        self.request, list(alarms))]
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the alarm history.'))
            return []


class ExecutionsTab(tabs.TableTab):
    """Every run of the cluster's healing workflow, by an alarm or a
    person: three calls at once (the workflow's executions and tasks;
    Heat's resources to name the units); for an autoscaling cluster, its
    scaling activity too."""
    name = _('Executions')
    slug = 'executions'
    table_classes = (cluster_tables.ExecutionsTable,
                     cluster_tables.ScalingActivityTable)
    template_name = 'project/heal_clusters/_detail_executions.html'
    preload = False

    def autoscaling(self):
        return api.heat.template_id_of(
            self.tab_group.kwargs['cluster']) == 'autoscaling'

    def get_scaling_activity_data(self):
        """Beside the heals, an autoscaling cluster's scaling, each with
        its cause."""
        if not self.autoscaling():
            return []
        try:
            return cluster_state.fetch_scaling_history(
                self.request, self.tab_group.kwargs['cluster'].id)
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the scaling activity.'))
            return []

    def get_executions_data(self):
        cluster = self.tab_group.kwargs['cluster']
        try:
            return cluster_state.fetch_history(self.request, cluster.id)
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the executions.'))
            return []

    def get_context_data(self, request, **kwargs):
        context = super().get_context_data(request, **kwargs)
        context['settled'] = not any(
            row['state'] in health.UNFINISHED
            and not health.stalled(row['created'])
            for row in context['executions_table'].data)
        context['refresh_interval'] = REFRESH_INTERVAL
        context['idle_interval'] = IDLE_INTERVAL
        context['tab_param'] = self.get_id()
        context['autoscaling'] = self.autoscaling()
        return context


class ClusterTabs(tabs.TabGroup):
    slug = 'cluster_details'
    tabs = (OverviewTab, UnitsTab, ExecutionsTab, EventsTab, AlarmHistoryTab)
    sticky = True
