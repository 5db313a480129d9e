"""Cluster-wide actions: Heal Cluster, Pause / Resume Self-Healing, Scale,
Resize, Refresh."""

from unittest import mock

from django.urls import reverse
from openstack_dashboard import api as os_api
from openstack_dashboard.dashboards.project.images import utils as image_utils
from openstack_dashboard.test import helpers

from heal_dashboard import api
from tests import helpers as heal_helpers
from tests import test_data

INDEX_URL = reverse('horizon:project:heal_clusters:index')
MOCKS = {
    api.heat: ['clusters_list', 'nested_stacks_list', 'stack_get',
               'stack_update_existing', 'resources_list', 'resource_signal',
               'stack_template', 'resource_metadata', 'scaling_signals'],
    api.aodh: ['alarm_set_enabled', 'alarms_list'],
    api.mistral: ['healing_state_update'],
}


class ClusterListMixin:
    """The Clusters panel with the project's clusters (the MOCKS), and a
    row action posted to it."""

    def list_clusters(self, status='CREATE_COMPLETE'):
        self.mock_clusters_list.return_value = self.heal_clusters.list()
        self.mock_nested_stacks_list.return_value = self.heal_stacks.list()
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'web', status=status)

    def post(self, action, cluster_id='c1'):
        return self.client.post(INDEX_URL, {
            'action': 'clusters__%s__%s' % (action, cluster_id)})


class ClusterActionTests(ClusterListMixin, heal_helpers.TestCase):

    @helpers.create_mocks(MOCKS)
    def test_heal_cluster_updates_it_as_it_is(self):
        self.list_clusters()
        res = self.post('heal_cluster')
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_stack_update_existing.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1', {})

    @helpers.create_mocks(MOCKS)
    def test_heal_cluster_keeps_an_autoscaling_clusters_current_size(self):
        # Launched with 2, scaled out to 3 since: an update that re-applied
        # desired_size would shrink it back.
        self.list_clusters()
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'auto', tags=['heal-dashboard', 'heal-template=autoscaling'],
            parameters={'desired_size': '2'})
        self.mock_resources_list.return_value = test_data.cluster_resources(
            *[test_data.unit_resources(i) for i in range(3)])

        self.post('heal_cluster')

        self.mock_stack_update_existing.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1', {'desired_size': 3})

    @helpers.create_mocks(MOCKS)
    def test_heal_cluster_is_refused_while_heat_is_busy(self):
        self.list_clusters(status='UPDATE_IN_PROGRESS')
        self.post('heal_cluster')
        self.mock_stack_update_existing.assert_not_called()
        self.assertMessageCount(warning=1, error=0)

    @helpers.create_mocks(MOCKS)
    def test_pause_and_resume_set_the_healing_state_and_the_alarms(self):
        self.list_clusters()
        self.mock_resources_list.return_value = test_data.cluster_resources(
            test_data.unit_resources(0), test_data.unit_resources(1))

        self.post('pause')
        # What the workflow reads before it heals anything.
        self.mock_healing_state_update.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-c1', paused=True)
        switched = {(c.args[1], c.args[2]) for c in
                    self.mock_alarm_set_enabled.call_args_list}
        self.assertEqual(6, len(switched))
        self.assertEqual({False}, {enabled for _id, enabled in switched})

        self.mock_alarm_set_enabled.reset_mock()
        self.mock_healing_state_update.reset_mock()
        self.post('resume')
        # Resuming also ends a suspension by the circuit breaker, which
        # counts heals from then on.
        self.mock_healing_state_update.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-c1', paused=False,
            suspended=None, breaker_reset=mock.ANY)
        reset = self.mock_healing_state_update.call_args.kwargs[
            'breaker_reset']
        self.assertRegex(reset, r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')
        self.assertEqual(
            {True}, {c.args[2] for c in
                     self.mock_alarm_set_enabled.call_args_list})

    @helpers.create_mocks(MOCKS)
    def test_report_only_and_back_set_the_healing_state(self):
        self.list_clusters()
        self.post('report_only')
        # What the workflow reads before it replaces anything.
        self.mock_healing_state_update.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-c1', mode='report')
        self.mock_healing_state_update.reset_mock()
        self.post('replace')
        self.mock_healing_state_update.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-c1', mode='replace')

    @helpers.create_mocks(MOCKS)
    def test_scaling_is_offered_on_autoscaling_clusters_only(self):
        self.list_clusters()
        self.mock_clusters_list.return_value = [
            test_data.stack('c3', 'auto', tags=[
                'heal-dashboard', 'heal-template=autoscaling']),
            self.heal_clusters.first()]
        res = self.client.get(INDEX_URL)
        self.assertContains(res, 'clusters__scale_out__c3')
        self.assertNotContains(res, 'clusters__scale_out__c1')

    def autoscaling_cluster(self, units, metadata=None):
        """Cluster c3 of the autoscaling template (2 to 6 units)."""
        self.list_clusters()
        cluster = test_data.stack(
            'c3', 'auto', tags=['heal-dashboard', 'heal-template=autoscaling'],
            parameters=test_data.SCALING_PARAMETERS)
        self.mock_clusters_list.return_value = [cluster]
        self.mock_stack_get.return_value = cluster
        self.mock_resources_list.return_value = test_data.cluster_resources(
            *[test_data.unit_resources(i) for i in range(units)]
        ) + test_data.SCALING_TOP
        self.mock_alarms_list.return_value = []
        self.mock_stack_template.return_value = test_data.SCALING_TEMPLATE
        self.mock_resource_metadata.return_value = metadata or {}
        self.mock_scaling_signals.return_value = []

    @helpers.create_mocks(MOCKS)
    def test_scale_out_signals_the_policy_saying_who_asked(self):
        self.autoscaling_cluster(3)
        self.post('scale_out', 'c3')
        self.mock_resource_signal.assert_called_once_with(
            helpers.IsHttpRequest(), 'c3', 'scale_out',
            'Scale Out asked by test_user in the dashboard')

    @helpers.create_mocks(MOCKS)
    def test_a_signal_heat_would_ignore_is_refused_saying_why(self):
        self.autoscaling_cluster(6)
        res = self.post('scale_out', 'c3')
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_resource_signal.assert_not_called()
        self.assertMessageCount(warning=1, error=0)
        self.assertIn('Heat would ignore Scale Out now: it has its maximum '
                      'of 6 units.', [str(m) for m in res.wsgi_request.
                                      _messages])

    @helpers.create_mocks(MOCKS)
    def test_scale_in_in_the_cooldown_is_refused(self):
        self.autoscaling_cluster(3, {'cooldown_end': {
            '2999-01-01T00:00:00': 'change_in_capacity : 1'}})
        self.post('scale_in', 'c3')
        self.mock_resource_signal.assert_not_called()


@heal_helpers.enforce_policy
class ClusterActionPolicyTests(ClusterListMixin, heal_helpers.TestCase):

    @helpers.create_mocks(MOCKS)
    def test_a_reader_gets_none_of_them(self):
        self.set_roles('reader')
        self.list_clusters()
        res = self.client.get(INDEX_URL)
        for action in ('heal_cluster', 'pause', 'resume', 'report_only',
                       'replace', 'scale_out', 'resize'):
            self.assertNotContains(res, 'clusters__%s__' % action)
        self.post('heal_cluster')
        self.mock_stack_update_existing.assert_not_called()
        # Nor the resize form, asked directly.
        res = self.client.post(resize_url(), {'size': 1})
        self.assertEqual(403, res.status_code)
        self.mock_stack_update_existing.assert_not_called()


RESIZE_MOCKS = {
    api.heat: ['stack_get', 'resources_list', 'stack_update_existing'],
    api.aodh: ['alarms_list'],
    api.mistral: ['executions_list', 'healing_state_get', 'heal_turns'],
    api.zaqar: ['queue_state'],
}


def resize_url(cluster_id='c1'):
    return reverse('horizon:project:heal_clusters:resize', args=[cluster_id])


class ResizeClusterTests(heal_helpers.TestCase):

    def resize(self, size, *removed):
        return self.client.post(resize_url(), {'size': size,
                                               'removed': list(removed)})

    @helpers.create_mocks(RESIZE_MOCKS)
    def test_the_form_offers_the_units_to_remove(self):
        self.mock_cluster(3)
        form = self.client.get(resize_url()).context['form']
        self.assertEqual(3, form.fields['size'].initial)
        self.assertEqual(['0', '1', '2'],
                         [name for name, _label in
                          form.fields['removed'].choices])

    @helpers.create_mocks(RESIZE_MOCKS)
    def test_shrinking_removes_the_chosen_units_first(self):
        self.mock_cluster(3)
        res = self.resize(2, '0')
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, reverse(
            'horizon:project:heal_clusters:detail', args=['c1']))
        self.mock_stack_update_existing.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1',
            {'cluster_size': 2, 'removed_units': '0'})
        self.assertMessageCount(success=1)

    @helpers.create_mocks(RESIZE_MOCKS)
    def test_growing_names_no_unit_to_remove(self):
        self.mock_cluster(3)
        self.assertNoFormErrors(self.resize(5))
        self.mock_stack_update_existing.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1',
            {'cluster_size': 5, 'removed_units': ''})

    @helpers.create_mocks(RESIZE_MOCKS)
    def test_more_chosen_than_the_cluster_shrinks_by_is_a_field_error(self):
        self.mock_cluster(3)
        for size, removed in ((2, ('0', '1')), (3, ('0',)), (0, ())):
            res = self.resize(size, *removed)
            self.assertFormErrors(res, 1)
        self.mock_stack_update_existing.assert_not_called()

    @helpers.create_mocks(RESIZE_MOCKS)
    def test_a_resize_keeping_fewer_healthy_units_than_the_minimum_is_refused(
            self):
        # Unit 0 is marked unhealthy; the policy keeps 2 healthy units.
        self.mock_cluster(3, unit0=test_data.unit_resources(
            0, server_status='CHECK_FAILED', reason='marked'))
        self.mock_healing_state_get.return_value = {'min_healthy': 2}

        # The highest-numbered (healthy) unit would go: 1 healthy left.
        res = self.resize(2)
        self.assertContains(res, 'would leave 1 healthy units, fewer than '
                                 'the heal policy&#x27;s minimum of 2')
        self.mock_stack_update_existing.assert_not_called()

        # Removing the unhealthy one keeps 2.
        self.assertNoFormErrors(self.resize(2, '0'))
        self.mock_stack_update_existing.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1',
            {'cluster_size': 2, 'removed_units': '0'})

    @helpers.create_mocks(RESIZE_MOCKS)
    def test_an_autoscaling_cluster_is_not_resized_here(self):
        self.mock_cluster(3)
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'auto', tags=['heal-dashboard', 'heal-template=autoscaling'])
        res = self.resize(2)
        self.assertContains(res, 'Only a fixed-size cluster is resized here')
        self.mock_stack_update_existing.assert_not_called()

    @helpers.create_mocks(RESIZE_MOCKS)
    def test_a_busy_cluster_is_not_resized(self):
        self.mock_cluster(3, status='UPDATE_IN_PROGRESS')
        res = self.resize(2)
        self.assertContains(res, 'The cluster is busy')
        self.mock_stack_update_existing.assert_not_called()


REFRESH_MOCKS = {
    api.heat: ['stack_get', 'stack_update_existing', 'resources_list'],
    api.mistral: ['healing_state_get', 'healing_state_update'],
    image_utils: ['get_available_images'],
    os_api.nova: ['flavor_list'],
}


def refresh_url(cluster_id='c1'):
    return reverse('horizon:project:heal_clusters:refresh',
                   args=[cluster_id])


class RefreshClusterTests(heal_helpers.TestCase):

    def mock_refreshable(self, min_healthy=1):
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'web', parameters={'image': 'cirros', 'flavor': 'tiny-id'})
        self.mock_get_available_images.return_value = self.images.list()
        self.mock_flavor_list.return_value = self.flavors.list()
        self.mock_healing_state_get.return_value = {
            'min_healthy': min_healthy}
        self.new_flavor = self.flavors.first().id

    def refresh(self, **data):
        return self.client.post(refresh_url(), dict({
            'param_image': 'cirros', 'param_flavor': self.new_flavor,
            'batch': 1, 'pause': 5}, **data))

    @helpers.create_mocks(REFRESH_MOCKS)
    def test_the_form_offers_the_clusters_own_image_and_the_clouds(self):
        self.mock_refreshable()
        form = self.client.get(refresh_url()).context['form']
        self.assertEqual(['param_image', 'param_flavor', 'batch', 'pause'],
                         list(form.fields))
        # Launched by name, not offered by Glance under it: kept first.
        self.assertEqual(('cirros', 'cirros'),
                         tuple(form.fields['param_image'].choices[0]))
        self.assertEqual('cirros', form.fields['param_image'].initial)

    @helpers.create_mocks(REFRESH_MOCKS)
    def test_a_new_flavor_updates_the_units_in_batches_keeping_the_minimum(
            self):
        self.mock_refreshable(min_healthy=2)
        res = self.refresh()
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, reverse(
            'horizon:project:heal_clusters:detail', args=['c1']))
        # Only what changed, with the rolling update's settings.
        self.mock_stack_update_existing.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1', {
                'flavor': self.new_flavor, 'refresh_batch': 1,
                'refresh_pause': 5, 'refresh_min_in_service': 2})
        self.mock_healing_state_update.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-c1', refresh={
                'since': mock.ANY, 'by': 'test_user',
                'changes': {'flavor': self.new_flavor}})

    @helpers.create_mocks(REFRESH_MOCKS)
    def test_nothing_to_change_is_refused(self):
        self.mock_refreshable()
        res = self.refresh(param_flavor='tiny-id')
        self.assertContains(res, 'Nothing to refresh')
        self.mock_stack_update_existing.assert_not_called()

    @helpers.create_mocks({api.heat: ['stack_get', 'resources_list'],
                           api.mistral: ['healing_state_get']})
    def test_the_overview_shows_how_far_the_refresh_has_come(self):
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'web', status='UPDATE_IN_PROGRESS')
        # Unit 1's server is new since the refresh began, the others not.
        unit1 = test_data.changed(test_data.unit_resources(1), 'server',
                                  creation_time='2026-12-02T10:05:00Z')
        self.mock_resources_list.return_value = test_data.cluster_resources(
            test_data.unit_resources(0), unit1, test_data.unit_resources(2))
        self.mock_healing_state_get.return_value = {'refresh': {
            'since': '2026-12-02T10:00:00Z', 'by': 'alice',
            'changes': {'flavor': 'm1.<b>big</b>'}}}

        res = self.client.get(reverse('horizon:project:heal_clusters:detail',
                                      args=['c1']))

        self.assertContains(res, 'by alice at 2026-12-02T10:00:00Z: flavor '
                                 'm1.&lt;b&gt;big&lt;/b&gt;')
        self.assertContains(res, '1 of 3 units have a new server; in '
                                 'progress: heals wait until it ends')
