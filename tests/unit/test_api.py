"""The api layer: clients built from the request, calls shaped for the
services. The services' HTTP is not reached: Horizon's test case fails any
test that opens a connection."""

import io
import json
from unittest import mock

import requests

from django.core.cache import cache
from django.test.utils import override_settings
from heatclient import exc as heat_exc
from heatclient.v1 import events as heat_events
from heatclient.v1 import resources as heat_resources
from heatclient.v1 import stacks as heat_stacks
from mistralclient.api import base as mistral_exc
from mistralclient.api.v2 import executions as mistral_executions
from mistralclient.api.v2 import tasks as mistral_tasks
from novaclient.v2 import servers as nova_servers
from openstack_dashboard.api import base

from heal_dashboard import api
from heal_dashboard import records
from heal_dashboard.api import session
from tests import helpers as heal_helpers
from tests import test_data


class SessionTests(heal_helpers.APITestCase):

    def test_session_sends_the_users_token_to_the_catalog_endpoint(self):
        sess = session.for_service(self.request, 'orchestration')

        self.assertEqual(test_data.HEAL_SERVICES['orchestration'],
                         sess.get_endpoint())
        self.assertEqual(self.token.id, sess.get_token())
        self.assertTrue(sess.verify)
        # What is left of the request's budget (its first call starts it).
        self.assertAlmostEqual(session.DEFAULT_TIMEOUT, sess.timeout,
                               delta=1)

    @override_settings(OPENSTACK_SSL_NO_VERIFY=True,
                       HEAL_DASHBOARD_API_TIMEOUT=3)
    def test_ssl_and_timeout_settings_are_honoured(self):
        sess = session.for_service(self.request, 'messaging')
        self.assertFalse(sess.verify)
        self.assertAlmostEqual(3, sess.timeout, delta=1)

    @override_settings(OPENSTACK_SSL_CACERT='/etc/ssl/ca.pem')
    def test_a_ca_bundle_is_used_to_verify(self):
        sess = session.for_service(self.request, 'alarming')
        self.assertEqual('/etc/ssl/ca.pem', sess.verify)

    def test_a_service_missing_from_the_catalog_raises(self):
        self.drop_services('workflowv2')
        with self.assertRaises(base.exceptions.ServiceCatalogException):
            session.for_service(self.request, 'workflowv2')


def answer(method, url, body):
    """What a service answers: 200 and this JSON."""
    response = requests.Response()
    response.status_code = 200
    response.headers['Content-Type'] = 'application/json'
    response.raw = io.BytesIO(json.dumps(body).encode())
    response.request = requests.Request(method, url).prepare()
    return response


class ClientTests(heal_helpers.APITestCase):
    """Each service's client, as its requests leave for the wire: to the
    endpoint the user's catalog gives, with the request's own token (no
    new one), one client per request."""

    def sent(self, call, body):
        sent = []

        def send(_session, method, url, headers=None, **_kwargs):
            sent.append((url, headers))
            return answer(method, url, body)
        with mock.patch.object(requests.Session, 'request', send):
            call(self.request)
        self.assertTrue(sent)
        return sent

    def assert_sent_to(self, service_type, call, body):
        endpoint = base.url_for(self.request, service_type).rstrip('/')
        for url, headers in self.sent(call, body):
            self.assertTrue(url.startswith(endpoint + '/'), (url, endpoint))
            self.assertEqual(self.token.id, headers['X-Auth-Token'])

    def test_heat(self):
        self.assertIs(api.heat.heatclient(self.request),
                      api.heat.heatclient(self.request))
        self.assert_sent_to('orchestration', api.heat.clusters_list,
                            {'stacks': []})

    def test_mistral(self):
        self.assert_sent_to(
            'workflowv2', lambda request: api.mistral.executions_list(
                request, 'heal-c1'), {'executions': []})

    def test_zaqar(self):
        self.assert_sent_to(
            'messaging', lambda request: api.zaqar.queue_state(
                request, 'heal-c1'),
            {'messages': {'total': 0, 'claimed': 0, 'free': 0},
             'subscriptions': []})

    def test_nova(self):
        # The request's own token: Horizon's nova API asks Keystone for a
        # new one per client, which Nova then has to validate.
        self.assert_sent_to('compute', api.nova.servers_list,
                            {'servers': []})

    def test_aodh(self):
        self.assert_sent_to('alarming', api.aodh.alarms_list, [])


class HeatCallTests(heal_helpers.APITestCase):

    def setUp(self):
        super().setUp()
        patcher = mock.patch.object(api.heat, 'heatclient')
        self.client = patcher.start().return_value
        self.addCleanup(patcher.stop)
        cache.clear()  # the stack names a worker has seen
        self.addCleanup(cache.clear)

    def heat_stacks(self, stacks):
        """heatclient's objects of these stacks, as it answers."""
        return iter(heat_stacks.Stack(None, stack._asdict())
                    for stack in stacks)

    def test_clusters_are_found_by_tag(self):
        self.client.stacks.list.return_value = self.heat_stacks(
            self.heal_clusters.list())

        clusters = api.heat.clusters_list(self.request)

        self.assertEqual(self.heal_clusters.list(), clusters)
        self.client.stacks.list.assert_called_once_with(
            tags='heal-dashboard', sort_keys='created_at', sort_dir='desc')

    def test_a_clusters_resources_are_listed_in_one_call_as_records(self):
        listed = test_data.resource('server', 'Heal::Server', 'server-0',
                                    'unit-0')
        # Heat's JSON has more than a record keeps, and a top-level
        # resource has no parent_resource at all.
        answered = dict(listed._asdict(), required_by=['member'])
        del answered['parent_resource']
        self.client.resources.list.return_value = iter([
            heat_resources.Resource(None, answered)])

        resources = api.heat.resources_list(self.request, 'c1')

        self.assertEqual([listed._replace(parent_resource=None)], resources)
        self.assertIsInstance(resources[0], records.Resource)
        self.client.resources.list.assert_called_once_with(
            'c1', nested_depth=2)

    def test_a_stack_seen_once_is_asked_by_its_path(self):
        # Asked by id alone, Heat redirects to <name>/<id>: a lookup and a
        # round trip more, at every tick of the Units tab.
        cluster = self.heal_clusters.first()
        self.client.stacks.get.return_value = heat_stacks.Stack(
            None, cluster._asdict())
        self.client.resources.list.return_value = iter([])
        path = '%s/%s' % (cluster.stack_name, cluster.id)

        api.heat.stack_get(self.request, cluster.id)
        api.heat.resources_list(self.request, cluster.id)
        api.heat.stack_get(self.request, cluster.id)

        self.assertEqual([mock.call(cluster.id), mock.call(path)],
                         self.client.stacks.get.call_args_list)
        self.client.resources.list.assert_called_once_with(
            path, nested_depth=2)

    def test_the_cluster_list_names_its_stacks_paths(self):
        self.client.stacks.list.return_value = self.heat_stacks(
            self.heal_clusters.list())
        api.heat.clusters_list(self.request)
        for cluster in self.heal_clusters.list():
            self.assertEqual('%s/%s' % (cluster.stack_name, cluster.id),
                             api.heat.stack_path(cluster.id))

    def test_a_failing_cache_asks_by_id(self):
        with mock.patch.object(api.heat.cache, 'get',
                               side_effect=ConnectionError):
            self.assertEqual('c1', api.heat.stack_path('c1'))
        with mock.patch.object(api.heat.cache, 'set_many',
                               side_effect=ConnectionError):
            self.client.stacks.list.return_value = self.heat_stacks(
                self.heal_clusters.list())
            self.assertEqual(self.heal_clusters.list(),
                             api.heat.clusters_list(self.request))

    def test_events_are_paged_newest_first(self):
        self.client.events.list.return_value = iter([])
        api.heat.events_list(self.request, 'c1', 20, marker='e9')
        self.client.events.list.assert_called_once_with(
            'c1', nested_depth=2, sort_dir='desc', limit=20, marker='e9')

    def test_a_persons_signal_is_shaped_so_heat_records_its_words(self):
        api.heat.resource_signal(self.request, 'c1', 'scale_out', 'why')
        self.client.resources.signal.assert_called_once_with(
            'c1', 'scale_out', data={'previous': 'person',
                                     'current': 'alarm', 'reason': 'why'})

    def test_scaling_signals_are_the_policies_signal_events(self):
        self.client.events.list.return_value = iter([])
        api.heat.scaling_signals(self.request, 'c1')
        self.client.events.list.assert_called_once_with(
            'c1', sort_dir='desc', limit=20, filters={
                'resource_type': 'OS::Heat::ScalingPolicy',
                'resource_action': 'SIGNAL'})

    def test_the_first_failure_is_one_filtered_event(self):
        first = test_data.event('e1', 'server', 'web', 'CREATE_FAILED')
        self.client.events.list.return_value = iter([
            heat_events.Event(None, first._asdict())])
        self.assertEqual(first, api.heat.first_failure(self.request, 'c1'))
        self.client.events.list.assert_called_once_with(
            'c1', sort_dir='asc', limit=1,
            filters={'resource_status': 'FAILED'})
        self.client.events.list.return_value = iter([])
        self.assertIsNone(api.heat.first_failure(self.request, 'c1'))

    def test_nested_stacks_are_listed_in_one_call(self):
        self.client.stacks.list.return_value = self.heat_stacks(
            self.heal_stacks.list())
        self.assertEqual(self.heal_stacks.list(),
                         api.heat.nested_stacks_list(self.request))
        self.client.stacks.list.assert_called_once_with(show_nested=True)

    def test_create_tags_the_cluster_with_its_template(self):
        self.client.stacks.create.return_value = {'stack': {'id': 'new'}}

        cluster_id = api.heat.stack_create(
            self.request, 'web', 'fixed', 'l1', template='t', parameters={})

        self.assertEqual('new', cluster_id)
        self.client.stacks.create.assert_called_once_with(
            stack_name='web',
            tags='heal-dashboard,heal-template=fixed,heal-launch=l1',
            template='t', parameters={})

    def test_template_id_is_read_from_the_tags(self):
        cluster = self.heal_clusters.list()[1]
        self.assertEqual('autoscaling', api.heat.template_id_of(cluster))
        self.assertIsNone(api.heat.template_id_of(
            test_data.stack('s', 'plain', tags=[])))

    def test_delete_orphan_never_raises(self):
        self.client.stacks.list.side_effect = (
            heat_exc.HTTPInternalServerError())
        api.heat.delete_orphan(self.request, 'l1')
        self.client.stacks.delete.assert_not_called()

    def test_conflict_is_recognised(self):
        self.assertTrue(api.heat.is_conflict(heat_exc.HTTPConflict()))
        self.assertFalse(api.heat.is_conflict(heat_exc.HTTPNotFound()))


class OtherServiceCallTests(heal_helpers.APITestCase):

    @mock.patch.object(api.mistral, 'mistralclient')
    def test_executions_of_one_workflow_newest_first(self, mistralclient):
        executions = mistralclient.return_value.executions
        executions.list.return_value = [mistral_executions.Execution(None, {
            'id': 'e1', 'state': 'SUCCESS', 'state_info': None,
            'created_at': 't1', 'updated_at': 't2',
            'input': '{"stack_id": "u1", "heal": true}'})]

        [execution] = api.mistral.executions_list(self.request, 'wf-1')

        self.assertEqual({'stack_id': 'u1', 'heal': True}, execution.input)
        self.assertEqual('SUCCESS', execution.state)
        self.assertEqual({}, execution.output)  # not asked for: none
        executions.list.assert_called_once_with(
            workflow_name='wf-1', sort_keys='created_at', sort_dirs='desc',
            limit=100,
            fields=list(api.mistral.EXECUTION_FIELDS))

    @mock.patch.object(api.mistral, 'mistralclient')
    def test_an_executions_tasks_oldest_first_in_one_call(self,
                                                          mistralclient):
        tasks = mistralclient.return_value.tasks
        tasks.list.return_value = [mistral_tasks.Task(None, {
            'id': 't1', 'name': 'mark', 'state': 'SUCCESS',
            'state_info': None, 'created_at': 't', 'updated_at': 'u'})]

        [task] = api.mistral.execution_tasks(self.request, 'e1')

        self.assertEqual(('mark', 'SUCCESS'), (task.name, task.state))
        tasks.list.assert_called_once_with(
            workflow_execution_id='e1', sort_keys='created_at',
            sort_dirs='asc', fields=list(api.mistral.TASK_FIELDS))

    @mock.patch.object(api.mistral, 'mistralclient')
    def test_a_healing_state_change_keeps_the_rest(self, mistralclient):
        environments = mistralclient.return_value.environments
        environments.get.return_value = mock.Mock(variables={
            'paused': True})

        api.mistral.healing_state_update(self.request, 'heal-state-c1',
                                         mode='report')

        environments.update.assert_called_once_with(
            name='heal-state-c1', variables={'paused': True,
                                             'mode': 'report'})

    @mock.patch.object(api.mistral, 'mistralclient')
    def test_a_healing_state_is_created_the_first_time(self, mistralclient):
        environments = mistralclient.return_value.environments
        missing = mistral_exc.APIException(error_code=404)
        environments.get.side_effect = missing
        environments.update.side_effect = missing

        api.mistral.healing_state_update(self.request, 'heal-state-c1',
                                         paused=False)

        environments.create.assert_called_once_with(
            name='heal-state-c1', variables={'paused': False},
            description='heal-dashboard: healing state')

    @mock.patch.object(api.zaqar, 'zaqarclient')
    def test_queue_state_never_creates_the_queue(self, zaqarclient):
        client = zaqarclient.return_value
        client.queue.return_value.stats = {
            'messages': {'free': 1, 'claimed': 1, 'total': 2}}
        subscription = mock.Mock(id='s1', subscriber='trust+http://m',
                                 confirmed=None)
        client.subscriptions.return_value = iter([subscription])

        state = api.zaqar.queue_state(self.request, 'q1')

        client.queue.assert_called_once_with('q1', auto_create=False)
        self.assertEqual(records.QueueInfo(
            name='q1', messages=2, subscriptions=[records.Subscription(
                id='s1', subscriber='trust+http://m', confirmed=None)]),
            state)

    @mock.patch.object(api.nova, 'novaclient')
    def test_servers_in_one_call(self, novaclient):
        novaclient.return_value.servers.list.return_value = [
            nova_servers.Server(None, {'id': 's1', 'name': 'vm',
                                       'status': 'ACTIVE', 'flavor': {}})]
        self.assertEqual({'s1': records.Server(id='s1', name='vm',
                                               status='ACTIVE')},
                         api.nova.servers_list(self.request))
        novaclient.return_value.servers.list.assert_called_once_with()

    @mock.patch.object(api.aodh, 'aodhclient')
    def test_alarms_in_one_call(self, aodhclient):
        aodhclient.return_value.alarm.list.return_value = [
            {'alarm_id': 'a', 'state': 'ok', 'severity': 'low'}]
        self.assertEqual([records.Alarm(alarm_id='a', state='ok')],
                         api.aodh.alarms_list(self.request))
