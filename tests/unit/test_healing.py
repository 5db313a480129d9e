"""The guard that keeps two heals of a unit from starting, whatever
Horizon worker takes the click: it reads Heat's and Mistral's state."""

from openstack_dashboard.test import helpers

from heal_dashboard import api
from heal_dashboard import healing
from heal_dashboard import health
from tests import helpers as heal_helpers
from tests import test_data


def unit(name='1', stack_id='unit-1'):
    return health.UnitHealth(
        name=name, stack_id=stack_id, status='CREATE_COMPLETE',
        status_reason='', server_id='s', server_name=None,
        server_status='ACTIVE', server_resource_status='CREATE_COMPLETE',
        alarms=[], queue=None, last_execution=None,
        health=health.HEALTHY, reasons=[])


class GuardTests(heal_helpers.APITestCase):

    def setUp(self):
        super().setUp()
        self.cluster = test_data.stack(
            'c1', 'web', outputs=[{'output_key': 'healing_workflow',
                                   'output_value': 'heal-c1'}])
        self.req = self.request

    @helpers.create_mocks({api.heat: ['stack_get'],
                           api.mistral: ['executions_list',
                                         'execution_create']})
    def test_a_running_execution_for_the_unit_refuses(self):
        self.mock_stack_get.return_value = self.cluster
        self.mock_executions_list.return_value = [
            test_data.execution(0, 'SUCCESS'),
            test_data.execution(1, 'RUNNING')]

        with self.assertRaisesRegex(healing.Refused, 'already running'):
            healing.start(self.req, self.cluster, unit(), heal=True)
        self.mock_execution_create.assert_not_called()

    @helpers.create_mocks({api.heat: ['stack_get'],
                           api.mistral: ['executions_list',
                                         'execution_create']})
    def test_a_stalled_execution_for_the_unit_does_not_refuse(self):
        # The workflow cancels the stalled one before it heals.
        self.mock_stack_get.return_value = self.cluster
        self.mock_executions_list.return_value = [
            test_data.execution(1, 'RUNNING', created=test_data.BUILT)]
        self.mock_execution_create.return_value = 'ex'

        self.assertEqual('ex', healing.start(self.req, self.cluster, unit(),
                                             heal=True))

    @helpers.create_mocks({api.heat: ['stack_get'],
                           api.mistral: ['executions_list',
                                         'execution_create']})
    def test_another_units_running_heal_does_not_refuse(self):
        self.mock_stack_get.return_value = self.cluster
        self.mock_executions_list.return_value = [
            test_data.execution(0, 'RUNNING')]
        self.mock_execution_create.return_value = 'ex'

        self.assertEqual('ex', healing.start(self.req, self.cluster, unit(),
                                             heal=False))

    @helpers.create_mocks({api.heat: ['stack_get'],
                           api.mistral: ['executions_list',
                                         'execution_create']})
    def test_a_busy_cluster_refuses(self):
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'web', status='UPDATE_IN_PROGRESS')

        with self.assertRaisesRegex(healing.Refused, 'busy'):
            healing.start(self.req, self.cluster, unit(), heal=True)
        self.mock_executions_list.assert_not_called()
        self.mock_execution_create.assert_not_called()

