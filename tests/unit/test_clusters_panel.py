from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from heal_dashboard import api
from tests import helpers as heal_helpers

INDEX_URL = reverse('horizon:project:heal_clusters:index')


class ClustersIndexTests(heal_helpers.TestCase):

    @helpers.create_mocks({api.heat: ['clusters_list', 'nested_stacks_list']})
    def test_index_lists_clusters_with_unit_counts(self):
        self.mock_clusters_list.return_value = self.heal_clusters.list()
        self.mock_nested_stacks_list.return_value = self.heal_stacks.list()

        res = self.client.get(INDEX_URL)

        self.assertTemplateUsed(res, 'project/heal_clusters/index.html')
        rows = {c.name: c for c in res.context['table'].data}
        self.assertEqual(3, rows['web'].units)
        self.assertEqual(2, rows['api'].units)
        self.assertContains(res, 'Fixed-size cluster')
        self.assertContains(res, 'Autoscaling cluster')
        self.mock_clusters_list.assert_called_once_with(helpers.IsHttpRequest())
