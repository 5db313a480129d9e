from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tabs

from heal_dashboard import api
from heal_dashboard import catalog
from heal_dashboard import cluster_state
from heal_dashboard.content.clusters import tables as cluster_tables

# Parameters Heat adds to every stack: not the user's choices.
HEAT_PSEUDO_PREFIX = 'OS::'
# Milliseconds between refreshes of the units while anything is unsettled.
REFRESH_INTERVAL = 5000


class OverviewTab(tabs.Tab):
    name = _('Overview')
    slug = 'overview'
    template_name = 'project/heal_clusters/_detail_overview.html'

    def get_context_data(self, request):
        cluster = self.tab_group.kwargs['cluster']
        template_id = api.heat.template_id_of(cluster)
        try:
            template = catalog.load().get(template_id)
        except KeyError:
            template = None
        parameters = sorted(
            (name, value) for name, value in
            (getattr(cluster, 'parameters', None) or {}).items()
            if not name.startswith(HEAT_PSEUDO_PREFIX))
        return {
            'cluster': cluster,
            'template': template,
            'parameters': parameters,
            'outputs': getattr(cluster, 'outputs', None) or [],
        }


class UnitsTab(tabs.TableTab):
    """Every unit's joined health; refreshed as one fragment while any unit
    or the cluster is unsettled."""
    name = _('Units')
    slug = 'units'
    table_classes = (cluster_tables.UnitsTable,)
    template_name = 'project/heal_clusters/_detail_units.html'
    preload = True

    def _state(self):
        if not hasattr(self, '_cluster_state'):
            cluster = self.tab_group.kwargs['cluster']
            try:
                self._cluster_state = cluster_state.fetch(
                    self.request, cluster, with_queues=self.with_queues())
            except Exception:
                exceptions.handle(self.request,
                                  _('Unable to retrieve the units.'))
                self._cluster_state = cluster_state.ClusterState(
                    units=[], problems={'orchestration': _('unavailable')})
        return self._cluster_state

    def with_queues(self):
        """Zaqar's per-queue calls: only in the fragment asked for them."""
        return self.request.GET.get('queues') == '1'

    def get_units_data(self):
        return self._state().units

    def get_context_data(self, request, **kwargs):
        context = super().get_context_data(request, **kwargs)
        cluster = self.tab_group.kwargs['cluster']
        state = self._state()
        context['problems'] = [
            (cluster_state.SERVICE_NAMES.get(service, service), problem)
            for service, problem in sorted(state.problems.items())]
        context['settled'] = (
            not cluster.stack_status.endswith('IN_PROGRESS')
            and all(unit.settled for unit in state.units))
        context['refresh_interval'] = REFRESH_INTERVAL
        context['tab_param'] = '%s__%s' % (self.tab_group.slug, self.slug)
        context['with_queues'] = self.with_queues()
        return context


class ClusterTabs(tabs.TabGroup):
    slug = 'cluster_details'
    tabs = (OverviewTab, UnitsTab)
    sticky = True
