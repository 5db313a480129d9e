import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from horizon import exceptions
from horizon import forms
from horizon import messages
from oslo_utils import strutils
from openstack_dashboard import api as os_api
from openstack_dashboard.dashboards.project.images import utils as image_utils
from openstack_dashboard.dashboards.project.instances import (
    utils as instance_utils)
from openstack_dashboard.usage import quotas

from heal_dashboard import api
from heal_dashboard.api import session as api_session
from heal_dashboard import capacity
from heal_dashboard import template_bundle
from heal_dashboard import exceptions as heal_exceptions
from heal_dashboard import healing
from heal_dashboard import words

LOG = logging.getLogger(__name__)

PARAM_PREFIX = 'param_'
# The quotas a cluster's units take (Horizon's names).
CAPACITY_QUOTAS = ('instances', 'cores', 'ram', 'port')


def _image_choices(request):
    images = image_utils.get_available_images(request,
                                              request.user.project_id)
    return sorted(((i.id, i.name or i.id) for i in images),
                  key=lambda choice: choice[1])


def _subnet_choices(request):
    subnets = os_api.neutron.subnet_list(request)
    return sorted(((s.id, '%s (%s)' % (s.name_or_id, s.cidr))
                   for s in subnets), key=lambda choice: choice[1])


def _external_network_choices(request):
    networks = os_api.neutron.network_list(request,
                                           **{'router:external': True})
    return sorted(((n.id, n.name_or_id) for n in networks),
                  key=lambda choice: choice[1])


# The cloud resources a parameter can be chosen from (the manifest's hints).
CLOUD_CHOICES = {
    'image': _image_choices,
    'flavor': lambda request: instance_utils.flavor_field_data(request),
    'keypair': lambda request: instance_utils.keypair_field_data(request),
    'network': lambda request: instance_utils.network_field_data(request),
    'subnet': _subnet_choices,
    'external_network': _external_network_choices,
}


def cloud_choices(request, kind, optional):
    try:
        choices = list(CLOUD_CHOICES[kind](request))
    except Exception:
        exceptions.handle(request, _('Unable to retrieve the choices for '
                                     '%s.') % kind)
        choices = []
    if optional:
        return [('', _('None'))] + choices
    if not choices:
        return [('', _('None available'))]
    return choices


def parameter_field(spec, choices=None):
    """A form field for one parameter of Heat's template-validate output."""
    initial = spec.get('Value', spec.get('Default'))
    optional = initial is not None
    args = {
        'label': spec.get('Label') or spec.get('name'),
        'help_text': spec.get('Description', ''),
        'initial': initial,
        'required': not optional,
    }
    param_type = spec.get('Type')
    if choices is not None:
        return forms.ChoiceField(choices=choices, **args)
    if 'AllowedValues' in spec:
        return forms.ChoiceField(
            choices=[(str(v), str(v)) for v in spec['AllowedValues']], **args)
    if param_type == 'Number':
        for limit, key in (('min_value', 'MinValue'),
                           ('max_value', 'MaxValue')):
            if key in spec:
                args[limit] = int(spec[key])
        return forms.IntegerField(**args)
    if param_type == 'Boolean':
        args['required'] = False
        return forms.BooleanField(**args)
    if strutils.bool_from_string(spec.get('NoEcho', 'false')):
        args['widget'] = forms.PasswordInput(render_value=True)
    if 'MinLength' in spec:
        args['min_length'] = int(spec['MinLength'])
    if 'MaxLength' in spec:
        args['max_length'] = int(spec['MaxLength'])
    # Optional text parameters default to "" in the templates.
    args['empty_value'] = '' if optional else None
    return forms.CharField(**args)


def ordered_parameters(validation):
    """(name, spec) pairs in the order of the template's parameter groups."""
    params = validation.get('Parameters', {})
    ordered = [name for group in validation.get('ParameterGroups', [])
               for name in group.get('parameters', []) if name in params]
    ordered += sorted(set(params) - set(ordered))
    return [(name, dict(params[name], name=name)) for name in ordered]


# What a stand-in means for the user, by the service it stands in for.
STANDIN_NOTES = {
    'compute': _("This cloud has no compute service: the units get stand-in "
                 "servers built from Heat's own resources."),
    'load-balancer': _("This cloud has no load balancer service: the "
                       "cluster gets a stand-in load balancer built from "
                       "Heat's own resources."),
}


def standin_notes(template_catalog, available):
    return [STANDIN_NOTES[s.service]
            for s in template_catalog.standins_for(available)]


MODE_CHOICES = (
    ('replace', _('Replace them automatically, once verified')),
    ('report', _('Report them only: a person heals them')),
)


# Inside the 30 minutes after which the page calls an unfinished heal
# stalled (health.STALLED_AFTER): a heal waits out the grace unfinished.
MAX_GRACE_SECONDS = 20 * 60


def heal_policy_fields(policy):
    """The heal policy's fields, initially `policy` (a
    template_bundle.HealPolicy: the cluster's, or the healing workflow's
    defaults)."""
    return {
        'mode': forms.ChoiceField(
            label=_('Failed Units'), choices=MODE_CHOICES,
            initial=template_bundle.mode(policy.report_only)),
        'grace': forms.IntegerField(
            label=_('Grace Period (seconds)'), min_value=0,
            max_value=MAX_GRACE_SECONDS, initial=policy.grace,
            help_text=_('A failure of a server younger than this is healed '
                        'only when the grace has ended and the failure '
                        'still stands (a server that stops or errors while '
                        'it boots). 0: heal at once. A person\'s heal does '
                        'not wait.')),
        'budget': forms.IntegerField(
            label=_('Heal Budget'), min_value=1, max_value=100,
            initial=policy.budget,
            help_text=_('At most this many units are healed at once; the '
                        'others wait their turn, in the order they failed '
                        '(a mass failure does not replace every unit at '
                        'the same moment).')),
        'min_healthy': forms.IntegerField(
            label=_('Minimum Healthy Units'), min_value=0, max_value=100,
            initial=policy.min_healthy,
            help_text=_('A resize that would leave fewer healthy units is '
                        'refused. Heals never are: a heal does not lower '
                        'the healthy count.')),
        'breaker_heals': forms.IntegerField(
            label=_('Circuit Breaker: Heals'), min_value=1, max_value=100,
            initial=policy.breaker_heals,
            help_text=_('Automatic healing suspends itself after this many '
                        'heals of one unit, or this many failed heals, '
                        'within the window (a replace loop).')),
        'breaker_minutes': forms.IntegerField(
            label=_('Circuit Breaker: Window (minutes)'), min_value=1,
            max_value=24 * 60, initial=policy.breaker_minutes),
    }


def save_heal_policy(request, cluster_id, data):
    healing.set_heal_policy(request, cluster_id, template_bundle.HealPolicy(
        report_only=data['mode'] == 'report', grace=data['grace'],
        budget=data['budget'], min_healthy=data['min_healthy'],
        breaker_heals=data['breaker_heals'],
        breaker_window=data['breaker_minutes'] * 60))


class EditHealPolicyForm(forms.SelfHandlingForm):
    """The heal policy of a running cluster: kept in its healing state,
    so saving it updates no stack."""

    def __init__(self, request, *args, **kwargs):
        self.cluster_id = kwargs.pop('cluster_id')
        state = kwargs.pop('healing_state')
        super().__init__(request, *args, **kwargs)
        self.fields.update(heal_policy_fields(template_bundle.heal_policy(state)))

    def handle(self, request, data):
        api_session.for_an_action(request)
        try:
            save_heal_policy(request, self.cluster_id, data)
        except Exception:
            exceptions.handle(request, _('Unable to save the heal policy.'))
            return False
        messages.success(request, _('Heal policy saved.'))
        return True


class ResizeClusterForm(forms.SelfHandlingForm):
    """A fixed-size cluster's new size and, when it shrinks, which units
    go (the highest-numbered otherwise)."""
    size = forms.IntegerField(label=_('Units'), min_value=1, max_value=100)
    removed = forms.MultipleChoiceField(
        label=_('Units to Remove'), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_('When the cluster shrinks: these go first, then the '
                    'highest-numbered.'))

    def __init__(self, request, *args, **kwargs):
        self.cluster_id = kwargs.pop('cluster_id')
        self.unit_names = kwargs.pop('unit_names')
        super().__init__(request, *args, **kwargs)
        self.fields['size'].initial = len(self.unit_names)
        self.fields['removed'].choices = [(n, n) for n in self.unit_names]

    def clean(self):
        data = super().clean()
        size, removed = data.get('size'), data.get('removed') or []
        if size is not None and removed and (
                len(removed) > len(self.unit_names) - size):
            self.add_error('removed', _(
                'Choose at most %(count)d: the cluster shrinks by that many '
                'units.') % {'count': max(0, len(self.unit_names) - size)})
        return data

    def handle(self, request, data):
        api_session.for_an_action(request)
        try:
            removed = healing.resize(request, self.cluster_id, data['size'],
                                     data['removed'])
        except healing.Refused as refusal:
            self.api_error(str(refusal))
            return False
        except Exception:
            exceptions.handle(request, _('Unable to resize the cluster.'))
            return False
        if removed:
            messages.success(request, _(
                'Resizing the cluster to %(size)d units: removing %(units)s.')
                % {'size': data['size'], 'units': ', '.join(removed)})
        else:
            messages.success(request, _('Resizing the cluster to %d units.')
                             % data['size'])
        return True


REFRESH_LABELS = {'image': _('Image'), 'flavor': _('Flavor')}


class RefreshClusterForm(forms.SelfHandlingForm):
    """A new image or flavor for every unit, replaced in batches."""
    batch = forms.IntegerField(
        label=_('Batch Size'), min_value=1, max_value=100, initial=1,
        help_text=_('Units replaced at a time.'))
    pause = forms.IntegerField(
        label=_('Pause (seconds)'), min_value=0, max_value=3600, initial=0,
        help_text=_('Wait between batches.'))

    def __init__(self, request, *args, **kwargs):
        self.cluster_id = kwargs.pop('cluster_id')
        template = kwargs.pop('template')
        current = kwargs.pop('parameters')
        super().__init__(request, *args, **kwargs)
        self.refreshed = healing.refreshed_parameters(template)
        for name in self.refreshed:
            kind = template.choices[name]
            choices = cloud_choices(request, kind, optional=False)
            # The cluster's own value, as it was given (a name, say).
            if current.get(name) not in dict(choices):
                choices = [(current.get(name), current.get(name))] + choices
            self.fields[PARAM_PREFIX + name] = forms.ChoiceField(
                label=REFRESH_LABELS[kind], choices=choices,
                initial=current.get(name))
        self.order_fields([PARAM_PREFIX + name for name in self.refreshed])

    def handle(self, request, data):
        api_session.for_an_action(request)
        values = {name: data[PARAM_PREFIX + name] for name in self.refreshed}
        try:
            changed = healing.refresh(request, self.cluster_id, values,
                                      data['batch'], data['pause'])
        except healing.Refused as refusal:
            self.api_error(str(refusal))
            return False
        except Exception:
            exceptions.handle(request, _('Unable to refresh the cluster.'))
            return False
        messages.success(request, _('Refreshing the cluster (%s).') % (
            ', '.join('%s: %s' % item for item in sorted(changed.items()))))
        return True


class LaunchClusterForm(forms.SelfHandlingForm):
    name = forms.RegexField(
        max_length=255, label=_('Cluster Name'),
        regex=r'^[a-zA-Z][a-zA-Z0-9_.-]*$',
        help_text=_('Name of the cluster (its Heat stack).'),
        error_messages={'invalid': _(
            'Name must start with a letter and may only contain letters, '
            'numbers, underscores, periods and hyphens.')})
    timeout_mins = forms.IntegerField(
        initial=60, min_value=1, max_value=24 * 60,
        label=_('Creation Timeout (minutes)'))

    def __init__(self, request, *args, **kwargs):
        self.bundle = kwargs.pop('bundle')
        self.template = kwargs.pop('template')
        self.available = kwargs.pop('available_services')
        validation = kwargs.pop('validation')
        super().__init__(request, *args, **kwargs)
        self.missing_services = self.bundle.missing_services(
            self.template, self.available)
        self.standin_notes = standin_notes(self.bundle, self.available)
        supplied = self.bundle.standin_parameters(self.available)
        self.help_text = self.template.description
        # The operator's values for this cloud (e.g. Aodh's alarm cache,
        # the metrics' granularity): no API tells the plugin them.
        cloud_defaults = getattr(settings,
                                 'HEAL_DASHBOARD_PARAMETER_DEFAULTS', {})
        for name, spec in ordered_parameters(validation):
            if name in supplied or name in self.template.managed_parameters:
                continue
            kind = self.template.choices.get(name)
            choices = None
            if kind:
                optional = spec.get('Default') is not None
                choices = cloud_choices(request, kind, optional)
            field = parameter_field(spec, choices)
            if name in cloud_defaults:
                field.initial = cloud_defaults[name]
            self.fields[PARAM_PREFIX + name] = field
        self.fields.update(heal_policy_fields(template_bundle.heal_policy()))

    def parameters(self, data):
        return {key[len(PARAM_PREFIX):]: value for key, value in data.items()
                if key.startswith(PARAM_PREFIX)}

    def clean(self):
        data = super().clean()
        if self.missing_services:
            raise ValidationError(
                _('This cloud lacks services the template needs: %s.')
                % ', '.join(self.missing_services))
        params = self.parameters(data)
        order = [name for name in self.template.size_order
                 if params.get(name) is not None]
        for smaller, larger in zip(order, order[1:], strict=False):
            if params[smaller] > params[larger]:
                self.add_error(PARAM_PREFIX + larger, _(
                    'Must be at least %(smaller)s (%(value)s).') % {
                    'smaller': self.fields[PARAM_PREFIX + smaller].label,
                    'value': params[smaller]})
        size_field = PARAM_PREFIX + self.template.size_parameter
        units = params.get(self.template.size_parameter)
        if units and not self.errors:
            for problem in self.capacity_problems(units, params):
                self.add_error(size_field, problem)
        return data

    def capacity_problems(self, units, params):
        """What would make Heat, Nova or Neutron refuse a cluster of that
        many units, in words, before anything is created (as Horizon's
        Launch Instance checks quotas). A quota that cannot be read is not
        checked: the services still enforce it."""
        limit = getattr(settings, 'HEAL_DASHBOARD_MAX_RESOURCES_PER_STACK',
                        capacity.HEAT_RESOURCES_PER_STACK)
        problems = [capacity.stack_shortfall(
            self.bundle.stack_size(self.template, self.available), units,
            limit)]
        if 'compute' in self.available:
            try:
                flavor = self._flavor(params.get('flavor'))
                usages = quotas.tenant_quota_usages(
                    self.request, targets=CAPACITY_QUOTAS)
                left = {name: usages[name]['available']
                        for name in CAPACITY_QUOTAS
                        if 'available' in usages.get(name, {})}
                problems += capacity.shortfalls(capacity.needs(
                    units, flavor, ports='network' in self.available), left)
            except Exception:
                LOG.warning('heal-dashboard: quotas not checked',
                            exc_info=True)
                messages.warning(self.request, _(
                    'The project\'s quotas could not be checked.'))
        return [words.translated(problem) for problem in problems
                if problem]

    def _flavor(self, chosen):
        """The chosen flavor (the form offers ids; Heat takes names too);
        None if Nova does not know it (Heat's validation says so)."""
        for flavor in os_api.nova.flavor_list(self.request):
            if chosen in (flavor.id, flavor.name):
                return flavor
        return None

    @sensitive_variables('data')
    def handle(self, request, data):
        api_session.for_an_action(request)
        spec = self.bundle.launch_spec(self.template, self.available)
        spec['parameters'] = self.parameters(data)
        try:
            # Heat checks the values before anything is created, so a bad
            # value becomes a form error and leaves nothing behind.
            api.heat.template_validate(request, **spec)
        except heal_exceptions.RECOVERABLE as error:
            self.api_error(_('Heat rejected the parameters: %s') % error)
            return False
        # This launch's own marker: what a lost answer's clean-up deletes.
        launch_id = uuid.uuid4().hex
        try:
            cluster_id = api.heat.stack_create(
                request, data['name'], self.template.id, launch_id,
                timeout_mins=data['timeout_mins'], disable_rollback=False,
                **spec)
        except Exception as error:
            if api.heat.is_conflict(error):
                self.add_error('name', _('A stack with this name exists.'))
                return False
            api.heat.delete_orphan(request, launch_id)
            exceptions.handle(request, _('Unable to launch the cluster.'))
            return False
        messages.success(request, _('Launching cluster "%s".') % data['name'])
        try:
            save_heal_policy(request, cluster_id, data)
        except Exception:
            exceptions.handle(request, _(
                'The cluster heals by the default policy: its heal policy '
                'could not be saved (Edit Heal Policy sets it).'))
        return cluster_id
