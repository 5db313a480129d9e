"""The bundled cluster templates: their manifest and what Heat is sent.

Plain data, no Django: the Launch form, the tests and the local cloud's tools
all read the templates through here.
"""

import dataclasses
import functools
import json
import os

import yaml

from heal_dashboard import capacity

TEMPLATES_DIR = os.path.join(os.path.dirname(__file__), 'cluster_templates')
MANIFEST = 'manifest.yaml'

# Every bundled cluster holds its units in a group resource of this name.
UNITS_RESOURCE = 'units'
# ... and its healing (workflow, alarm queue, trigger) in a nested stack of
# this name.
HEALING_RESOURCE = 'healing'
# ... and its load balancer (pool included) in one of this name.
LOAD_BALANCER_RESOURCE = 'load_balancer'


def workflow_name(cluster_id):
    """The name healing_workflow.yaml gives a cluster's workflow: known
    from the cluster's id alone, so its executions are listed in the same
    round of calls as the cluster itself."""
    return 'heal-%s' % cluster_id


def queue_name(cluster_id):
    """The name healing_workflow.yaml gives a cluster's healing queue
    (Zaqar's, beside Mistral's workflow of the same name)."""
    return workflow_name(cluster_id)


def turns_name(cluster_id):
    """The description every ticket of a cluster's heal queue (a Mistral
    environment each, see healing_workflow.yaml's heal budget) has."""
    return 'heal-turn-%s' % cluster_id


def healing_state_name(cluster_id):
    """The Mistral environment holding a cluster's healing state (paused or
    not), which healing_workflow.yaml reads before it heals anything."""
    return 'heal-state-%s' % cluster_id


@dataclasses.dataclass(frozen=True)
class ClusterTemplate:
    id: str
    title: str
    description: str
    template: str
    size_parameter: str
    services: tuple
    choices: dict
    heal_scope: str = 'cluster'
    size_order: tuple = ()
    # The parameter a resize names the units to remove in; None: the
    # cluster is not resized by the dashboard (an autoscaling one scales).
    removal_parameter: str = None
    # A refresh's batch size, pause and minimum in service; empty: the
    # cluster is not refreshed by the dashboard.
    refresh_parameters: tuple = ()

    @property
    def managed_parameters(self):
        """Parameters the dashboard's cluster actions set, not the
        Launch form."""
        return {self.removal_parameter, *self.refresh_parameters} - {None}


@dataclasses.dataclass(frozen=True)
class Standin:
    service: str        # used exactly when the catalog lacks this service
    environment: str
    provides: frozenset


@dataclasses.dataclass(frozen=True)
class TemplateBundle:
    templates: tuple
    environment: str
    standins: tuple

    def get(self, template_id):
        template = self.find(template_id)
        if template is None:
            raise KeyError(template_id)
        return template

    def find(self, template_id):
        """The template of that id, or None (a cluster launched from a
        template this version does not bundle)."""
        for template in self.templates:
            if template.id == template_id:
                return template
        return None

    def standins_for(self, available):
        """The stand-ins a cloud with these services launches with."""
        return [s for s in self.standins if s.service not in available]

    def missing_services(self, template, available):
        """Services the template needs that neither the cloud nor the
        stand-ins provide, in the manifest's order."""
        provided = set(available).union(
            *(s.provides for s in self.standins_for(available)))
        return [s for s in template.services if s not in provided]

    def standin_parameters(self, available):
        """Parameters the stand-ins supply (the form does not ask)."""
        return {name for standin in self.standins_for(available)
                for name in read_yaml(standin.environment).get(
                    'parameter_defaults', {})}

    def launch_spec(self, template, available):
        """What heatclient's create/validate take: template, files and
        environment, with the stand-ins the cloud needs merged in."""
        environment = read_yaml(self.environment)
        for standin in self.standins_for(available):
            extra = read_yaml(standin.environment)
            environment['resource_registry'].update(
                extra['resource_registry'])
            environment.setdefault('parameter_defaults', {}).update(
                extra.get('parameter_defaults', {}))
        return {
            'template': read_text(template.template),
            'files': template_files(),
            'environment': environment,
        }

    def stack_size(self, template, available):
        """The template's resources as Heat counts them against its limit a
        stack, on a cloud with these services (stand-ins are stacks)."""
        spec = self.launch_spec(template, available)
        return capacity.stack_size(
            yaml.safe_load(spec['template']),
            {name: yaml.safe_load(text)
             for name, text in spec['files'].items()},
            spec['environment']['resource_registry'])


def read_text(name):
    with open(os.path.join(TEMPLATES_DIR, name), encoding='utf-8') as f:
        return f.read()


def read_yaml(name):
    return yaml.safe_load(read_text(name))


class _HeatYamlLoader(yaml.SafeLoader):
    """YAML read as Heat reads it: a date (heat_template_version) stays
    the string it was written as."""


_HeatYamlLoader.add_constructor(
    'tag:yaml.org,2002:timestamp', _HeatYamlLoader.construct_scalar)


def template_files():
    """Every template file, keyed by its path below the templates folder,
    which is how the environments' resource_registry names them; in JSON.

    Heat keeps a stack's files as sent and parses a nested template's file
    again each time it loads one of its resources: for every unit, at every
    list of the cluster's resources (the Units tab's one call), update and
    heal. It tries JSON first, which its parser reads ~40 times faster than
    YAML (1.5 ms for unit.yaml); the data are the same.
    """
    files = {}
    for folder, _dirs, names in os.walk(TEMPLATES_DIR):
        for name in names:
            path = os.path.relpath(os.path.join(folder, name), TEMPLATES_DIR)
            if name.endswith('.yaml') and path != MANIFEST:
                files[path] = json.dumps(yaml.load(
                    read_text(path), Loader=_HeatYamlLoader))
    return files


HEALING_TEMPLATE = 'healing_workflow.yaml'


# The dashboard's rule, not the workflow's: heals never lower the healthy
# count (refusing one would deadlock a sick cluster), resizes may.
MIN_HEALTHY = 1


@dataclasses.dataclass(frozen=True)
class HealPolicy:
    """A cluster's heal policy, as its healing workflow applies it."""
    report_only: bool
    breaker_heals: int      # heals of one unit, or failed heals, ...
    breaker_window: int     # ... within this many seconds: suspend
    grace: int              # seconds a new server's failure waits
    budget: int             # heals at once; the others wait their turn
    min_healthy: int        # healthy units a resize must keep

    @property
    def breaker_minutes(self):
        return self.breaker_window // 60

    def as_state(self):
        """The healing state's variables that hold it."""
        return {'mode': mode(self.report_only),
                'breaker_heals': self.breaker_heals,
                'breaker_window': self.breaker_window,
                'grace': self.grace, 'budget': self.budget,
                'min_healthy': self.min_healthy}


def mode(report_only):
    """The healing state's word the workflow reads for report-only."""
    return 'report' if report_only else 'replace'


@functools.lru_cache(maxsize=1)
def _workflow_defaults():
    parameters = read_yaml(HEALING_TEMPLATE)['parameters']
    return {name: parameters[name]['default'] for name in (
        'breaker_heals', 'breaker_window', 'grace_seconds', 'heal_budget')}


def heal_policy(state=None):
    """The policy a cluster's healing state (its variables) sets, each
    value it does not set as the healing workflow's template defaults it
    (the same rule as the workflow's)."""
    state = state or {}
    defaults = _workflow_defaults()
    grace, min_healthy = state.get('grace'), state.get('min_healthy')
    return HealPolicy(
        report_only=state.get('mode') == 'report',
        breaker_heals=int(state.get('breaker_heals')
                          or defaults['breaker_heals']),
        breaker_window=int(state.get('breaker_window')
                           or defaults['breaker_window']),
        grace=int(defaults['grace_seconds'] if grace is None else grace),
        budget=int(state.get('budget') or defaults['heal_budget']),
        min_healthy=int(MIN_HEALTHY if min_healthy is None else min_healthy))


# The manifest ships with the package: read it once per process, not once
# per table row (the Clusters table names each row's template).
@functools.lru_cache(maxsize=1)
def load():
    manifest = read_yaml(MANIFEST)
    templates = tuple(
        ClusterTemplate(
            id=entry['id'],
            title=entry['title'],
            description=' '.join(entry['description'].split()),
            template=entry['template'],
            size_parameter=entry['size_parameter'],
            services=tuple(entry['services']),
            choices=dict(entry.get('choices', {})),
            heal_scope=entry.get('heal_scope', 'cluster'),
            size_order=tuple(entry.get('size_order', ())),
            removal_parameter=entry.get('removal_parameter'),
            refresh_parameters=tuple(entry.get('refresh_parameters', ())),
        )
        for entry in manifest['templates'])
    return TemplateBundle(
        templates=templates,
        environment=manifest['environment'],
        standins=tuple(
            Standin(service=entry['service'],
                    environment=entry['environment'],
                    provides=frozenset(entry['provides']))
            for entry in manifest['standins']),
    )
