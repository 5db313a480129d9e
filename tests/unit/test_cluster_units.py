"""The cluster page's Units tab: joined health in a constant number of calls,
degrading per service, escaped, refreshed as one fragment."""

import dataclasses
import datetime
import html.parser
import re
import threading
from unittest import mock

from django.core.cache import cache
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import functional
from django.utils import html as dj_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from heatclient import exc as heat_exc
from horizon import tables
from horizon.utils import escape as horizon_escape
from keystoneauth1 import exceptions as ks_exc
from mistralclient.api import base as mistral_base
from openstack_dashboard.test import helpers
from zaqarclient.transport import errors as zaqar_errors

from heal_dashboard import api
from heal_dashboard import records
from heal_dashboard.content.clusters import fast_rows
from heal_dashboard.content.clusters import tables as cluster_tables
from tests import helpers as heal_helpers
from tests import test_data

UNIT_MOCKS = {
    api.heat: ['stack_get', 'resources_list'],
    api.aodh: ['alarms_list'],
    api.mistral: ['executions_list', 'healing_state_get', 'heal_turns'],
    api.zaqar: ['queue_state'],
}
UNITS_TAB = 'cluster_details__units'
NOVA_MOCKS = {**UNIT_MOCKS, api.nova: ['servers_list']}
OCTAVIA_MOCKS = {**UNIT_MOCKS, api.octavia: ['members_list']}


def detail_url(cluster_id='c1'):
    return reverse('horizon:project:heal_clusters:detail', args=[cluster_id])


class UnitsTabTests(heal_helpers.TestCase):

    def set_cluster(self, size, **kwargs):
        self.mock_cluster(size, **kwargs)

    def get_units(self, **extra):
        res = self.client.get(detail_url(), {'tab': UNITS_TAB}, **extra)
        self.assertEqual(200, res.status_code)
        return res

    @helpers.create_mocks(UNIT_MOCKS)
    def test_an_alarm_from_before_the_last_heal_reads_healed(self):
        self.set_cluster(1)
        # Aodh keeps the alarm in alarm after the heal rebuilt the server.
        self.mock_alarms_list.return_value = list(
            test_data.all_alarms(1, 'alarm', 'old-server-%d').values())

        res = self.get_units()

        self.assertEqual(['healthy'],
                         [u.health for u in res.context['units_table'].data])
        self.assertContains(res, 'deleted: fired, healed')
        self.assertContains(res, 'heal-alarm-healed')
        # Which server it fired for, one hover away.
        self.assertContains(res, 'title="alarm, fired for server '
                            'old-server-0"')
        self.assertNotContains(res, 'heal-alarm-alarm')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_units_show_every_services_state(self):
        self.set_cluster(3)
        self.mock_executions_list.return_value = [
            test_data.execution(1, 'SUCCESS', requested_by='alice')]

        res = self.get_units()

        table = res.context['units_table']
        self.assertEqual(['0', '1', '2'], [u.name for u in table.data])
        self.assertEqual({'healthy'}, {u.health for u in table.data})
        self.assertContains(res, 'Healthy', 3)
        # Aodh's "ok" and "insufficient data" of an event alarm that never
        # fired, in words.
        self.assertContains(res, 'deleted: watching')
        self.assertNotContains(res, 'deleted: ok')
        self.assertContains(res, 'subscribed<')
        self.assertContains(res, '0 messages')
        self.assertContains(res, 'alice')
        self.assertContains(res, 'data-heal-settled="true"')
        # Live while settled too, only slower.
        self.assertContains(res, 'data-heal-idle="15000"')
        self.mock_executions_list.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-c1')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_calls_do_not_grow_with_the_units(self):
        for size in (2, 20):
            self.set_cluster(size)
            for mocked in (self.mock_resources_list, self.mock_alarms_list,
                           self.mock_executions_list, self.mock_queue_state):
                mocked.reset_mock()

            res = self.get_units()

            self.assertEqual(1, self.mock_resources_list.call_count)
            self.assertEqual(1, self.mock_alarms_list.call_count)
            self.assertEqual(1, self.mock_executions_list.call_count)
            # Every unit's alarms post to the cluster's one queue, named
            # after it: asked in the same round.
            self.mock_queue_state.assert_called_once_with(
                helpers.IsHttpRequest(), test_data.QUEUE)
            self.assertEqual(size, len(res.context['units_table'].data))

    def set_autoscaling(self, size, group_status):
        """Cluster c1 of the autoscaling template (2 to 6 units), its group
        in that state, its cpu_high alarm firing."""
        self.set_cluster(size)
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'web', tags=['heal-dashboard', 'heal-template=autoscaling'],
            parameters=dict(test_data.SCALING_PARAMETERS))
        self.mock_resources_list.return_value = test_data.changed(
            self.mock_resources_list.return_value, 'units',
            resource_status=group_status) + test_data.SCALING_TOP
        self.mock_alarms_list.return_value += [
            test_data.CPU_HIGH,
            records.Alarm(alarm_id='a2', state='insufficient data')]

    @helpers.create_mocks(UNIT_MOCKS)
    def test_an_autoscaling_group_changing_size_shows_live(self):
        self.set_autoscaling(3, 'UPDATE_IN_PROGRESS')

        # The tab's own refresh, as heal.js asks for it.
        res = self.get_units(HTTP_X_REQUESTED_WITH='XMLHttpRequest')

        self.assertContains(res, '3 units (between 2 and 6): changing size '
                                 'now.')
        # Its scaling alarms in words, from the same call as the units'.
        self.assertContains(res, 'cpu_high firing, cpu_low waiting for '
                                 'measures.')
        self.assertContains(res, 'data-heal-settled="false"')
        self.assertEqual(1, self.mock_alarms_list.call_count)

        self.set_autoscaling(3, 'UPDATE_COMPLETE')
        res = self.get_units(HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertContains(res, '3 units (between 2 and 6).')
        self.assertContains(res, 'data-heal-settled="true"')

        self.set_autoscaling(1, 'UPDATE_COMPLETE')
        res = self.get_units(HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertContains(res, '1 unit (between 2 and 6).')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_a_fixed_size_cluster_has_no_scaling_line(self):
        self.set_cluster(2)

        self.assertNotContains(self.get_units(), 'heal-live-scaling')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_a_unit_being_healed_keeps_the_tab_refreshing(self):
        self.set_cluster(2, unit1=test_data.unit_resources(
            1, unit_status='UPDATE_IN_PROGRESS'))

        res = self.get_units()

        self.assertContains(res, 'Healing')
        self.assertContains(res, 'data-heal-settled="false"')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_a_new_server_shows_its_grace_counting_down(self):
        just_built = datetime.datetime.now(datetime.timezone.utc).strftime(
            '%Y-%m-%dT%H:%M:%SZ')
        unit0 = test_data.changed(test_data.unit_resources(0), 'server',
                                  creation_time=just_built)
        self.set_cluster(2, unit0=unit0)
        self.mock_healing_state_get.return_value = {'grace': 600}

        res = self.get_units()

        # Under the badge (and in its title, with the other reasons).
        [grace] = re.findall(r'class="heal-grace">in grace \((\d+) s left\)',
                             res.content.decode())
        # Counted from Heat's creation of the server (seconds may pass).
        self.assertTrue(590 <= int(grace) <= 600, grace)
        self.assertEqual([int(grace), 0], [
            u.grace_left for u in res.context['units_table'].data])
        # Refreshed every few seconds while it counts down.
        self.assertContains(res, 'data-heal-settled="false"')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_heals_waiting_their_turn_show_their_place(self):
        self.set_cluster(3)
        self.mock_healing_state_get.return_value = {'budget': 1}
        self.mock_heal_turns.return_value = [
            records.Turn(unit='unit-2', execution='e2'),
            records.Turn(unit='unit-0', execution='e0')]

        res = self.get_units()

        self.assertContains(res, 'class="heal-queued">queued: 1 in line for '
                                 'a heal<', count=1)
        self.assertEqual(['healing', 'healthy', 'healing'], [
            u.health for u in res.context['units_table'].data])
        self.mock_heal_turns.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-turn-c1')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_the_tab_alone_is_one_ajax_fragment(self):
        self.set_cluster(2)

        res = self.get_units(HTTP_X_REQUESTED_WITH='XMLHttpRequest')

        self.assertContains(res, 'class="heal-units heal-live"')
        self.assertTemplateNotUsed(res, 'base.html')
        # The Overview is not rendered, so its calls are not made: the
        # healing state is read once, for the units' grace period.
        self.assertTemplateNotUsed(
            res, 'project/heal_clusters/_detail_overview.html')
        self.mock_healing_state_get.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-c1')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_unit_data_with_markup_is_escaped(self):
        self.set_cluster(1)
        self.mock_executions_list.return_value = [test_data.execution(
            0, 'ERROR', error='<script>alert(1)</script>',
            requested_by='<b>mallory</b>')]

        res = self.get_units()

        self.assertNotContains(res, '<script>alert(1)</script>')
        self.assertContains(res, '&lt;script&gt;alert(1)&lt;/script&gt;')
        self.assertNotContains(res, '<b>mallory</b>')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_a_unit_name_with_markup_is_escaped_in_its_row(self):
        # (Heat refuses a "/" in resource names.)
        self.set_cluster(1, unit0=test_data.unit_resources(
            0, name='<b>"u"&'))

        res = self.get_units()

        self.assertNotContains(res, '<b>"u"')
        escaped = '&lt;b&gt;&quot;u&quot;&amp;'
        # The row, its checkbox and each of its action buttons.
        self.assertContains(res, 'id="units__row__%s"' % escaped)
        self.assertContains(res, 'name="object_ids" value="%s"' % escaped)
        self.assertContains(res, 'value="units__heal__%s"' % escaped)
        self.assertContains(res, 'value="units__mark_unhealthy__%s"'
                            % escaped)

    @helpers.create_mocks(UNIT_MOCKS)
    def test_the_cluster_is_read_in_the_same_round_as_its_units(self):
        self.set_cluster(2)
        listed = threading.Event()
        cluster = self.mock_stack_get.return_value

        def stack_get(request, cluster_id):
            # Sequential reads would wait here in vain.
            self.assertTrue(listed.wait(5), 'the units waited for the '
                            'cluster')
            return cluster

        def resources_list(request, cluster_id, resources=(
                self.mock_resources_list.return_value)):
            listed.set()
            return resources
        self.mock_stack_get.side_effect = stack_get
        self.mock_resources_list.side_effect = resources_list

        res = self.get_units()

        self.assertEqual(2, len(res.context['units_table'].data))
        self.mock_stack_get.assert_called_once()


class DegradedMixin:
    """The Units tab of a 2-unit cluster with one service failing."""

    def assert_degraded(self, service_name, unknown=None):
        res = self.client.get(detail_url(), {'tab': UNITS_TAB})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, '%s is unavailable' % service_name)
        units = res.context['units_table'].data
        self.assertEqual(['0', '1'], [u.name for u in units])
        if unknown:
            self.assertTrue(all(unknown(u) for u in units))
        return res


class UnitsTabFaultTests(DegradedMixin, heal_helpers.TestCase):
    """Each service missing, down, slow or failing: the page renders,
    names the service, and shows the rest."""

    def set_cluster(self):
        self.mock_cluster(2)

    @helpers.create_mocks(UNIT_MOCKS)
    def test_aodh_missing_from_the_catalog(self):
        self.set_cluster()
        self.drop_services('alarming')
        res = self.assert_degraded(
            'Alarming (Aodh)',
            lambda u: {a.state for a in u.alarms} == {'unknown'})
        self.assertContains(res, 'not in the service catalog')
        self.mock_alarms_list.assert_not_called()

    @helpers.create_mocks(UNIT_MOCKS)
    def test_aodh_down(self):
        self.set_cluster()
        self.mock_alarms_list.side_effect = ks_exc.ConnectFailure('refused')
        self.assert_degraded('Alarming (Aodh)',
                             lambda u: u.health == 'unknown')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_zaqar_slow(self):
        self.set_cluster()
        self.mock_queue_state.side_effect = ks_exc.ConnectTimeout('slow')
        self.assert_degraded('Messaging (Zaqar)',
                             lambda u: u.queue.messages is None)

    @helpers.create_mocks(UNIT_MOCKS)
    def test_zaqar_failing(self):
        self.set_cluster()
        self.mock_queue_state.side_effect = (
            zaqar_errors.InternalServerError('boom'))
        self.assert_degraded('Messaging (Zaqar)')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_zaqar_missing_from_the_catalog(self):
        self.set_cluster()
        self.drop_services('messaging')
        self.assert_degraded('Messaging (Zaqar)')
        self.mock_queue_state.assert_not_called()

    @helpers.create_mocks(UNIT_MOCKS)
    def test_mistral_failing(self):
        self.set_cluster()
        self.mock_executions_list.side_effect = mistral_base.APIException(
            500, 'engine gone')
        self.assert_degraded('Workflow (Mistral)')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_mistral_slow(self):
        self.set_cluster()
        self.mock_executions_list.side_effect = ks_exc.ConnectTimeout('slow')
        self.assert_degraded('Workflow (Mistral)')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_mistral_missing_from_the_catalog(self):
        self.set_cluster()
        self.drop_services('workflowv2')
        self.assert_degraded('Workflow (Mistral)')

    @helpers.create_mocks(UNIT_MOCKS)
    def test_a_fault_of_ours_is_logged_with_its_traceback(self):
        self.set_cluster()
        self.mock_queue_state.side_effect = KeyError('subscriptions')
        with self.assertLogs('heal_dashboard.cluster_state', 'ERROR') as log:
            res = self.assert_degraded('Messaging (Zaqar)')
        self.assertContains(res, 'unexpected KeyError while reading it')
        self.assertIn('Traceback', log.output[0])

    @helpers.create_mocks(UNIT_MOCKS)
    def test_a_service_fault_is_a_warning_without_traceback(self):
        self.set_cluster()
        self.mock_queue_state.side_effect = ks_exc.ConnectFailure('refused')
        with self.assertLogs('heal_dashboard.cluster_state') as log:
            self.assert_degraded('Messaging (Zaqar)')
        self.assertEqual(['WARNING'], [r.levelname for r in log.records])
        self.assertNotIn('Traceback', log.output[0])

    @helpers.create_mocks(OCTAVIA_MOCKS)
    def test_octavia_down(self):
        self.mock_cluster(2, octavia=True)
        self.mock_members_list.side_effect = ks_exc.ConnectFailure('refused')
        self.assert_degraded('Load Balancer (Octavia)',
                             lambda u: u.member is None
                             and u.health == 'healthy')

    @helpers.create_mocks(OCTAVIA_MOCKS)
    def test_octavia_missing_from_the_catalog(self):
        self.mock_cluster(2, octavia=True)
        self.drop_services('load-balancer')
        self.assert_degraded('Load Balancer (Octavia)')
        self.mock_members_list.assert_not_called()

    @helpers.create_mocks(UNIT_MOCKS)
    def test_heat_failing_on_the_units_keeps_the_page(self):
        self.set_cluster()
        self.mock_resources_list.side_effect = (
            heat_exc.HTTPInternalServerError())
        res = self.client.get(detail_url(), {'tab': UNITS_TAB})
        self.assertEqual(200, res.status_code)
        self.assertEqual([], res.context['units_table'].data)


class UnitsTabNovaTests(DegradedMixin, heal_helpers.TestCase):

    @helpers.create_mocks(NOVA_MOCKS)
    def test_nova_state_is_joined_in_one_call(self):
        self.mock_cluster(2, nova=True)
        self.mock_servers_list.return_value = {
            'server-0': records.Server('server-0', 'vm-0', 'ACTIVE'),
            'server-1': records.Server('server-1', 'vm-1', 'SHUTOFF')}
        res = self.client.get(detail_url(), {'tab': UNITS_TAB})
        units = res.context['units_table'].data
        self.assertEqual(['ACTIVE', 'SHUTOFF'],
                         [u.server_status for u in units])
        self.assertEqual(['healthy', 'unhealthy'], [u.health for u in units])
        self.mock_servers_list.assert_called_once()

    @helpers.create_mocks(NOVA_MOCKS)
    def test_nova_down(self):
        self.mock_cluster(2, nova=True)
        self.mock_servers_list.side_effect = ks_exc.ConnectFailure('refused')
        self.assert_degraded('Compute (Nova)')


# A cache of its own: django-compressor's entries fill the shared one
# (300 entries) and cull the rest.
@override_settings(CACHES={'default': {
    'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',
    'LOCATION': 'heal-pools'}})
class UnitsTabOctaviaTests(heal_helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()

    @helpers.create_mocks(OCTAVIA_MOCKS)
    def test_a_known_pool_is_asked_in_the_first_round(self):
        self.mock_cluster(2, octavia=True)
        self.client.get(detail_url(), {'tab': UNITS_TAB})  # learns the pool
        members_asked = threading.Event()
        members = test_data.pool_members(2)
        resources = self.mock_resources_list.return_value
        asked_first = []

        def members_list(request, pool_id):
            members_asked.set()
            return members

        def resources_list(request, cluster_id):
            # Heat answers only once Octavia has been asked: a members
            # call made after Heat's answer would wait in vain.
            asked_first.append(members_asked.wait(5))
            return resources
        self.mock_members_list.side_effect = members_list
        self.mock_resources_list.side_effect = resources_list

        res = self.client.get(detail_url(), {'tab': UNITS_TAB})

        self.assertEqual([True], asked_first)
        self.assertContains(res, '10.20.0.11:80')

    @helpers.create_mocks(OCTAVIA_MOCKS)
    def test_a_pool_no_longer_the_clusters_is_asked_no_more(self):
        self.mock_cluster(2, octavia=True)
        cache.set('heal-dashboard-pool-c1', 'pool-gone')
        asked = []

        def members_list(request, pool_id):
            asked.append(pool_id)
            if pool_id == 'pool-gone':
                raise ks_exc.NotFound()
            return test_data.pool_members(2)
        self.mock_members_list.side_effect = members_list

        res = self.client.get(detail_url(), {'tab': UNITS_TAB})

        self.assertEqual(['pool-gone', test_data.POOL], asked)
        self.assertContains(res, '10.20.0.11:80')
        self.assertNotContains(res, 'Octavia) is unavailable')
        self.assertEqual(test_data.POOL, cache.get('heal-dashboard-pool-c1'))

    @helpers.create_mocks(OCTAVIA_MOCKS)
    def test_members_are_joined_in_one_call_whatever_the_size(self):
        for size in (2, 20):
            self.mock_cluster(size, octavia=True)
            self.mock_members_list.reset_mock()

            res = self.client.get(detail_url(), {'tab': UNITS_TAB})

            self.mock_members_list.assert_called_once_with(
                helpers.IsHttpRequest(), test_data.POOL)
            units = res.context['units_table'].data
            self.assertEqual(size, len(units))
            self.assertEqual(('10.20.0.11', 80, 'ACTIVE', 'ONLINE'), (
                units[1].member.address, units[1].member.port,
                units[1].member.provisioning, units[1].member.operating))
        self.assertContains(res, 'Pool Member')
        self.assertContains(res, '10.20.0.11:80')
        self.assertContains(res, 'in the pool, serving', 20)

    @helpers.create_mocks(OCTAVIA_MOCKS)
    def test_a_member_gone_from_the_pool_says_so(self):
        self.mock_cluster(2, octavia=True)
        members = test_data.pool_members(2)
        del members['member-1']
        members['member-0'] = members['member-0']._replace(
            provisioning_status='ERROR', operating_status='OFFLINE')
        self.mock_members_list.return_value = members

        res = self.client.get(detail_url(), {'tab': UNITS_TAB})

        self.assertContains(res, 'not in the pool', 1)
        self.assertContains(res, 'error in Octavia, no traffic reported', 1)

    @helpers.create_mocks(OCTAVIA_MOCKS)
    def test_a_stand_in_load_balancer_asks_octavia_nothing(self):
        self.mock_cluster(2)

        res = self.client.get(detail_url(), {'tab': UNITS_TAB})

        self.mock_members_list.assert_not_called()
        self.assertEqual([None, None], [
            u.member for u in res.context['units_table'].data])
        self.assertNotContains(res, 'Octavia')


class HistoryTabsTests(heal_helpers.TestCase):

    def get_tab(self, slug, **params):
        params['tab'] = 'cluster_details__' + slug
        return self.client.get(detail_url(), params,
                               HTTP_X_REQUESTED_WITH='XMLHttpRequest')

    @helpers.create_mocks({
        api.heat: ['stack_get', 'resources_list', 'scaling_signals',
                   'stack_template', 'resource_metadata'],
        api.aodh: ['alarms_list'],
        api.mistral: ['executions_list']})
    def test_scaling_history_says_which_alarm_in_three_calls(self):
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'auto', tags=['heal-dashboard', 'heal-template=autoscaling'])
        self.mock_resources_list.return_value = test_data.cluster_resources(
            test_data.unit_resources(0)) + test_data.SCALING_TOP
        self.mock_alarms_list.return_value = [test_data.CPU_HIGH]
        self.mock_scaling_signals.return_value = [test_data.signal(
            'scale_out', '2026-12-02T07:30:00Z', 'alarm state changed from '
            'ok to alarm (Transition to alarm due to 2 samples outside '
            'threshold)')]
        self.mock_executions_list.return_value = []

        res = self.get_tab('executions')

        self.assertContains(res, 'cpu_high fired: Transition to alarm')
        self.mock_scaling_signals.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1')
        self.mock_alarms_list.assert_called_once()
        # The page's Overview needs these; the history does not.
        self.mock_stack_template.assert_not_called()
        self.mock_resource_metadata.assert_not_called()

    @helpers.create_mocks({api.heat: ['stack_get', 'events_list']})
    def test_events_are_paged(self):
        self.mock_stack_get.return_value = test_data.stack('c1', 'web')
        events = [test_data.event('e%d' % i, 'server', 'web-units-x-%d-y' % i)
                  for i in range(3)]
        self.mock_events_list.return_value = events

        with self.settings(API_RESULT_PAGE_SIZE=2):
            res = self.get_tab('events', events_marker='e9')

        self.assertEqual(200, res.status_code)
        table = res.context['table']
        self.assertEqual(['e0', 'e1'], [e.id for e in table.data])
        self.assertTrue(table.has_more_data())
        self.assertContains(res, 'web-units-x-1-y')
        self.mock_events_list.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1', limit=3, marker='e9')

    @helpers.create_mocks({api.heat: ['stack_get', 'events_list']})
    def test_events_degrade_when_heat_fails(self):
        self.mock_stack_get.return_value = test_data.stack('c1', 'web')
        self.mock_events_list.side_effect = ks_exc.ConnectTimeout('slow')
        res = self.get_tab('events')
        self.assertEqual(200, res.status_code)
        self.assertEqual([], res.context['table'].data)

    @helpers.create_mocks({api.heat: ['stack_get', 'resources_list'],
                           api.aodh: ['alarms_history']})
    def test_alarm_history_in_one_query_named_by_unit(self):
        self.mock_stack_get.return_value = test_data.stack('c1', 'web')
        self.mock_resources_list.return_value = test_data.cluster_resources(
            test_data.unit_resources(0), test_data.unit_resources(1))
        self.mock_alarms_history.return_value = [records.AlarmChange(
            event_id='h1', alarm_id='alarm_deleted-1',
            type='state transition', timestamp=test_data.BUILT,
            detail='{"state": "alarm"}')]

        res = self.get_tab('alarm_history')

        [change] = res.context['table'].data
        self.assertEqual(('1', 'alarm_deleted'),
                         (change['unit'], change['alarm']))
        self.assertEqual(1, self.mock_alarms_history.call_count)
        self.assertEqual(6, len(self.mock_alarms_history.call_args.args[1]))


class ExecutionsTabTests(heal_helpers.TestCase):

    @helpers.create_mocks({api.heat: ['stack_get', 'resources_list'],
                           api.mistral: ['executions_list',
                                         'healing_state_get']})
    def test_every_run_by_alarm_or_person_is_listed(self):
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'web', outputs=[{'output_key': 'healing_workflow',
                                   'output_value': 'heal-c1'}])
        self.mock_resources_list.return_value = test_data.cluster_resources(
            test_data.unit_resources(0), test_data.unit_resources(1))
        self.mock_executions_list.return_value = [
            test_data.execution(1, 'RUNNING', requested_by='alice'),
            test_data.execution(0, 'SUCCESS')]

        res = self.client.get(detail_url(), {
            'tab': 'cluster_details__executions'},
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')

        rows = res.context['table'].data
        self.assertEqual([('1', 'alice'), ('0', 'alarm')],
                         [(r['unit'], r['requested_by']) for r in rows])
        self.assertContains(res, 'mark and replace')
        self.assertContains(res, 'Heal Took')
        # In words; Mistral's JSON and the steps are one click away.
        self.assertNotContains(res, '{&quot;')
        self.assertContains(res, 'href="%s"' % reverse(
            'horizon:project:heal_clusters:execution',
            args=['c1', 'ex-0-SUCCESS']))
        # Running: the tab keeps refreshing itself, in one request.
        self.assertContains(res, 'data-heal-settled="false"')
        self.mock_executions_list.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-c1')


EXECUTION_MOCKS = {api.heat: ['cluster_get', 'resources_list'],
                   api.mistral: ['execution_get', 'execution_tasks'],
                   api.nova: ['server_built_at']}


def execution_url(execution_id, cluster_id='c1'):
    return reverse('horizon:project:heal_clusters:execution',
                   args=[cluster_id, execution_id])


class ExecutionDetailsTests(heal_helpers.TestCase):

    def mock_execution(self, workflow='heal-c1'):
        self.mock_cluster_get.return_value = test_data.stack('c1', 'web')
        self.mock_resources_list.return_value = test_data.cluster_resources(
            test_data.unit_resources(0))
        execution = test_data.execution(
            0, 'SUCCESS', requested_by='<b>x</b>')._replace(
            workflow_name=workflow, output={
            'outcome': 'replaced', 'cause': 'Nova: server s is SHUTOFF',
            'requested_by': 'alarm', 'new_server': '<i>s2</i>',
            'times': {'failure': '2026-12-02T10:00:00',
                      'started': '2026-12-02 10:00:01.5',
                      'updating': '2026-12-02 10:00:03',
                      'replaced': '2026-12-02 10:00:06',
                      'settled': '2026-12-02 10:00:09'}})
        self.mock_execution_get.return_value = execution
        self.mock_server_built_at.return_value = '2026-12-02T10:00:05.250000'
        self.mock_execution_tasks.return_value = [
            records.Task(id='t1', name='check_server', state='SUCCESS',
                         created_at='2026-12-02 10:00:00',
                         updated_at='2026-12-02 10:00:01'),
            records.Task(id='t2', name='mark', state='ERROR',
                         state_info='<script>409</script>',
                         created_at='2026-12-02 10:00:02',
                         updated_at='2026-12-02 10:00:03')]

    @helpers.create_mocks(EXECUTION_MOCKS)
    def test_a_heal_in_words_then_its_steps_input_and_output(self):
        self.mock_execution()

        res = self.client.get(execution_url('ex-0-SUCCESS'))

        self.assertTemplateUsed(res, 'project/heal_clusters/execution.html')
        self.assertContains(res, 'Nova: server s is SHUTOFF')
        self.assertEqual(['check_server', 'mark'],
                         [t.name for t in res.context['table'].data])
        self.assertContains(res, '&quot;new_server&quot;: '
                                 '&quot;&lt;i&gt;s2&lt;/i&gt;&quot;')
        self.assertContains(res, '&lt;script&gt;409&lt;/script&gt;')
        self.assertNotContains(res, '<script>409')
        # From the failure to the unit settled, and where the time went.
        self.assertContains(res, '<dd class="heal-took">9.0 s</dd>',
                            html=True)
        self.assertContains(res, '<dt>failure reported, heal started</dt>'
                                 '<dd>1.5 s</dd>', html=True)
        # Nova's ACTIVE between the update asked and Heat's complete.
        self.assertContains(res, '<dt>new server ACTIVE (Nova)</dt>'
                                 '<dd>2.2 s</dd>', html=True)
        self.assertContains(res, '<dt>new server complete</dt>'
                                 '<dd>0.8 s</dd>', html=True)
        self.assertContains(res, '<dt>unit settled</dt><dd>3.0 s</dd>',
                            html=True)
        self.mock_execution_tasks.assert_called_once_with(
            helpers.IsHttpRequest(), 'ex-0-SUCCESS')
        self.mock_server_built_at.assert_called_once_with(
            helpers.IsHttpRequest(), '<i>s2</i>')

    @helpers.create_mocks(EXECUTION_MOCKS)
    def test_nova_not_answering_leaves_its_step_out_and_says_so(self):
        self.mock_execution()
        self.mock_server_built_at.side_effect = ks_exc.ConnectTimeout('slow')

        res = self.client.get(execution_url('ex-0-SUCCESS'))

        self.assertContains(res, 'Compute (Nova) is unavailable')
        self.assertNotContains(res, 'new server ACTIVE')
        self.assertContains(res, '<dt>new server complete</dt>'
                                 '<dd>3.0 s</dd>', html=True)

    @helpers.create_mocks(EXECUTION_MOCKS)
    def test_a_heal_that_replaced_nothing_asks_nova_nothing(self):
        self.mock_execution()
        refused = self.mock_execution_get.return_value
        self.mock_execution_get.return_value = refused._replace(output=dict(
            refused.output, outcome='refused', new_server=None))

        res = self.client.get(execution_url('ex-0-SUCCESS'))

        self.assertContains(res, 'refused')
        self.mock_server_built_at.assert_not_called()

    @helpers.create_mocks(EXECUTION_MOCKS)
    def test_another_clusters_execution_is_not_found(self):
        self.mock_execution(workflow='heal-other')

        res = self.client.get(execution_url('ex-0-SUCCESS'))

        self.assertEqual(404, res.status_code)
        self.assertNotContains(res, 'SHUTOFF', status_code=404)


class OtherStacksTests(heal_helpers.TestCase):
    """Heat lets an admin read any project's stack by id: the cluster pages
    open only the user's own project's clusters."""

    @helpers.create_mocks(UNIT_MOCKS)
    def test_heat_not_answering_is_said_in_place_not_redirected(self):
        # A redirect to the list would wait on Heat a second time.
        self.mock_cluster(2)
        self.mock_stack_get.side_effect = ks_exc.ConnectTimeout('slow')

        for url in (detail_url(), reverse(
                'horizon:project:heal_clusters:unit', args=['c1', '0'])):
            res = self.client.get(url)

            self.assertEqual(503, res.status_code)
            self.assertTemplateUsed(
                res, 'project/heal_clusters/unavailable.html')
            self.assertContains(res, 'Heat (Orchestration), which holds the '
                                'cluster, did not answer', status_code=503)

    @helpers.create_mocks(UNIT_MOCKS)
    def test_another_projects_cluster_is_not_shown(self):
        self.mock_cluster(2)
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'theirs', project_id='another-project')

        res = self.client.get(detail_url(), {'tab': 'cluster_details__units'})

        self.assertRedirectsNoFollow(
            res, reverse('horizon:project:heal_clusters:index'))
        timeline = self.client.get(reverse(
            'horizon:project:heal_clusters:unit', args=['c1', '0']))
        self.assertEqual(302, timeline.status_code)
        self.assertNotIn(b'theirs', timeline.content)

    @helpers.create_mocks(UNIT_MOCKS)
    def test_a_stack_the_plugin_did_not_launch_is_not_a_cluster(self):
        self.mock_cluster(2)
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'plain', tags=['something-else'])

        res = self.client.get(detail_url(), {'tab': 'cluster_details__units'})

        self.assertRedirectsNoFollow(
            res, reverse('horizon:project:heal_clusters:index'))


class StockUnitsTable(cluster_tables.UnitsTable):
    """The units table as Horizon renders it: its own rows and cells
    (templates, the themable checkbox widget), row actions per row."""

    def get_rows(self):
        return tables.DataTable.get_rows(self)

    def render_row_actions(self, datum, row=False):
        return tables.DataTable.render_row_actions(self, datum, row)

    class Meta(cluster_tables.UnitsTable.Meta):
        pass


class _Markup(html.parser.HTMLParser):
    """Markup as (tag, sorted attributes) and text, whitespace collapsed:
    what a browser builds, not how the template spaced it."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.parts.append(('<', tag, tuple(sorted(
            (name, ' '.join((value or '').split()))
            for name, value in attrs))))

    def handle_endtag(self, tag):
        self.parts.append(('>', tag))

    def handle_data(self, data):
        if data.split():
            self.parts.append(('text', ' '.join(data.split())))


def stable_checkbox_id(parts):
    """Horizon's checkbox widget gives each render a random id; the fast
    rows give the row's own (units__select__<unit>), so that the refreshes
    keep a ticked box and its label."""
    [(random_id, unit)] = [
        (attrs['id'], attrs['value']) for attrs in (
            dict(part[2]) for part in parts
            if part[:2] == ('<', 'input'))
        if attrs.get('class') == 'table-row-multi-select']
    stable = 'units__select__%s' % unit
    return [part[:2] + (tuple((name, stable if value == random_id else value)
                              for name, value in part[2]),)
            if part[0] == '<' else part for part in parts]


class FastRowsTests(heal_helpers.TestCase):
    """The units table's rows rendered in Python equal Horizon's own
    rendering of the same rows, so a Horizon upgrade that changes its
    markup fails here, not in a browser."""

    def assert_rows_equal(self, res, rename=None):
        """The page's units' rows, by the fast renderer and by Horizon's
        own (the unit `rename` renamed so that it needs escaping)."""
        fast = res.context['units_table']
        request = fast.request
        units = [dataclasses.replace(unit, name='%s<b>"&{$x$}' % unit.name)
                 if unit.name == rename else unit for unit in fast.data]

        fast = cluster_tables.UnitsTable(request, data=units)
        stock = StockUnitsTable(request, data=units)

        fast_rows = [row.render() for row in fast.get_rows()]
        stock_rows = [row.render() for row in stock.get_rows()]
        self.assertEqual(len(units), len(fast_rows))
        for fast_row, stock_row in zip(fast_rows, stock_rows, strict=True):
            self.assertEqual(stable_checkbox_id(_Markup(stock_row).parts),
                             _Markup(fast_row).parts)
        return fast_rows

    @helpers.create_mocks(UNIT_MOCKS)
    def test_fast_rows_render_as_horizon_would(self):
        self.mock_cluster(3)
        self.mock_executions_list.return_value = [
            test_data.execution(1, 'SUCCESS', requested_by='alice')]
        # Names and reasons that need escaping, and a unit that has failed.
        self.mock_alarms_list.return_value = list(
            test_data.all_alarms(3, 'alarm').values())
        res = self.client.get(detail_url(), {'tab': UNITS_TAB})

        fast_rows = self.assert_rows_equal(res, rename='2')

        self.assertIn('2&lt;b&gt;&quot;&amp;{%x%}', fast_rows[2])
        self.assertIn('table-row-multi-select', fast_rows[0])
        self.assertIn('units__row_0__action_heal', fast_rows[0])

    @helpers.create_mocks({**OCTAVIA_MOCKS, api.nova: ['servers_list']})
    def test_fast_rows_of_every_kind_render_as_horizon_would(self):
        just_built = datetime.datetime.now(datetime.timezone.utc).strftime(
            '%Y-%m-%dT%H:%M:%SZ')
        self.mock_cluster(5, nova=True, octavia=True, unit1=test_data.changed(
            test_data.unit_resources(1), 'server', creation_time=just_built),
            unit4=test_data.unit_resources(4, skip=('server', 'member')))
        servers = test_data.servers(4)
        del servers['server-3']
        self.mock_servers_list.return_value = servers
        members = test_data.pool_members(4)
        del members['member-2']
        self.mock_members_list.return_value = members
        self.mock_healing_state_get.return_value = {'grace': 600,
                                                    'budget': 1}
        self.mock_heal_turns.return_value = [
            records.Turn(unit='unit-0'), records.Turn(unit='unit-3')]
        self.mock_executions_list.return_value = [
            test_data.execution(2, 'ERROR', error='<i>409</i>')]

        res = self.client.get(detail_url(), {'tab': UNITS_TAB})

        rows = self.assert_rows_equal(res, rename='3')
        self.assertEqual(5, len(rows))
        for word in ('heal-queued', 'heal-grace', 'not in the pool',
                     '&lt;i&gt;409&lt;/i&gt;', 'server is gone'):
            self.assertIn(word, ''.join(rows))


class FastEscapeTests(heal_helpers.TestCase):
    """fast_rows' escapes, which every cell of the units table goes
    through, make what Django's would, with Horizon's escape installed
    (as on every Horizon) and without it."""

    VALUES = ['unit-0', '<b>"&\'', '{$ 1 + 1 $}', '{{$x$}}', 7, None,
              mark_safe('<i>{$x$}</i>'), gettext_lazy('Unit'),
              functional.lazy(lambda: mark_safe('<i>lazy</i>'), str)()]

    def assert_as_djangos(self):
        for value in self.VALUES:
            for fast, django in (
                    (fast_rows.escape(value),
                     dj_html.conditional_escape(value)),
                    (fast_rows.escape_text(value), dj_html.escape(value)),
                    (fast_rows.format_html('<a title="{}">{}</a>', value, 1),
                     dj_html.format_html('<a title="{}">{}</a>', value, 1))):
                self.assertEqual(django, fast)
                self.assertIs(type(django), type(fast))

    def test_with_horizons_escape(self):
        self.assertIs(horizon_escape.escape, dj_html.escape)
        self.assertIn('{%', fast_rows.escape('{$x$}'))
        self.assert_as_djangos()

    def test_with_djangos_own(self):
        djangos = horizon_escape.escape.__defaults__[0]
        with mock.patch.object(dj_html, 'escape', djangos):
            self.assertIn('{$', fast_rows.escape('{$x$}'))
            self.assert_as_djangos()
