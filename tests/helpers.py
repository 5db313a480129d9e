"""Horizon's own test case with heal-dashboard's test data added."""

from openstack_dashboard.test import helpers

from tests import test_data


class HealTestsMixin:
    def _setup_test_data(self):
        super()._setup_test_data()
        test_data.load(self)


class TestCase(HealTestsMixin, helpers.TestCase):
    pass


class APITestCase(HealTestsMixin, helpers.APITestCase):
    pass
