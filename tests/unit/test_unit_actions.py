"""Mark unhealthy and Heal: the cluster's own healing workflow, started
through Mistral, refused by the services' state while a heal is on."""

import time

from django.apps import apps
from django.test.utils import override_settings
from django.urls import reverse
from keystoneauth1 import exceptions as ks_exc
from openstack_auth import policy as auth_policy
from openstack_dashboard.test import helpers

from heal_dashboard import api
from heal_dashboard.api import session as api_session
from tests import helpers as heal_helpers
from tests import test_data

ACTION_MOCKS = {
    api.heat: ['stack_get', 'resources_list'],
    api.aodh: ['alarms_list'],
    api.mistral: ['executions_list', 'execution_create',
                  'healing_state_get', 'heal_turns'],
    api.zaqar: ['queue_state'],
}


def detail_url():
    return reverse('horizon:project:heal_clusters:detail', args=['c1'])


def post_action(test, action, *units):
    data = {'action': 'units__%s' % action}
    if len(units) == 1:
        data['action'] += '__%s' % units[0]
    else:
        data['object_ids'] = list(units)
    return test.client.post(detail_url() + '?tab=cluster_details__units',
                            data)


class UnitActionTests(heal_helpers.TestCase):

    def set_cluster(self, executions=()):
        self.mock_cluster(2, executions=executions)

    def post(self, action, *units):
        return post_action(self, action, *units)

    def started(self):
        return [call.args[2] for call in
                self.mock_execution_create.call_args_list]

    @helpers.create_mocks(ACTION_MOCKS)
    def test_heal_starts_the_clusters_workflow_for_the_unit(self):
        self.set_cluster()

        res = self.post('heal', '1')

        self.assertEqual(302, res.status_code)
        [workflow_input] = self.started()
        self.assertEqual({
            'root_stack_id': 'c1', 'stack_id': 'unit-1',
            # The server the page showed, forced: a person's heal.
            'server_id': 'server-1', 'force': True,
            'heal': True, 'scope': 'unit',
            'reason': 'Healed by test_user in the dashboard',
            'requested_by': 'test_user'}, workflow_input)
        args = self.mock_execution_create.call_args.args
        self.assertEqual('heal-c1', args[1])
        self.assertMessageCount(success=1)

    @helpers.create_mocks(ACTION_MOCKS)
    def test_the_heal_gets_the_whole_timeout_after_a_slow_page(self):
        # The table is read before its action runs: a slow read must not
        # leave the heal's start a fraction of a second (a start timed out
        # after Mistral accepted it would say the heal failed).
        self.set_cluster()
        resources = self.mock_resources_list.return_value
        budgets = []

        def slow_read(request, *args, **kwargs):
            request.heal_deadline = time.monotonic() - 1
            return resources

        def start(request, *args, **kwargs):
            budgets.append(api_session.remaining(request))
        self.mock_resources_list.side_effect = slow_read
        self.mock_execution_create.side_effect = start

        self.post('heal', '1')

        self.assertEqual([api_session.timeout()], budgets)

    @helpers.create_mocks(ACTION_MOCKS)
    def test_mark_unhealthy_is_the_same_workflow_mark_only(self):
        self.set_cluster()

        self.post('mark_unhealthy', '0')

        [workflow_input] = self.started()
        self.assertIs(False, workflow_input['heal'])
        self.assertEqual('unit-0', workflow_input['stack_id'])

    @helpers.create_mocks(ACTION_MOCKS)
    def test_a_batch_heals_each_selected_unit(self):
        self.set_cluster()

        self.post('heal', '0', '1')

        self.assertEqual(['unit-0', 'unit-1'],
                         [i['stack_id'] for i in self.started()])

    @helpers.create_mocks(ACTION_MOCKS)
    def test_a_second_click_while_a_heal_runs_starts_nothing(self):
        # The page, read again for the POST, shows the unit healing.
        self.set_cluster(executions=[
            test_data.execution(1, 'RUNNING', requested_by='test_user')])

        res = self.post('heal', '1')

        self.assertEqual(302, res.status_code)
        self.mock_execution_create.assert_not_called()
        self.assertMessageCount(error=1)

    @helpers.create_mocks(ACTION_MOCKS)
    def test_a_heal_while_the_cluster_is_busy_is_refused(self):
        self.set_cluster()
        # The page saw the cluster settled; Heat says it is busy now.
        self.mock_stack_get.side_effect = [
            self.mock_stack_get.return_value,
            test_data.stack('c1', 'web', status='UPDATE_IN_PROGRESS')]

        self.post('heal', '0')

        self.mock_execution_create.assert_not_called()
        self.assertMessageCount(warning=1, error=0)

    @helpers.create_mocks(ACTION_MOCKS)
    def test_a_unit_that_is_gone_is_said_so(self):
        self.set_cluster()

        res = self.post('heal', '7')

        self.assertEqual(302, res.status_code)
        self.mock_execution_create.assert_not_called()
        self.assertMessageCount(warning=1, error=0)

    @helpers.create_mocks(ACTION_MOCKS)
    def test_mistral_down_is_an_error_not_a_500(self):
        self.set_cluster()
        self.mock_execution_create.side_effect = ks_exc.ConnectFailure('down')

        res = self.post('heal', '0')

        self.assertEqual(302, res.status_code)
        self.assertMessageCount(error=1)

    @helpers.create_mocks(ACTION_MOCKS)
    def test_an_unhealthy_unit_can_be_healed_or_marked_by_hand(self):
        # Marked by Heat (e.g. while the cluster was paused): unhealthy,
        # waiting for a person.
        self.mock_cluster(2, unit1=test_data.unit_resources(
            1, server_status='CHECK_FAILED', reason='marked'))

        res = self.client.get(detail_url(),
                              {'tab': 'cluster_details__units'})

        self.assertContains(res, 'units__heal__1')
        self.assertContains(res, 'units__mark_unhealthy__1')

    @helpers.create_mocks(ACTION_MOCKS)
    def test_units_being_healed_offer_no_action(self):
        self.set_cluster(executions=[test_data.execution(0, 'RUNNING')])

        res = self.client.get(detail_url(),
                              {'tab': 'cluster_details__units'})

        self.assertNotContains(res, 'units__heal__0')
        self.assertContains(res, 'units__heal__1')


@heal_helpers.enforce_policy
class UnitActionPolicyTests(heal_helpers.TestCase):

    @helpers.create_mocks(ACTION_MOCKS)
    def test_a_reader_sees_no_action_and_cannot_post_one(self):
        self.mock_cluster(2)
        self.set_roles('reader')

        res = self.client.get(detail_url(),
                              {'tab': 'cluster_details__units'})
        self.assertNotContains(res, 'Heal Unit')
        self.assertNotContains(res, 'Mark Unhealthy')

        post_action(self, 'heal', '0')
        self.mock_execution_create.assert_not_called()

    @helpers.create_mocks(ACTION_MOCKS)
    def test_a_member_may(self):
        self.mock_cluster(2)
        res = self.client.get(detail_url(),
                              {'tab': 'cluster_details__units'})
        self.assertContains(res, 'Heal Unit')
        self.assertContains(res, 'Mark Unhealthy')


class PolicyWithoutTheSnippetTests(heal_helpers.TestCase):
    """A Horizon whose settings never named the plugin's policy files
    (Horizon allows every action of a scope it has no rules for)."""

    @helpers.create_mocks(ACTION_MOCKS)
    def test_the_plugins_rules_still_apply(self):
        with override_settings(
                POLICY_CHECK_FUNCTION='openstack_auth.policy.check',
                POLICY_FILES={}, DEFAULT_POLICY_FILES={}):
            apps.get_app_config('heal_dashboard').ready()
            auth_policy.reset()
            self.mock_cluster(2)
            self.set_roles('reader')

            res = self.client.get(detail_url(),
                                  {'tab': 'cluster_details__units'})
            self.assertNotContains(res, 'Heal Unit')
            post_action(self, 'heal', '0')
            self.mock_execution_create.assert_not_called()
        auth_policy.reset()


class CsrfTests(heal_helpers.TestCase):

    def test_an_action_without_the_csrf_token_is_refused(self):
        from django.test import Client
        client = Client(enforce_csrf_checks=True)
        client.cookies = self.client.cookies
        res = client.post(detail_url(), {'action': 'units__heal__0'})
        self.assertEqual(403, res.status_code)


REPROTECT_MOCKS = {
    api.heat: ['stack_get', 'resources_list', 'resource_mark_unhealthy',
               'stack_update_existing'],
    api.aodh: ['alarms_list'],
    api.mistral: ['executions_list', 'healing_state_get', 'heal_turns'],
    api.zaqar: ['queue_state'],
}


class ReprotectTests(heal_helpers.TestCase):
    """A unit that lost an alarm, or whose cluster's healing queue lost its
    subscription (a Zaqar store wiped, a restart), is unprotected:
    Re-protect has Heat recreate what is missing, without touching the
    server."""

    def lose_alarm_of_unit_1(self):
        self.mock_cluster(2)
        self.mock_alarms_list.return_value = [
            a for a in self.mock_alarms_list.return_value
            if a.alarm_id != 'alarm_error-1']

    def lose_subscription(self, healing_status='CREATE_COMPLETE'):
        queues = {name: queue._replace(subscriptions=[])
                  for name, queue in test_data.all_queues().items()}
        self.mock_queue_state.side_effect = (
            lambda request, name: queues[name])
        # The healing stack is nested in the cluster: no cluster itself.
        cluster = self.mock_stack_get.return_value
        self.mock_stack_get.side_effect = lambda request, stack_id: (
            test_data.stack(stack_id, 'web-healing', parent='c1',
                            status=healing_status)
            if stack_id == test_data.HEALING else cluster)

    def queues_url(self):
        return detail_url() + '?tab=cluster_details__units'

    @helpers.create_mocks(REPROTECT_MOCKS)
    def test_only_unprotected_units_offer_it(self):
        self.lose_alarm_of_unit_1()

        res = self.client.get(self.queues_url())

        self.assertContains(res, 'units__reprotect__1')
        self.assertNotContains(res, 'units__reprotect__0')

    @helpers.create_mocks(REPROTECT_MOCKS)
    def test_a_lost_subscription_leaves_every_unit_unprotected(self):
        self.mock_cluster(2)
        self.lose_subscription()

        res = self.client.get(self.queues_url())

        self.assertContains(res, 'units__reprotect__0')
        self.assertContains(res, 'units__reprotect__1')

    @helpers.create_mocks(REPROTECT_MOCKS)
    def test_heat_recreates_the_trigger_and_the_missing_alarms(self):
        self.lose_alarm_of_unit_1()
        self.lose_subscription()

        res = self.client.post(self.queues_url(),
                               {'action': 'units__reprotect__1'})

        self.assertEqual(302, res.status_code)
        marked = [c.args[1:3] for c in
                  self.mock_resource_mark_unhealthy.call_args_list]
        self.assertEqual([(test_data.HEALING, 'trigger'),
                          ('unit-1', 'alarm_error')], marked)
        updated = self.mock_stack_update_existing.call_args_list
        self.assertEqual([test_data.HEALING, 'unit-1'],
                         [c.args[1] for c in updated])
        self.assertMessageCount(success=1)

    @helpers.create_mocks(REPROTECT_MOCKS)
    def test_a_subscription_already_being_recreated_is_left_alone(self):
        self.lose_alarm_of_unit_1()
        self.lose_subscription(healing_status='UPDATE_IN_PROGRESS')

        res = self.client.post(self.queues_url(),
                               {'action': 'units__reprotect__1'})

        self.assertEqual(302, res.status_code)
        marked = [c.args[1:3] for c in
                  self.mock_resource_mark_unhealthy.call_args_list]
        self.assertEqual([('unit-1', 'alarm_error')], marked)
        self.mock_stack_update_existing.assert_called_once_with(
            helpers.IsHttpRequest(), 'unit-1')
