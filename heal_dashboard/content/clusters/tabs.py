from django.utils.translation import gettext_lazy as _
from horizon import tabs

from heal_dashboard import api
from heal_dashboard import catalog

# Parameters Heat adds to every stack: not the user's choices.
HEAT_PSEUDO_PREFIX = 'OS::'


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


class ClusterTabs(tabs.TabGroup):
    slug = 'cluster_details'
    tabs = (OverviewTab,)
    sticky = True
