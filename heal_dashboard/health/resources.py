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


def field(item, key, default=None):
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)


def resource_status(item):
    """A stack's or a resource's status, whichever the item is."""
    return field(item, 'stack_status') or field(item, 'resource_status') or ''


def group_unit_resources(resources):
    """{unit name: (the unit's own resource, {part name: resource})} from
    Heat's nested resource list of a cluster (nested_depth=2)."""
    units = {field(r, 'resource_name'): r for r in resources
             if field(r, 'parent_resource') == template_bundle.UNITS_RESOURCE}
    by_stack = {field(u, 'physical_resource_id'): name
                for name, u in units.items()}
    parts = {name: {} for name in units}
    for resource in resources:
        unit = field(resource, 'parent_resource')
        if unit in units and stack_id_of(resource) in by_stack:
            _keep_current(parts[unit], resource)
    return {name: (units[name], parts[name]) for name in units}


def pool_id(resources):
    """The cluster's Octavia pool, from the same nested resource list;
    None with a stand-in load balancer."""
    return next((field(r, 'physical_resource_id') for r in resources
                 if (field(r, 'resource_name'), field(r, 'parent_resource'),
                     field(r, 'resource_type')) == (
                         POOL, template_bundle.LOAD_BALANCER_RESOURCE,
                         OCTAVIA_POOL)),
                None)


def healing_parts(resources):
    """{part name: resource} of the cluster's healing stack (its queue
    and trigger), from the same nested resource list."""
    healing = [r for r in resources
               if field(r, 'resource_name') == template_bundle.HEALING_RESOURCE
               and not field(r, 'parent_resource')]
    stack_id = field(healing[0], 'physical_resource_id') if healing else None
    parts = {}
    for resource in resources:
        if (field(resource, 'parent_resource')
                == template_bundle.HEALING_RESOURCE
                and stack_id_of(resource) == stack_id):
            _keep_current(parts, resource)
    return parts


def _keep_current(parts, resource):
    name = field(resource, 'resource_name')
    # While Heat replaces a resource, the old one (being deleted) and its
    # replacement are both listed: keep the replacement.
    if name not in parts or resource_status(parts[name]).startswith(
            'DELETE'):
        parts[name] = resource


def resource_id(resource):
    """A resource's physical id, whether the client gave an object or a
    dict."""
    return field(resource, 'physical_resource_id')


def stack_id_of(resource):
    """The id of the stack a resource belongs to, from its links."""
    for link in field(resource, 'links') or ():
        if link.get('rel') == 'stack':
            return link['href'].rstrip('/').rsplit('/', 1)[-1]
    return None


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
    return {field(unit, 'physical_resource_id'): name for name, (
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
        if not resource_status(unit).startswith('DELETE')])


def alarm_names(resources):
    """{alarm id: (unit, alarm resource name)} of the units' alarms."""
    return {field(r, 'physical_resource_id'): (field(r, 'parent_resource'),
                                              field(r, 'resource_name'))
            for r in resources
            if field(r, 'resource_type') == 'OS::Aodh::EventAlarm'
            and field(r, 'physical_resource_id')}

