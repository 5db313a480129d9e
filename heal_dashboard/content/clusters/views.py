import json

from django.core.exceptions import PermissionDenied
from django import shortcuts
from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from heatclient import exc as heat_exc
from horizon import exceptions
from horizon import forms
from horizon import tables
from horizon import tabs
from horizon import views
from horizon.utils import memoized
from openstack_dashboard import policy
from openstack_dashboard.api import base

from heal_dashboard import api
from heal_dashboard import template_bundle
from heal_dashboard import cluster_state
from heal_dashboard import health
from heal_dashboard import words
from heal_dashboard.content.clusters import forms as cluster_forms
from heal_dashboard.content.clusters import tables as cluster_tables
from heal_dashboard.content.clusters import tabs as cluster_tabs

INDEX_URL = 'horizon:project:heal_clusters:index'
DETAIL_URL = 'horizon:project:heal_clusters:detail'


class PolicyMixin:
    """Refuses the view to a user without its policy rules: the buttons are
    hidden from them, and a direct request is refused too."""
    policy_rules = ()

    def dispatch(self, request, *args, **kwargs):
        if not policy.check(self.policy_rules, request):
            raise PermissionDenied()
        return super().dispatch(request, *args, **kwargs)


class ClusterUnavailable(Exception):
    """Heat, which holds the cluster, did not answer."""


def read_cluster(request, read):
    """What `read` returns: a cluster that is not there (or not this
    project's) goes back to the list; Heat not answering is said in place
    (ClusterUnavailable), not by a redirect to a list that would wait on
    Heat a second time."""
    try:
        return read()
    except (exceptions.NotFound, heat_exc.HTTPNotFound):
        exceptions.handle(request, _('Unable to retrieve the cluster.'),
                          redirect=reverse(INDEX_URL))
    except Exception as error:
        # Records the error for the page; an error it does not know (our
        # own bug) is raised again.
        exceptions.handle(request, _('Unable to retrieve the cluster.'))
        raise ClusterUnavailable() from error


class ClusterPageMixin(PolicyMixin):
    """A page of one cluster: Heat not answering (ClusterUnavailable from
    read_cluster) renders a page that says so."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except ClusterUnavailable:
            return shortcuts.render(
                request, 'project/heal_clusters/unavailable.html',
                {'page_title': _('Cluster unavailable'),
                 'url': reverse(INDEX_URL)}, status=503)


def available_services(request, templates):
    """Of the services the templates use, those in the user's catalog."""
    wanted = {s for t in templates for s in t.services}
    return {s for s in wanted if base.is_service_enabled(request, s)}


class IndexView(tables.DataTableView):
    table_class = cluster_tables.ClustersTable
    template_name = 'project/heal_clusters/index.html'
    page_title = _('Self-Healing Clusters')

    def get_data(self):
        try:
            clusters, stacks = cluster_state.clusters_and_stacks(
                self.request)
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the clusters.'))
            return []
        return health.summarize_clusters(clusters, stacks,
                                         api.heat.template_id_of)


class SelectTemplateView(PolicyMixin, forms.ModalFormMixin,
                         views.HorizonTemplateView):
    template_name = 'project/heal_clusters/select_template.html'
    page_title = _('Launch Cluster')
    policy_rules = (('heal', 'heal:cluster:launch'),)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bundled = template_bundle.load()
        available = available_services(self.request, bundled.templates)
        context['templates'] = [
            {'template': t,
             'missing': bundled.missing_services(t, available)}
            for t in bundled.templates]
        context['standin_notes'] = cluster_forms.standin_notes(bundled,
                                                               available)
        return context


class LaunchView(PolicyMixin, forms.ModalFormView):
    form_class = cluster_forms.LaunchClusterForm
    template_name = 'project/heal_clusters/launch.html'
    submit_label = _('Launch')
    submit_url = 'horizon:project:heal_clusters:launch'
    page_title = _('Launch Cluster')
    policy_rules = (('heal', 'heal:cluster:launch'),)

    @memoized.memoized_method
    def _catalog_and_template(self):
        bundled = template_bundle.load()
        try:
            return bundled, bundled.get(self.kwargs['template_id'])
        except KeyError as error:
            raise exceptions.NotFound() from error

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['submit_url'] = reverse(self.submit_url,
                                        args=[self.kwargs['template_id']])
        context['template'] = self._catalog_and_template()[1]
        return context

    @memoized.memoized_method
    def _form_inputs(self):
        bundled, template = self._catalog_and_template()
        available = available_services(self.request, bundled.templates)
        try:
            validation = api.heat.template_validate(
                self.request, **bundled.launch_spec(template, available))
        except Exception:
            exceptions.handle(
                self.request, _('Heat could not read the template.'),
                redirect=reverse(INDEX_URL))
        return dict(bundle=bundled, template=template,
                    available_services=available, validation=validation)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(self._form_inputs())
        return kwargs

    def form_valid(self, form):
        cluster_id = form.handle(self.request, form.cleaned_data)
        if not cluster_id:
            return self.form_invalid(form)
        return shortcuts.redirect(reverse(DETAIL_URL, args=[cluster_id]))


class ClusterFormView(PolicyMixin, forms.ModalFormView):
    """A modal form about one of the project's clusters, which its URL
    names."""
    success_url = reverse_lazy(INDEX_URL)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['submit_url'] = reverse(self.submit_url,
                                        args=[self.kwargs['cluster_id']])
        return context

    @memoized.memoized_method
    def cluster(self):
        # The cluster must be this project's: Heat says so.
        return read_cluster(self.request, lambda: api.heat.cluster_get(
            self.request, self.kwargs['cluster_id']))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(cluster_id=self.cluster().id, **self.form_inputs())
        return kwargs

    def form_inputs(self):
        return {}


class EditHealPolicyView(ClusterFormView):
    form_class = cluster_forms.EditHealPolicyForm
    template_name = 'project/heal_clusters/edit_policy.html'
    modal_id = 'edit_heal_policy_modal'
    submit_label = _('Save')
    submit_url = 'horizon:project:heal_clusters:policy'
    page_title = _('Edit Heal Policy')
    policy_rules = (('heal', 'heal:cluster:mode'),)

    def form_inputs(self):
        try:
            return {'healing_state': api.mistral.healing_state_get(
                self.request,
                template_bundle.healing_state_name(self.cluster().id))}
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the heal policy.'),
                              redirect=reverse(INDEX_URL))


class ClusterChangeView(ClusterFormView):
    """A form that changes the cluster: its page follows, to watch it."""

    def get_success_url(self):
        return reverse(DETAIL_URL, args=[self.kwargs['cluster_id']])


class ResizeClusterView(ClusterChangeView):
    form_class = cluster_forms.ResizeClusterForm
    template_name = 'project/heal_clusters/resize.html'
    modal_id = 'resize_cluster_modal'
    submit_label = _('Resize')
    submit_url = 'horizon:project:heal_clusters:resize'
    page_title = _('Resize Cluster')
    policy_rules = (('heal', 'heal:cluster:resize'),)

    def form_inputs(self):
        try:
            return {'unit_names': health.unit_names(api.heat.resources_list(
                self.request, self.cluster().id))}
        except Exception:
            exceptions.handle(self.request,
                              _("Unable to retrieve the cluster's units."),
                              redirect=reverse(INDEX_URL))


class RefreshClusterView(ClusterChangeView):
    form_class = cluster_forms.RefreshClusterForm
    template_name = 'project/heal_clusters/refresh.html'
    modal_id = 'refresh_cluster_modal'
    submit_label = _('Refresh')
    submit_url = 'horizon:project:heal_clusters:refresh'
    page_title = _('Refresh Cluster')
    policy_rules = (('heal', 'heal:cluster:refresh'),)

    def form_inputs(self):
        cluster = self.cluster()
        template = template_bundle.load().find(
            api.heat.template_id_of(cluster))
        if template is None or not template.refresh_parameters:
            exceptions.handle(self.request,
                              _('Only a fixed-size cluster is refreshed '
                                'here.'), redirect=reverse(INDEX_URL))
        return {'template': template,
                'parameters': cluster.parameters or {}}


class ClusterItemView(ClusterPageMixin, tables.DataTableView):
    """A page about one thing of a cluster (fetched by `fetch`, which
    returns None when the cluster has no such thing: 404), with a link
    back to the cluster."""
    policy_rules = (('heal', 'heal:cluster:get'),)

    def fetch(self):
        raise NotImplementedError

    @memoized.memoized_method
    def fetched(self):
        found = read_cluster(self.request, self.fetch)
        if found is None:
            raise exceptions.NotFound()
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.fetched().cluster
        context.update(cluster=cluster,
                       cluster_url=reverse(DETAIL_URL, args=[cluster.id]))
        return context


class UnitTimelineView(ClusterItemView):
    """Why a unit was replaced: its alarms, queue, executions and Heat
    events on one time line."""
    table_class = cluster_tables.TimelineTable
    template_name = 'project/heal_clusters/unit_timeline.html'
    page_title = _('Unit {{ unit }} of {{ cluster.stack_name }}')

    def fetch(self):
        return cluster_state.fetch_timeline(
            self.request, self.kwargs['cluster_id'], self.kwargs['unit'])

    def get_data(self):
        return self.fetched().entries

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        timeline = self.fetched()
        context.update(
            unit=timeline.unit,
            problems=[(cluster_state.SERVICE_NAMES.get(s, s), p)
                      for s, p in sorted(timeline.problems.items())])
        return context


class ExecutionView(ClusterItemView):
    """One run of the healing workflow: what came of it and why, then its
    tasks, input and output (what the Executions tab leaves out)."""
    table_class = cluster_tables.ExecutionTasksTable
    template_name = 'project/heal_clusters/execution.html'
    page_title = _('Healing execution')

    def fetch(self):
        return cluster_state.fetch_execution(
            self.request, self.kwargs['cluster_id'],
            self.kwargs['execution_id'])

    def get_data(self):
        return self.fetched().tasks

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        details = self.fetched()
        context.update(
            execution=details.row,
            cause=words.translated(details.row['cause']),
            steps=[(words.translated(step), seconds)
                   for step, seconds in details.row['steps']],
            problems=[(cluster_state.SERVICE_NAMES.get(s, s), p)
                      for s, p in sorted(details.problems.items())],
            input=json.dumps(details.input, indent=2, sort_keys=True),
            output=json.dumps(details.output, indent=2, sort_keys=True))
        return context


class DetailView(ClusterPageMixin, tabs.TabbedTableView):
    tab_group_class = cluster_tabs.ClusterTabs
    template_name = 'horizon/common/_detail.html'
    page_title = '{{ cluster.stack_name }}'
    policy_rules = (('heal', 'heal:cluster:get'),)

    @memoized.memoized_method
    def get_cluster_state(self):
        """The cluster; when the Units tab is asked for, its units too,
        read in the same round of concurrent calls."""
        units_tab = tabs.base.SEPARATOR.join(
            (self.tab_group_class.slug, cluster_tabs.UnitsTab.slug))
        return read_cluster(self.request, lambda: cluster_state.fetch(
            self.request, self.kwargs['cluster_id'],
            with_units=(self.request.GET.get(
                self.tab_group_class.param_name) == units_tab)))

    def get_cluster(self):
        return self.get_cluster_state().cluster

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.get_cluster()
        context['cluster'] = cluster
        context['url'] = reverse(INDEX_URL)
        table = cluster_tables.ClustersTable(self.request)
        summary = health.summarize_clusters([cluster], [],
                                            api.heat.template_id_of)[0]
        context['actions'] = table.render_row_actions(summary)
        return context

    def get_tabs(self, request, **kwargs):
        state = self.get_cluster_state()
        return self.tab_group_class(request, cluster=state.cluster,
                                    state=state, **kwargs)
