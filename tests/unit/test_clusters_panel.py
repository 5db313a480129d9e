import time

from django.urls import reverse
from heatclient import exc as heat_exc
from keystoneauth1 import exceptions as ks_exc
from openstack_dashboard import api as os_api
from openstack_dashboard.dashboards.project.images import utils as image_utils
from openstack_dashboard.test import helpers
from openstack_dashboard.usage import quotas

from heal_dashboard import api
from heal_dashboard import health
from heal_dashboard.api import session as api_session
from heal_dashboard import records
from tests import helpers as heal_helpers
from tests import test_data

INDEX_URL = reverse('horizon:project:heal_clusters:index')
SELECT_URL = reverse('horizon:project:heal_clusters:select_template')
LAUNCH_FIXED_URL = reverse('horizon:project:heal_clusters:launch',
                           args=['fixed'])
LAUNCH_AUTOSCALING_URL = reverse('horizon:project:heal_clusters:launch',
                                 args=['autoscaling'])


def detail_url(cluster_id):
    return reverse('horizon:project:heal_clusters:detail', args=[cluster_id])


CLOUD_CHOICE_MOCKS = {
    image_utils: ['get_available_images'],
    os_api.nova: ['flavor_list', 'keypair_list'],
    os_api.neutron: ['network_list_for_tenant', 'subnet_list',
                     'network_list'],
    # What the Launch form checks a cluster's size against.
    quotas: ['tenant_quota_usages'],
}


def with_heat(heat_functions):
    mocks = dict(CLOUD_CHOICE_MOCKS)
    mocks[api.heat] = heat_functions
    return mocks


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
        self.assertContains(res, 'Create In Progress')
        self.mock_clusters_list.assert_called_once_with(
            helpers.IsHttpRequest())
        self.mock_nested_stacks_list.assert_called_once_with(
            helpers.IsHttpRequest())

    @helpers.create_mocks({api.heat: ['clusters_list', 'nested_stacks_list']})
    def test_resize_and_refresh_are_offered_where_they_apply(self):
        # web: fixed-size and settled; api: autoscaling, being created.
        self.mock_clusters_list.return_value = self.heal_clusters.list()
        self.mock_nested_stacks_list.return_value = self.heal_stacks.list()

        res = self.client.get(INDEX_URL)

        for action in ('resize', 'refresh'):
            self.assertContains(res, 'clusters__row_c1__action_%s' % action)
            self.assertNotContains(res,
                                   'clusters__row_c2__action_%s' % action)

    @helpers.create_mocks({api.heat: ['clusters_list', 'nested_stacks_list']})
    def test_index_degrades_when_heat_is_down(self):
        self.mock_clusters_list.side_effect = ks_exc.ConnectFailure('down')

        res = self.client.get(INDEX_URL)

        self.assertEqual(200, res.status_code)
        self.assertEqual([], res.context['table'].data)
        self.assertMessageCount(res, error=1)

    @helpers.create_mocks({api.heat: ['clusters_list', 'nested_stacks_list']})
    def test_cluster_names_are_escaped(self):
        cluster, stacks = heal_helpers.test_data.cluster_with_units(
            'c9', '<b>bold</b>', 1)
        self.mock_clusters_list.return_value = [cluster]
        self.mock_nested_stacks_list.return_value = stacks

        res = self.client.get(INDEX_URL)

        self.assertNotContains(res, '<b>bold</b>')
        self.assertContains(res, '&lt;b&gt;bold&lt;/b&gt;')

    @helpers.create_mocks({api.heat: ['stack_get', 'nested_stacks_list']})
    def test_row_update_returns_the_row(self):
        cluster = self.heal_clusters.first()
        self.mock_stack_get.return_value = cluster
        self.mock_nested_stacks_list.return_value = self.heal_stacks.list()

        res = self.client.get(INDEX_URL, {
            'action': 'row_update', 'table': 'clusters', 'obj_id': cluster.id},
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')

        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'web')
        self.mock_stack_get.assert_called_once_with(
            helpers.IsHttpRequest(), cluster.id)

    @helpers.create_mocks({api.heat: ['stack_get']})
    def test_row_update_of_a_deleted_cluster_is_404(self):
        self.mock_stack_get.side_effect = heat_exc.HTTPNotFound()

        res = self.client.get(INDEX_URL, {
            'action': 'row_update', 'table': 'clusters', 'obj_id': 'gone'},
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')

        self.assertEqual(404, res.status_code)

    @helpers.create_mocks({api.heat: ['clusters_list', 'nested_stacks_list',
                                      'stack_delete']})
    def test_delete_cluster(self):
        cluster = self.heal_clusters.first()
        self.mock_clusters_list.return_value = self.heal_clusters.list()
        self.mock_nested_stacks_list.return_value = self.heal_stacks.list()

        res = self.client.post(INDEX_URL, {
            'action': 'clusters__delete__%s' % cluster.id})

        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_stack_delete.assert_called_once_with(
            helpers.IsHttpRequest(), cluster.id)


class SelectTemplateTests(heal_helpers.TestCase):

    def test_lists_templates_and_what_the_cloud_lacks(self):
        res = self.client.get(SELECT_URL)

        self.assertTemplateUsed(
            res, 'project/heal_clusters/select_template.html')
        entries = {e['template'].id: e for e in res.context['templates']}
        self.assertEqual([], entries['fixed']['missing'])
        # The test cloud has no Gnocchi.
        self.assertEqual(['metric'], entries['autoscaling']['missing'])
        self.assertContains(res, LAUNCH_FIXED_URL)
        self.assertNotContains(res, LAUNCH_AUTOSCALING_URL)
        self.assertNotContains(res, 'stand-in servers')

    def test_opens_as_a_modal_from_the_table(self):
        res = self.client.get(SELECT_URL,
                              HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertTemplateUsed(
            res, 'project/heal_clusters/_select_template.html')
        self.assertTemplateNotUsed(res, 'base.html')

    def test_says_when_stand_ins_replace_compute(self):
        self.drop_services('compute', 'network', 'image', 'load-balancer')

        res = self.client.get(SELECT_URL)

        self.assertEqual(2, len(res.context['standin_notes']))
        self.assertContains(res, 'stand-in servers')
        self.assertContains(res, 'stand-in load balancer')
        self.assertContains(res, LAUNCH_FIXED_URL)


class LaunchClusterTests(heal_helpers.TestCase):

    def setUp(self):
        super().setUp()
        self.validation = self.heal_validation

    def mock_cloud_choices(self):
        self.mock_get_available_images.return_value = self.images.list()
        self.mock_flavor_list.return_value = self.flavors.list()
        self.mock_keypair_list.return_value = self.keypairs.list()
        self.mock_network_list_for_tenant.return_value = self.networks.list()
        self.mock_subnet_list.return_value = self.subnets.list()
        self.mock_network_list.return_value = self.networks.list()[:1]
        # Horizon's test project: 10 instances, 20 cores, 10000 MB.
        self.mock_tenant_quota_usages.return_value = \
            self.quota_usages.first()

    def form_data(self, **overrides):
        data = {
            'name': 'web2',
            'timeout_mins': 60,
            'param_cluster_size': 3,
            'param_image': self.images.first().id,
            'param_flavor': self.flavors.first().id,
            'param_key_name': '',
            'param_network': self.networks.first().id,
            'param_subnet': self.subnets.first().id,
            'param_external_network': '',
            'param_app_port': 80,
            'param_alarm_cache_seconds': 60,
            'mode': 'report',
            'grace': 90,
            'budget': 2,
            'min_healthy': 2,
            'breaker_heals': 4,
            'breaker_minutes': 30,
        }
        data.update(overrides)
        return data

    @helpers.create_mocks(with_heat(['template_validate']))
    def test_form_is_built_from_template_validate(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation

        res = self.client.get(LAUNCH_FIXED_URL)

        self.assertTemplateUsed(res, 'project/heal_clusters/launch.html')
        self.assertTemplateUsed(res, 'project/heal_clusters/_launch.html')
        form = res.context['form']
        fields = [name for name in form.fields if name.startswith('param_')]
        # Parameter groups' order first, then the rest.
        self.assertEqual(['param_cluster_size', 'param_image', 'param_flavor',
                          'param_key_name', 'param_network', 'param_subnet',
                          'param_external_network', 'param_app_port',
                          'param_alarm_cache_seconds'], fields)
        self.assertEqual(1, form.fields['param_cluster_size'].min_value)
        self.assertEqual(100, form.fields['param_cluster_size'].max_value)
        image_ids = [c[0] for c in form.fields['param_image'].choices]
        self.assertIn(self.images.first().id, image_ids)
        key_choices = [c[0] for c in form.fields['param_key_name'].choices]
        self.assertEqual('', key_choices[0])  # optional: "None" first
        self.assertFalse(form.fields['param_key_name'].required)
        self.assertTrue(form.fields['param_image'].required)
        # Heat was asked with the bundled files and environment.
        spec = self.mock_template_validate.call_args.kwargs
        self.assertIn('unit.yaml', spec['files'])
        self.assertEqual('unit.yaml',
                         spec['environment']['resource_registry']['Heal::Unit'])
        self.assertEqual('OS::Nova::Server',
                         spec['environment']['resource_registry']['Heal::Server'])

    @helpers.create_mocks(with_heat(['template_validate']))
    def test_the_operators_defaults_replace_the_templates(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation

        with self.settings(HEAL_DASHBOARD_PARAMETER_DEFAULTS={
                'alarm_cache_seconds': 0, 'not_in_template': 5}):
            res = self.client.get(LAUNCH_FIXED_URL)

        form = res.context['form']
        self.assertEqual(0, form.fields['param_alarm_cache_seconds'].initial)
        self.assertEqual(3, form.fields['param_cluster_size'].initial)
        self.assertNotIn('param_not_in_template', form.fields)
        self.assertContains(res, 'name="param_alarm_cache_seconds" '
                                 'value="0"')

    @helpers.create_mocks({
        **with_heat(['template_validate', 'stack_create']),
        api.mistral: ['healing_state_update']})
    def test_launch_validates_then_creates_and_opens_the_cluster(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation
        self.mock_stack_create.return_value = 'new-id'

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data())

        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, detail_url('new-id'))
        # Its heal policy, in its healing state: not stack parameters.
        self.mock_healing_state_update.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-new-id', mode='report',
            grace=90, budget=2, min_healthy=2, breaker_heals=4,
            breaker_window=1800)
        validate_kwargs = self.mock_template_validate.call_args.kwargs
        self.assertEqual(3, validate_kwargs['parameters']['cluster_size'])
        self.assertEqual(self.images.first().id,
                         validate_kwargs['parameters']['image'])
        args, kwargs = self.mock_stack_create.call_args
        self.assertEqual((helpers.IsHttpRequest(), 'web2', 'fixed'), args[:3])
        self.assertFalse(kwargs['disable_rollback'])
        self.assertEqual(60, kwargs['timeout_mins'])
        self.assertEqual(validate_kwargs['parameters'], kwargs['parameters'])
        self.assertIn('heat_template_version', kwargs['template'])

    @helpers.create_mocks({
        **with_heat(['template_validate', 'stack_create']),
        api.mistral: ['healing_state_update']})
    def test_the_create_gets_the_whole_timeout_after_slow_checks(self):
        # CI found it: the form's checks (Heat's validation, the quotas)
        # spent the page's time budget under load, the create got the
        # last 0.5 s and timed out after Heat had accepted it.
        self.mock_cloud_choices()
        validations, budgets = [], []

        def validate(request, **spec):
            if not validations:  # the form's own, before its checks
                request.heal_deadline = time.monotonic() - 1
            validations.append(spec)
            return self.validation

        def create(request, *args, **kwargs):
            budgets.append(api_session.remaining(request))
            return 'new-id'
        self.mock_template_validate.side_effect = validate
        self.mock_stack_create.side_effect = create

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data())

        self.assertRedirectsNoFollow(res, detail_url('new-id'))
        self.assertEqual(2, len(validations))
        self.assertEqual([api_session.timeout()], budgets)

    @helpers.create_mocks(with_heat(['template_validate', 'stack_create']))
    def test_bad_sizes_and_names_are_field_errors(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data(
            name='1-bad name', param_cluster_size=0, param_app_port=70000,
            breaker_heals=0, mode='never', grace=-1, budget=0))

        self.assertFormErrors(res, 7)
        errors = res.context['form'].errors
        for field in ('name', 'param_cluster_size', 'param_app_port',
                      'breaker_heals', 'mode', 'grace', 'budget'):
            self.assertIn(field, errors)
        # Only the form's own build asked Heat; nothing was created.
        self.assertEqual(1, self.mock_template_validate.call_count)
        self.mock_stack_create.assert_not_called()

    @helpers.create_mocks(with_heat(['template_validate', 'stack_create']))
    def test_a_cluster_over_the_projects_quota_is_a_field_error(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation
        flavor = self.flavors.first()

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data(
            param_cluster_size=15))

        errors = res.context['form'].errors['param_cluster_size']
        self.assertIn("instances: 15 needed, 10 left in the project's "
                      "quota", errors)
        if flavor.vcpus * 15 > 20:
            self.assertIn("vCPUs: %d needed, 20 left in the project's quota"
                          % (flavor.vcpus * 15), errors)
        self.mock_tenant_quota_usages.assert_called_once_with(
            helpers.IsHttpRequest(),
            targets=('instances', 'cores', 'ram', 'port'))
        # Nothing was created: Heat was asked only to build the form.
        self.assertEqual(1, self.mock_template_validate.call_count)
        self.mock_stack_create.assert_not_called()

    @helpers.create_mocks(with_heat(['template_validate', 'stack_create']))
    def test_more_units_than_heat_allows_a_stack_is_a_field_error(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation

        with self.settings(HEAL_DASHBOARD_MAX_RESOURCES_PER_STACK=60):
            res = self.client.post(LAUNCH_FIXED_URL, self.form_data(
                param_cluster_size=9))

        [error] = res.context['form'].errors['param_cluster_size']
        self.assertRegex(error, r'^Heat allows 60 resources a stack: 9 units '
                                r'make \d+ \(at most [0-9] units fit\)$')
        self.mock_stack_create.assert_not_called()

    @helpers.create_mocks({
        **with_heat(['template_validate', 'stack_create']),
        api.mistral: ['healing_state_update']})
    def test_quotas_that_cannot_be_read_do_not_block_a_launch(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation
        self.mock_stack_create.return_value = 'new-id'
        self.mock_tenant_quota_usages.side_effect = ks_exc.ConnectFailure(
            'nova is down')

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data())

        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, detail_url('new-id'))
        self.assertMessageCount(warning=1)

    @helpers.create_mocks(with_heat(['template_validate', 'stack_create']))
    def test_values_heat_rejects_become_form_errors(self):
        self.mock_cloud_choices()
        self.mock_template_validate.side_effect = [
            self.validation,
            heat_exc.HTTPBadRequest('Parameter flavor is invalid'),
        ]

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data())

        self.assertContains(res, 'Heat rejected the parameters')
        self.mock_stack_create.assert_not_called()

    @helpers.create_mocks(with_heat(
        ['template_validate', 'stack_create', 'delete_orphan']))
    def test_a_taken_name_is_a_name_error(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation
        self.mock_stack_create.side_effect = heat_exc.HTTPConflict()

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data())

        self.assertFormErrors(res, 1)
        self.assertIn('name', res.context['form'].errors)
        self.mock_delete_orphan.assert_not_called()

    @helpers.create_mocks(with_heat(
        ['template_validate', 'stack_create', 'delete_orphan']))
    def test_a_failed_create_leaves_no_stack_behind(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation
        self.mock_stack_create.side_effect = ks_exc.ConnectTimeout('slow')

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data())

        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, 'project/heal_clusters/launch.html')
        # The clean-up is given this launch's own marker, the one the
        # create was sent with (never the name: another cluster may have
        # it). What it deletes is tested on the real cloud.
        [create] = self.mock_stack_create.call_args_list
        launch_id = create.args[3]
        self.assertEqual(32, len(launch_id))
        self.mock_delete_orphan.assert_called_once_with(
            helpers.IsHttpRequest(), launch_id)

    @helpers.create_mocks({api.heat: ['template_validate', 'stack_create'],
                           api.mistral: ['healing_state_update']})
    def test_without_compute_the_stand_ins_are_used(self):
        self.drop_services('compute', 'network', 'image', 'load-balancer')
        self.mock_template_validate.return_value = self.validation
        self.mock_stack_create.return_value = 'new-id'

        form = self.client.get(LAUNCH_FIXED_URL).context['form']
        self.assertNotIn('param_image', form.fields)
        self.assertNotIn('param_network', form.fields)
        self.assertIn('param_cluster_size', form.fields)

        data = {k: v for k, v in self.form_data().items()
                if k not in ('param_image', 'param_flavor', 'param_key_name',
                             'param_network', 'param_subnet',
                             'param_external_network')}
        res = self.client.post(LAUNCH_FIXED_URL, data)

        self.assertRedirectsNoFollow(res, detail_url('new-id'))
        environment = self.mock_stack_create.call_args.kwargs['environment']
        self.assertEqual('standin/server.yaml',
                         environment['resource_registry']['Heal::Server'])
        self.assertIn('image', environment['parameter_defaults'])

    @helpers.create_mocks(with_heat(['template_validate', 'stack_create']))
    def test_a_missing_service_is_named_and_nothing_is_created(self):
        self.drop_services('alarming')
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation

        res = self.client.post(LAUNCH_FIXED_URL, self.form_data())

        self.assertContains(
            res, 'lacks services the template needs: alarming')
        self.mock_stack_create.assert_not_called()

    @helpers.create_mocks(with_heat(['template_validate', 'stack_create']))
    def test_autoscaling_sizes_must_be_in_order(self):
        self.service_catalog.append(heal_helpers.test_data.catalog_entry(
            'metric', 'http://gnocchi.example.com:8041'))
        self.mock_cloud_choices()
        params = dict(self.validation['Parameters'])
        for name in ('min_size', 'desired_size', 'max_size'):
            params[name] = {'Type': 'Number', 'Default': 2, 'MinValue': 1,
                            'MaxValue': 100, 'Label': name}
        del params['cluster_size']
        self.mock_template_validate.return_value = {'Parameters': params}
        data = self.form_data(param_min_size=4, param_desired_size=2,
                              param_max_size=6)
        del data['param_cluster_size']

        res = self.client.post(LAUNCH_AUTOSCALING_URL, data)

        self.assertIn('param_desired_size', res.context['form'].errors)
        self.mock_stack_create.assert_not_called()

    @helpers.create_mocks(with_heat(['template_validate']))
    def test_opens_as_a_modal(self):
        self.mock_cloud_choices()
        self.mock_template_validate.return_value = self.validation

        res = self.client.get(LAUNCH_FIXED_URL,
                              HTTP_X_REQUESTED_WITH='XMLHttpRequest')

        self.assertTemplateUsed(res, 'project/heal_clusters/_launch.html')
        self.assertTemplateNotUsed(res, 'base.html')

    def test_an_unknown_template_is_404(self):
        url = reverse('horizon:project:heal_clusters:launch', args=['nope'])
        self.assertEqual(404, self.client.get(url).status_code)


class ClusterDetailTests(heal_helpers.TestCase):

    @helpers.create_mocks({api.heat: ['stack_get'],
                           api.mistral: ['healing_state_get']})
    def test_overview_shows_status_parameters_and_outputs(self):
        cluster = heal_helpers.test_data.stack(
            'c1', 'web', tags=['heal-dashboard', 'heal-template=fixed'],
            parameters={'cluster_size': '3', 'OS::stack_id': 'c1',
                        'image': '<script>x</script>'},
            outputs=[{'output_key': 'address',
                      'output_value': '192.0.2.1'}])
        self.mock_stack_get.return_value = cluster
        self.mock_healing_state_get.return_value = {}

        res = self.client.get(detail_url('c1'))

        self.assertTemplateUsed(
            res, 'project/heal_clusters/_detail_overview.html')
        self.assertContains(res, 'replaced automatically, once verified')
        self.assertContains(res, 'Fixed-size cluster')
        self.assertContains(res, '192.0.2.1')
        self.assertContains(res, 'cluster_size')
        self.assertNotContains(res, 'OS::stack_id')
        self.assertNotContains(res, '<script>x</script>')
        self.assertContains(res, '&lt;script&gt;x&lt;/script&gt;')

    @helpers.create_mocks({api.heat: ['stack_get', 'first_failure'],
                           api.mistral: ['healing_state_get']})
    def test_a_failed_create_says_why_and_offers_delete_not_heal(self):
        self.mock_stack_get.return_value = heal_helpers.test_data.stack(
            'c1', 'web', status='ROLLBACK_COMPLETE')
        self.mock_healing_state_get.return_value = {}
        self.mock_first_failure.return_value = records.Event(
            resource_name='server', resource_status='CREATE_FAILED',
            resource_status_reason='Forbidden: Quota exceeded for '
                                   'instances: Requested 1, but already '
                                   'used 10 of 10 instances')

        res = self.client.get(detail_url('c1'))

        self.assertContains(res, 'server: Forbidden: Quota exceeded for '
                                 'instances')
        self.assertContains(res, 'clusters__delete__c1')
        self.assertNotContains(res, 'clusters__heal_cluster__c1')

    @helpers.create_mocks({api.heat: ['stack_get'],
                           api.mistral: ['healing_state_get']})
    def test_overview_says_how_the_cluster_heals_now(self):
        self.mock_stack_get.return_value = heal_helpers.test_data.stack(
            'c1', 'web')
        for state, words in (
                ({'paused': True, 'mode': 'report'},
                 ['paused: only a person heals', 'reported only']),
                ({'paused': False, 'mode': 'replace'},
                 ['<dd>on</dd>', 'replaced automatically',
                  # The workflow template's breaker.
                  'after 3 heals of one unit, or 3 failed heals, within 15 '
                  'minutes', 'none: a failure is healed at once',
                  '1 heal at once; the others wait their turn, in order']),
                ({'breaker_heals': 5, 'breaker_window': 3600, 'grace': 90,
                  'budget': 2},
                 ['after 5 heals of one unit, or 5 failed heals, within 60 '
                  'minutes', 'healed once it is 90 seconds old, if the '
                  'failure still stands', '2 heals at once',
                  'a resize keeps at least 1 healthy unit<']),
                # The workflow's circuit breaker, in words, escaped.
                ({'paused': False, 'suspended': {
                    'since': '2026-12-02T10:00:00Z',
                    'why': 'heals of one unit (<b>u1</b>) in 15 minutes: 3'}},
                 ['suspended by the circuit breaker since '
                  '2026-12-02T10:00:00Z: heals of one unit '
                  '(&lt;b&gt;u1&lt;/b&gt;) in 15 minutes: 3'])):
            self.mock_healing_state_get.return_value = state
            res = self.client.get(detail_url('c1'))
            for word in words:
                self.assertContains(res, word)
        self.mock_healing_state_get.side_effect = ks_exc.ConnectFailure('x')
        res = self.client.get(detail_url('c1'))
        self.assertContains(res, 'unknown (Mistral could not be asked)')
        # Not the defaults, as if they were the cluster's.
        self.assertContains(res, 'class="heal-grace">unknown<')
        self.assertContains(res, 'class="heal-breaker">unknown<')
        self.mock_healing_state_get.assert_called_with(
            helpers.IsHttpRequest(), 'heal-state-c1')

    @helpers.create_mocks({api.heat: ['stack_get']})
    def test_a_missing_cluster_redirects_to_the_list(self):
        self.mock_stack_get.side_effect = heat_exc.HTTPNotFound()

        res = self.client.get(detail_url('gone'))

        self.assertRedirectsNoFollow(res, INDEX_URL)


POLICY_MOCKS = {api.heat: ['cluster_get'],
                api.mistral: ['healing_state_get', 'healing_state_update']}


def policy_url(cluster_id='c1'):
    return reverse('horizon:project:heal_clusters:policy', args=[cluster_id])


class EditHealPolicyTests(heal_helpers.TestCase):

    def mock_policy(self, **state):
        self.mock_cluster_get.return_value = test_data.stack('c1', 'web')
        self.mock_healing_state_get.return_value = state

    @helpers.create_mocks(POLICY_MOCKS)
    def test_the_form_shows_the_clusters_policy(self):
        self.mock_policy(mode='report', breaker_heals=5, breaker_window=3600,
                         grace=0, budget=3, min_healthy=0)

        res = self.client.get(policy_url())

        self.assertTemplateUsed(res, 'project/heal_clusters/_edit_policy.html')
        form = res.context['form']
        self.assertEqual(('report', 5, 60, 0, 3, 0), (
            form.fields['mode'].initial, form.fields['breaker_heals'].initial,
            form.fields['breaker_minutes'].initial,
            form.fields['grace'].initial, form.fields['budget'].initial,
            form.fields['min_healthy'].initial))
        self.mock_healing_state_get.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-c1')

    @helpers.create_mocks(POLICY_MOCKS)
    def test_a_cluster_never_set_shows_the_workflows_defaults(self):
        self.mock_policy()
        form = self.client.get(policy_url()).context['form']
        self.assertEqual(('replace', 3, 15, 0, 1, 1), (
            form.fields['mode'].initial, form.fields['breaker_heals'].initial,
            form.fields['breaker_minutes'].initial,
            form.fields['grace'].initial, form.fields['budget'].initial,
            form.fields['min_healthy'].initial))

    @helpers.create_mocks(POLICY_MOCKS)
    def test_saving_writes_the_healing_state_only(self):
        self.mock_policy()

        res = self.client.post(policy_url(), {
            'mode': 'replace', 'grace': 120, 'budget': 2, 'min_healthy': 0,
            'breaker_heals': 2, 'breaker_minutes': 10})

        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_healing_state_update.assert_called_once_with(
            helpers.IsHttpRequest(), 'heal-state-c1', mode='replace',
            grace=120, budget=2, min_healthy=0, breaker_heals=2,
            breaker_window=600)

    @helpers.create_mocks(POLICY_MOCKS)
    def test_bad_values_are_field_errors_and_save_nothing(self):
        self.mock_policy()

        res = self.client.post(policy_url(), {
            'mode': 'sometimes', 'grace': 20 * 60 + 1, 'budget': 101,
            'breaker_heals': 0, 'breaker_minutes': ''})

        # min_healthy missing too.
        self.assertFormErrors(res, 6)
        self.mock_healing_state_update.assert_not_called()

    @helpers.create_mocks(POLICY_MOCKS)
    def test_mistral_failing_on_save_says_so(self):
        self.mock_policy()
        self.mock_healing_state_update.side_effect = ks_exc.ConnectFailure('x')

        res = self.client.post(policy_url(), {
            'mode': 'replace', 'grace': 0, 'budget': 1, 'min_healthy': 1,
            'breaker_heals': 2, 'breaker_minutes': 10})

        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Unable to save the heal policy.')

    @helpers.create_mocks(POLICY_MOCKS)
    def test_another_projects_cluster_goes_back_to_the_list(self):
        self.mock_cluster_get.side_effect = heat_exc.HTTPNotFound()

        res = self.client.get(policy_url('theirs'))

        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_healing_state_get.assert_not_called()


@heal_helpers.enforce_policy
class ClusterPolicyTests(heal_helpers.TestCase):

    @helpers.create_mocks({api.heat: ['clusters_list', 'nested_stacks_list']})
    def test_a_member_sees_launch_and_delete(self):
        self.mock_clusters_list.return_value = self.heal_clusters.list()
        self.mock_nested_stacks_list.return_value = self.heal_stacks.list()

        res = self.client.get(INDEX_URL)

        self.assertContains(res, 'Launch Cluster')
        self.assertContains(res, 'Delete Cluster')

    @helpers.create_mocks({api.heat: ['clusters_list', 'nested_stacks_list',
                                      'stack_delete']})
    def test_a_reader_may_look_but_not_launch_or_delete(self):
        self.set_roles('reader')
        self.mock_clusters_list.return_value = self.heal_clusters.list()
        self.mock_nested_stacks_list.return_value = self.heal_stacks.list()

        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertNotContains(res, 'Launch Cluster')
        self.assertNotContains(res, 'Delete Cluster')

        self.assertEqual(403, self.client.get(SELECT_URL).status_code)
        self.assertEqual(403, self.client.get(LAUNCH_FIXED_URL).status_code)
        self.assertNotContains(res, 'Edit Heal Policy')
        self.assertEqual(403, self.client.post(policy_url(), {
            'mode': 'replace', 'breaker_heals': 1,
            'breaker_minutes': 1}).status_code)
        self.client.post(INDEX_URL, {
            'action': 'clusters__delete__%s' % self.heal_clusters.first().id})
        self.mock_stack_delete.assert_not_called()


SCALING_MOCKS = {
    api.heat: ['stack_get', 'resources_list', 'stack_template',
               'resource_metadata', 'scaling_signals'],
    api.aodh: ['alarms_list'],
    api.mistral: ['healing_state_get']}


class AutoscalingOverviewTests(heal_helpers.TestCase):

    def mock_autoscaling_cluster(self, units, *top_resources):
        """Cluster c1 of the autoscaling template (2 to 6 units) with
        these units and top-level resources."""
        self.mock_stack_get.return_value = test_data.stack(
            'c1', 'web', tags=['heal-dashboard', 'heal-template=autoscaling'],
            parameters=dict(test_data.SCALING_PARAMETERS, desired_size='2'))
        self.mock_resources_list.return_value = test_data.cluster_resources(
            *[test_data.unit_resources(i) for i in range(units)]) + [
            test_data.resource(name, kind, physical_id, 'c1')
            for name, kind, physical_id in top_resources]
        self.mock_stack_template.return_value = test_data.SCALING_TEMPLATE
        self.mock_resource_metadata.return_value = {}
        self.mock_scaling_signals.return_value = []
        self.mock_healing_state_get.return_value = {}

    @helpers.create_mocks(SCALING_MOCKS)
    def test_overview_shows_size_policies_and_alarms(self):
        self.mock_autoscaling_cluster(
            2, ('scale_out', health.SCALING_POLICY, 'p1'),
            ('cpu_high', health.SCALING_ALARM, 'a1'))
        self.mock_alarms_list.side_effect = ks_exc.ConnectFailure('down')

        res = self.client.get(detail_url('c1'))

        self.assertContains(res, '2 (between 2 and 6; 2 at launch)')
        self.assertContains(res, 'scale_out')
        self.assertContains(res, '+1 units a signal, then 60 s of cooldown')
        self.assertContains(res, 'never applied')
        self.assertContains(res, '<dd>unknown</dd>', html=False)
        self.mock_resource_metadata.assert_called_once_with(
            helpers.IsHttpRequest(), 'c1', 'units')

    @helpers.create_mocks(SCALING_MOCKS)
    def test_overview_says_what_makes_each_scaling_alarm_fire(self):
        self.mock_autoscaling_cluster(
            1, ('cpu_low', health.SCALING_ALARM, 'a2'))
        self.mock_alarms_list.return_value = [records.Alarm(
            alarm_id='a2', state='ok',
            gnocchi_aggregation_by_resources_threshold_rule={
                'threshold': 4500000000.0, 'comparison_operator': 'lt',
                'granularity': 300, 'evaluation_periods': 2})]

        res = self.client.get(detail_url('c1'))

        # Aodh's "ok" in words.
        self.assertContains(res, "not firing,")
        self.assertContains(res, 'below 1.5 % of a vCPU for 2 points of '
                                 '300 s')

    @helpers.create_mocks(SCALING_MOCKS)
    def test_overview_says_why_a_signal_now_would_be_ignored(self):
        self.mock_autoscaling_cluster(
            6, *[(r.resource_name, r.resource_type, r.physical_resource_id)
                 for r in test_data.SCALING_TOP])
        self.mock_alarms_list.return_value = [test_data.CPU_HIGH]
        self.mock_scaling_signals.return_value = [test_data.signal(
            'scale_out', '2026-12-02T07:30:00Z',
            'alarm state changed from ok to alarm (Transition to alarm '
            'due to 2 samples outside threshold)')]

        res = self.client.get(detail_url('c1'))

        self.assertContains(res, 'signalled by cpu_high')
        self.assertContains(res, 'cpu_high fired: Transition to alarm due '
                                 'to 2 samples outside threshold')
        self.assertContains(
            res, 'a signal now would be ignored: it has its maximum of 6 '
                 'units', count=1)

    @helpers.create_mocks({**SCALING_MOCKS, api.mistral: [
        'executions_list', 'healing_state_get']})
    def test_the_history_shows_scaling_beside_the_heals(self):
        self.mock_autoscaling_cluster(
            2, *[(r.resource_name, r.resource_type, r.physical_resource_id)
                 for r in test_data.SCALING_TOP])
        self.mock_alarms_list.return_value = []
        self.mock_executions_list.return_value = []
        self.mock_scaling_signals.return_value = [test_data.signal(
            'scale_in', '2026-12-02T07:40:00Z',
            'alarm state changed from person to alarm (Scale In asked by '
            '<b>demo</b> in the dashboard)')]

        res = self.client.get(detail_url('c1') + '?tab=cluster_details__'
                              'executions')

        self.assertContains(res, 'Scaling Activity')
        self.assertContains(res, 'Scale In asked by &lt;b&gt;demo&lt;/b&gt; '
                                 'in the dashboard')
