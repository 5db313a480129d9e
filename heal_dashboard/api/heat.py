"""Heat: the clusters are stacks, the units their nested stacks."""

import logging

from heatclient import client as heat_client
from heatclient import exc as heat_exc
from horizon.utils.memoized import memoized

from heal_dashboard.api import session

LOG = logging.getLogger(__name__)

SERVICE_TYPE = 'orchestration'

# Every stack the plugin launches carries this tag, and the template's id in a
# second tag, so clusters are found by tag, never by name.
CLUSTER_TAG = 'heal-dashboard'
TEMPLATE_TAG_PREFIX = 'heal-template='


@memoized
def heatclient(request):
    return heat_client.Client(
        '1', session=session.for_service(request, SERVICE_TYPE),
        service_type=SERVICE_TYPE)


def template_id_of(stack):
    """The bundled template a cluster was launched from, from its tags."""
    for tag in getattr(stack, 'tags', None) or ():
        if tag.startswith(TEMPLATE_TAG_PREFIX):
            return tag[len(TEMPLATE_TAG_PREFIX):]
    return None


def clusters_list(request):
    """The project's clusters, newest first."""
    return list(heatclient(request).stacks.list(
        tags=CLUSTER_TAG, sort_keys='created_at', sort_dir='desc'))


def nested_stacks_list(request):
    """Every stack of the project, nested ones included (one call).

    The units of all clusters are nested stacks: listing them once lets the
    cluster list count units without a call per cluster.
    """
    return list(heatclient(request).stacks.list(show_nested=True))


def stack_get(request, stack_id):
    return heatclient(request).stacks.get(stack_id)


def resources_list(request, stack_id, nested_depth=2):
    """Every resource of a cluster down to its units' parts, in one call."""
    return list(heatclient(request).resources.list(
        stack_id, nested_depth=nested_depth))


def events_list(request, stack_id, limit, marker=None, nested_depth=2):
    """A page of a stack's events, its nested stacks' included (a
    cluster's: its units'), newest first."""
    return list(heatclient(request).events.list(
        stack_id, nested_depth=nested_depth, sort_dir='desc', limit=limit,
        marker=marker))


def template_validate(request, **spec):
    return heatclient(request).stacks.validate(**spec)


def stack_create(request, name, template_id, **spec):
    """Create a cluster stack tagged as ours; returns its id."""
    tags = ','.join((CLUSTER_TAG, TEMPLATE_TAG_PREFIX + template_id))
    created = heatclient(request).stacks.create(
        stack_name=name, tags=tags, **spec)
    return created['stack']['id']


def stack_delete(request, stack_id):
    heatclient(request).stacks.delete(stack_id)


def is_conflict(error):
    """Heat's 409: a name in use, or a stack busy with another action."""
    return isinstance(error, heat_exc.HTTPConflict)


def delete_orphan(request, name):
    """Delete the cluster a failed create call may have left behind.

    A create whose answer was lost (a timeout, a dropped connection) may
    still have made the stack. Heat names are unique per project and the
    create was not refused as a duplicate, so a cluster of that name now is
    that call's.
    """
    client = heatclient(request)
    try:
        for stack in client.stacks.list(filters={'name': name},
                                        tags=CLUSTER_TAG):
            client.stacks.delete(stack.id)
    except Exception:
        LOG.exception('Could not delete the stack a failed launch of %s '
                      'may have left', name)


def stack_update_existing(request, stack_id):
    """Update the cluster with its own template and parameters: Heat
    replaces every resource marked unhealthy."""
    heatclient(request).stacks.update(stack_id, existing=True)


def resource_signal(request, stack_id, resource_name):
    """Signal a resource, e.g. a scaling policy to apply itself."""
    heatclient(request).resources.signal(stack_id, resource_name)
