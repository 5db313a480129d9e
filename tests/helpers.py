"""Horizon's own test case with heal-dashboard's test data added."""

from django.test.utils import override_settings
from openstack_auth import policy as auth_policy
from openstack_dashboard.test import helpers

from heal_dashboard import policy_files
from tests import test_data


class HealTestsMixin:
    def _setup_test_data(self):
        super()._setup_test_data()
        test_data.load(self)

    def set_roles(self, *names):
        """Log the test user in again with only these roles."""
        self.setActiveUser(
            id=self.user.id, token=self.token, username=self.user.name,
            domain_id=self.domain.id, user_domain_name=self.domain.name,
            user_domain_id=self.domain.id, tenant_id=self.tenant.id,
            service_catalog=self.service_catalog,
            authorized_tenants=self.context['authorized_tenants'],
            roles=[{'id': str(i), 'name': name}
                   for i, name in enumerate(names)])

    def mock_cluster(self, size, status='CREATE_COMPLETE', nova=False,
                     executions=(), octavia=False, **units):
        """A cluster of `size` healthy units behind this test's api mocks
        (those it has); `units` overrides some, as unit<N>=resources.
        Without nova the cloud has no compute; without octavia its load
        balancer stands in."""
        if not nova:
            self.drop_services('compute')
        mocks = {
            'stack_get': test_data.stack(
                'c1', 'web', status=status,
                tags=['heal-dashboard', 'heal-template=fixed'],
                outputs=[{'output_key': 'healing_workflow',
                          'output_value': 'heal-c1'}]),
            'resources_list': test_data.cluster_resources(
                *[units.get('unit%d' % i) or test_data.unit_resources(i)
                  for i in range(size)], octavia=octavia),
            'members_list': test_data.pool_members(size),
            'alarms_list': list(test_data.all_alarms(size).values()),
            'executions_list': list(executions),
            'execution_create': 'ex-new',
            'healing_state_get': {},
            'heal_turns': [],
        }
        for name, value in mocks.items():
            if hasattr(self, 'mock_' + name):
                getattr(self, 'mock_' + name).return_value = value
        if hasattr(self, 'mock_queue_state'):
            queues = test_data.all_queues()
            self.mock_queue_state.side_effect = (
                lambda request, name: queues[name])

    def drop_services(self, *service_types):
        """Remove services from the test user's catalog."""
        self.service_catalog[:] = [s for s in self.service_catalog
                                   if s['type'] not in service_types]

class TestCase(HealTestsMixin, helpers.TestCase):
    pass

class APITestCase(HealTestsMixin, helpers.APITestCase):
    pass

def enforce_policy(test_class):
    """Check the plugin's shipped policy files (the test settings switch
    policy checks off) for every test of the class."""
    wrapped = override_settings(
        POLICY_CHECK_FUNCTION='openstack_auth.policy.check',
        POLICY_FILES={policy_files.SCOPE: policy_files.OVERRIDES},
        DEFAULT_POLICY_FILES={policy_files.SCOPE: policy_files.DEFAULTS},
    )(test_class)
    original_setup = wrapped.setUp

    def setUp(self):
        auth_policy.reset()
        self.addCleanup(auth_policy.reset)
        original_setup(self)

    wrapped.setUp = setUp
    return wrapped
