"""A unit's heal timeline: every service's part of the story, on one
page, in a constant number of calls."""

from django.urls import reverse
from keystoneauth1 import exceptions as ks_exc
from openstack_dashboard.test import helpers

from heal_dashboard import api
from heal_dashboard import records
from tests import helpers as heal_helpers
from tests import test_data

MOCKS = {
    api.heat: ['stack_get', 'resources_list', 'events_list'],
    api.aodh: ['alarms_history', 'alarms_list'],
    api.zaqar: ['queue_messages', 'queue_state'],
    api.mistral: ['executions_list', 'healing_state_get', 'heal_turns'],
}


def unit_url(unit='1'):
    return reverse('horizon:project:heal_clusters:unit', args=['c1', unit])


class UnitTimelineTests(heal_helpers.TestCase):

    def set_story(self):
        self.mock_cluster(2)
        self.mock_alarms_history.return_value = [records.AlarmChange(
            event_id='h1', alarm_id='alarm_stopped-1',
            type='state transition', detail='{"state": "alarm"}',
            timestamp='2026-11-25T10:00:01.5')]
        # The cluster's queue: this unit's alarm's message and another's.
        self.mock_queue_messages.return_value = [
            records.Message(id='m1', age=5, body={
                'alarm_id': 'alarm_stopped-1',
                'alarm_name': '<b>web</b>', 'current': 'alarm',
                'reason': 'stopped'}),
            records.Message(id='m2', age=4, body={
                'alarm_id': 'alarm_stopped-0', 'alarm_name': 'unit 0',
                'current': 'alarm', 'reason': 'stopped'})]
        run = test_data.execution(1, 'SUCCESS', requested_by='alice')._replace(
            created_at='2026-11-25 10:00:02', updated_at='2026-11-25 10:00:30')
        self.mock_executions_list.return_value = [
            run, test_data.execution(0, 'SUCCESS')]
        self.mock_events_list.return_value = [test_data.event(
            'e1', 'server', 'web-units-x-1-y', status='CHECK_FAILED')]

    @helpers.create_mocks(MOCKS)
    def test_the_story_of_one_unit_from_every_service(self):
        self.set_story()

        res = self.client.get(unit_url())

        self.assertEqual(200, res.status_code)
        entries = res.context['table'].data
        self.assertEqual({'Aodh', 'Zaqar', 'Mistral', 'Heat'},
                         {e.source for e in entries})
        self.assertEqual(sorted(e.at for e in entries),
                         [e.at for e in entries])
        # Only this unit's executions; its stack's events, not nested.
        self.assertEqual(2, len([e for e in entries
                                 if e.source == 'Mistral']))
        self.assertContains(res, 'heal started by alice')
        self.assertContains(res, 'the stopped alarm: fired')
        self.assertNotContains(res, '<b>web</b>')
        # Its pace: the heal ended 28 s after it started.
        self.assertContains(res, 'After the one before')
        self.assertContains(res, '+28 s')
        self.mock_events_list.assert_called_once_with(
            helpers.IsHttpRequest(), 'unit-1', 50, None, 0)
        self.mock_queue_messages.assert_called_once_with(
            helpers.IsHttpRequest(), test_data.QUEUE)
        self.assertEqual(1, len([e for e in entries
                                 if e.source == 'Zaqar']))
        self.assertEqual(['alarm_deleted-1', 'alarm_stopped-1',
                          'alarm_error-1'],
                         self.mock_alarms_history.call_args.args[1])

    @helpers.create_mocks(MOCKS)
    def test_a_service_down_leaves_its_part_out(self):
        self.set_story()
        self.mock_queue_messages.side_effect = ks_exc.ConnectFailure('down')

        res = self.client.get(unit_url())

        self.assertContains(res, 'Messaging (Zaqar) is unavailable')
        self.assertNotIn('Zaqar', {e.source for e in
                                   res.context['table'].data})

    @helpers.create_mocks(MOCKS)
    def test_an_unknown_unit_is_404(self):
        self.set_story()
        self.assertEqual(404, self.client.get(unit_url('9')).status_code)

    @helpers.create_mocks(MOCKS)
    def test_the_units_table_links_to_the_timeline(self):
        self.set_story()
        res = self.client.get(
            reverse('horizon:project:heal_clusters:detail', args=['c1']),
            {'tab': 'cluster_details__units'})
        self.assertContains(res, unit_url('1'))
