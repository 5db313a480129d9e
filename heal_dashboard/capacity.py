"""Whether a cluster of n units fits before it is created: the project's
quotas (what Nova and Neutron would refuse) and Heat's limit of resources a
stack, counted over its whole tree. Plain functions over plain data; the
Launch form asks the services (see forms.LaunchClusterForm.clean)."""

import dataclasses

from heal_dashboard.said import N_
from heal_dashboard.said import Said

# Heat's max_resources_per_stack default; an operator whose Heat differs
# says so in HEAL_DASHBOARD_MAX_RESOURCES_PER_STACK (-1: unlimited).
HEAT_RESOURCES_PER_STACK = 1000

# Group resources whose one definition is repeated per unit.
GROUPS = ('OS::Heat::ResourceGroup', 'OS::Heat::AutoScalingGroup')


@dataclasses.dataclass(frozen=True)
class StackSize:
    fixed: int      # resources a cluster has whatever its size
    per_unit: int   # resources each unit adds (its nested stack's own too)
    # Of the fixed, those a template's condition may leave out (e.g. the
    # floating IP without an external network): counted, as Heat's limit
    # is a worst case.
    optional: int = 0

    def total(self, units):
        return self.fixed + self.per_unit * units

    def most_units(self, limit):
        return max(0, (limit - self.fixed) // self.per_unit)


def stack_size(template, files, registry):
    """A template's resources over its whole tree, as Heat counts them:
    every resource, plus those of a nested template a type maps to (the
    environment's registry, then the files), a group's definition counted
    per unit. `template` and `files` are parsed YAML (a file by name)."""
    fixed = per_unit = optional = 0
    for resource in (template.get('resources') or {}).values():
        kind = resource.get('type')
        if kind in GROUPS:
            properties = resource.get('properties') or {}
            unit = (properties.get('resource_def')
                    or properties.get('resource') or {}).get('type')
            # The group itself, then each unit: its nested stack resource
            # and what that stack holds.
            fixed += 1
            per_unit += 1 + _nested(unit, files, registry).total(1)
            continue
        nested = _nested(kind, files, registry)
        fixed += 1 + nested.total(1)
        optional += nested.optional + (
            1 + nested.total(1) if 'condition' in resource else 0)
    return StackSize(fixed, per_unit, optional)


def _nested(kind, files, registry):
    """The size of the template a type is (nothing for a native one)."""
    nested = files.get(registry.get(kind, kind))
    if nested is None:
        return StackSize(0, 0)
    return stack_size(nested, files, registry)


def needs(units, flavor=None, ports=False):
    """{quota name: amount} a cluster of `units` real servers takes: of
    that flavor (vcpus, ram; None when unknown: Heat's validation names
    it), with a port each where the network is Neutron's."""
    needed = {'instances': units}
    if flavor is not None:
        needed.update(cores=units * flavor.vcpus, ram=units * flavor.ram)
    if ports:
        needed['port'] = units
    return needed


QUOTA_WORDS = {
    'instances': N_('instances'),
    'cores': N_('vCPUs'),
    'ram': N_('RAM (MB)'),
    'port': N_('ports'),
}


def shortfalls(needed, available):
    """What does not fit, in words: the project's quotas ({name: amount
    left}, float('inf') when unlimited; a name absent is not checked)."""
    return [Said(N_('%(what)s: %(needed)d needed, %(left)d left in the '
                    'project\'s quota'), what=QUOTA_WORDS.get(name, name),
                 needed=amount, left=available[name])
            for name, amount in needed.items()
            if name in available and amount > available[name]]


def stack_shortfall(size, units, limit):
    """Heat's refusal, in words, when `units` would make the stack larger
    than `limit` resources (-1: no limit); None when it fits."""
    if limit is None or limit < 0 or size.total(units) <= limit:
        return None
    return Said(N_('Heat allows %(limit)d resources a stack: %(units)d '
                   'units make %(total)d (at most %(most)d units fit)'),
                limit=limit, units=units, total=size.total(units),
                most=size.most_units(limit))
