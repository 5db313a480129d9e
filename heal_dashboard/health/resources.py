"""A cluster's resource tree as Heat lists it (nested_depth=2): its units,
their parts, the healing stack's, the pool; what the other modules share."""

import datetime

from heal_dashboard import template_bundle


# The unit template's resources, by name.
SERVER = 'server'


# The cluster's healing stack's: the queue every unit's alarms post to.
QUEUE = 'queue'


TRIGGER = 'trigger'


MEMBER = 'member'


# The cluster's pool, in its load balancer's stack (a stand-in's is no
# Octavia pool: its units have no members to ask about).
POOL = 'pool'


OCTAVIA_POOL = 'OS::Octavia::Pool'


ALARMS = (('alarm_deleted', 'deleted'), ('alarm_stopped', 'stopped'),
          ('alarm_error', 'error'))


# Waits out Aodh's event-alarm cache after the alarms are made.
ALARMS_LOADED = 'alarms_loaded'


def group_unit_resources(resources):
    """{unit name: (the unit's own resource, {part name: resource})} from
    Heat's nested resource list of a cluster (nested_depth=2)."""
    units = {r.resource_name: r for r in resources
             if r.parent_resource == template_bundle.UNITS_RESOURCE}
    by_stack = {u.physical_resource_id: name
                for name, u in units.items()}
    parts = {name: {} for name in units}
    for resource in resources:
        unit = resource.parent_resource
        if unit in units and stack_id_of(resource) in by_stack:
            _keep_current(parts[unit], resource)
    return {name: (units[name], parts[name]) for name in units}


def pool_id(resources):
    """The cluster's Octavia pool, from the same nested resource list;
    None with a stand-in load balancer."""
    return next((r.physical_resource_id for r in resources
                 if (r.resource_name, r.parent_resource,
                     r.resource_type) == (
                         POOL, template_bundle.LOAD_BALANCER_RESOURCE,
                         OCTAVIA_POOL)),
                None)


def healing_parts(resources):
    """{part name: resource} of the cluster's healing stack (its queue
    and trigger), from the same nested resource list."""
    healing = [r for r in resources
               if r.resource_name == template_bundle.HEALING_RESOURCE
               and not r.parent_resource]
    stack_id = healing[0].physical_resource_id if healing else None
    parts = {}
    for resource in resources:
        if (resource.parent_resource
                == template_bundle.HEALING_RESOURCE
                and stack_id_of(resource) == stack_id):
            _keep_current(parts, resource)
    return parts


def _keep_current(parts, resource):
    name = resource.resource_name
    # While Heat replaces a resource, the old one (being deleted) and its
    # replacement are both listed: keep the replacement.
    if name not in parts or being_deleted(parts[name]):
        parts[name] = resource


def resource_id(resource):
    return resource.physical_resource_id


def being_deleted(resource):
    return (resource.resource_status or '').startswith('DELETE')


def stack_of(item):
    """(name, id) of the stack a resource or an event belongs to, from its
    links (Heat's .../stacks/<name>/<id>); (None, None) without one."""
    for link in item.links or ():
        if link.get('rel') == 'stack':
            name, stack_id = link['href'].rstrip('/').rsplit('/', 2)[-2:]
            return name, stack_id
    return None, None


def stack_id_of(resource):
    return stack_of(resource)[1]


def to_the_second(timestamp):
    """An ISO timestamp cut to the second: Heat writes 'Z', Aodh
    microseconds, Mistral a space for the 'T'; all sort as text once
    cut."""
    return (timestamp or '')[:19].replace(' ', 'T')


def unit_order(name):
    return (0, int(name)) if name.isdigit() else (1, name)


def unit_names(resources):
    """The cluster's units' names, in unit order."""
    return sorted(group_unit_resources(resources), key=unit_order)


def unit_names_by_stack(resources):
    return {unit.physical_resource_id: name for name, (
        unit, _parts) in group_unit_resources(resources).items()}


def parse_time(value):
    """A naive UTC datetime from an ISO time with a T or a space (Mistral's
    engine), with or without Z (Nova's events)."""
    return datetime.datetime.fromisoformat(
        str(value).rstrip('Z')).replace(tzinfo=None)


def cluster_size(resources):
    """How many units the cluster has now (those being deleted aside),
    from its nested resource list."""
    return len([unit for unit, _parts in group_unit_resources(
        resources).values()
        if not being_deleted(unit)])


def alarm_names(resources):
    """{alarm id: (unit, alarm resource name)} of the units' alarms."""
    return {r.physical_resource_id: (r.parent_resource, r.resource_name)
            for r in resources
            if r.resource_type == 'OS::Aodh::EventAlarm'
            and r.physical_resource_id}

