"""Horizon's own test case with heal-dashboard's test data added."""

import os

from django.test.utils import override_settings
from openstack_auth import policy as auth_policy
from openstack_dashboard.test import helpers

import heal_dashboard
from tests import test_data

HEAL_CONF = os.path.join(os.path.dirname(heal_dashboard.__file__), 'conf')


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
        POLICY_FILES={'heal': os.path.join(HEAL_CONF, 'heal_policy.yaml')},
        DEFAULT_POLICY_FILES={'heal': os.path.join(
            HEAL_CONF, 'default_policies', 'heal.yaml')},
    )(test_class)
    original_setup = wrapped.setUp

    def setUp(self):
        auth_policy.reset()
        self.addCleanup(auth_policy.reset)
        original_setup(self)

    wrapped.setUp = setUp
    return wrapped
