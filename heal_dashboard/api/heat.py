"""Heat: the clusters are stacks, the units their nested stacks."""

import logging

from django.core.cache import cache
from heatclient import client as heat_client
from heatclient import exc as heat_exc
from horizon import exceptions as horizon_exceptions
from horizon.utils.memoized import memoized

from heal_dashboard import health
from heal_dashboard import records
from heal_dashboard.api import session

LOG = logging.getLogger(__name__)

SERVICE_TYPE = 'orchestration'

# Every stack the plugin launches carries this tag, the template's id in a
# second tag and its launch's own marker in a third, so clusters are found
# by tag, never by name.
CLUSTER_TAG = 'heal-dashboard'
TEMPLATE_TAG_PREFIX = 'heal-template='
LAUNCH_TAG_PREFIX = 'heal-launch='


@memoized
def heatclient(request):
    return heat_client.Client(
        '1', session=session.for_service(request, SERVICE_TYPE),
        service_type=SERVICE_TYPE)


# Heat answers a stack named by its id alone with a redirect to
# <name>/<id> (a lookup in its database, then a second round trip), and
# heatclient asks for that redirect first before a resource's show, mark or
# signal: a call more before each of them, at every tick of the Units tab.
# A stack's name never changes, so each worker keeps it once it has seen it.
STACK_NAME_SECONDS = 24 * 3600


def _name_key(stack_id):
    return 'heal-dashboard-stack-name-%s' % stack_id


def stack_path(stack_id):
    """Heat's own path of the stack, <name>/<id>, once its name is known;
    the id alone before."""
    if '/' in stack_id:
        return stack_id
    try:
        name = cache.get(_name_key(stack_id))
    except Exception:  # a cache that fails (memcached down) is a miss
        name = None
    return '%s/%s' % (name, stack_id) if name else stack_id


def _remember_names(stacks):
    try:
        cache.set_many({_name_key(stack.id): stack.stack_name
                        for stack in stacks if stack.stack_name},
                       STACK_NAME_SECONDS)
    except Exception:  # a cache that fails is no reason to fail the page
        LOG.warning('heal-dashboard: the cache did not keep stack names')
    return stacks


def _stacks(stacks):
    return [records.Stack.of(stack.to_dict()) for stack in stacks]


def _events(events):
    return [records.Event.of(event.to_dict()) for event in events]


def template_id_of(stack):
    """The bundled template a cluster was launched from, from its tags."""
    for tag in stack.tags or ():
        if tag.startswith(TEMPLATE_TAG_PREFIX):
            return tag[len(TEMPLATE_TAG_PREFIX):]
    return None


def clusters_list(request):
    """The project's clusters, newest first."""
    return _remember_names(_stacks(heatclient(request).stacks.list(
        tags=CLUSTER_TAG, sort_keys='created_at', sort_dir='desc')))


def nested_stacks_list(request):
    """Every stack of the project, nested ones included (one call).

    The units of all clusters are nested stacks: listing them once lets the
    cluster list count units without a call per cluster.
    """
    return _stacks(heatclient(request).stacks.list(show_nested=True))


def stack_get(request, stack_id):
    stack = records.Stack.of(heatclient(request).stacks.get(
        stack_path(stack_id)).to_dict())
    _remember_names([stack])
    return stack


def cluster_get(request, cluster_id):
    """The cluster of that id in the user's project: a stack this plugin
    launched (tagged) whose project (Heat's OS::project_id) is the one the
    user is working in. Any other stack is NotFound, although Heat lets an
    admin read every project's stacks by id."""
    stack = stack_get(request, cluster_id)
    project = (stack.parameters or {}).get('OS::project_id')
    if (CLUSTER_TAG not in (stack.tags or ())
            or project != request.user.project_id):
        raise horizon_exceptions.NotFound(
            'Stack %s is not a cluster of this project' % cluster_id)
    return stack


def resources_list(request, stack_id, nested_depth=2):
    """Every resource of a cluster down to its units' parts, in one
    call."""
    return [records.Resource.of(resource.to_dict()) for resource in heatclient(
        request).resources.list(stack_path(stack_id),
                             nested_depth=nested_depth)]


def events_list(request, stack_id, limit, marker=None, nested_depth=2):
    """A page of a stack's events, its nested stacks' included (a
    cluster's: its units'), newest first."""
    return _events(heatclient(request).events.list(
        stack_path(stack_id), nested_depth=nested_depth, sort_dir='desc',
        limit=limit, marker=marker))


def first_failure(request, stack_id):
    """The stack's first resource failure (the root cause of a failed
    create, which a rollback's reason hides), or None. Heat carries a
    nested resource's reason up to its top-level resource (and filters
    nothing with nested_depth)."""
    failures = heatclient(request).events.list(
        stack_path(stack_id), sort_dir='asc', limit=1,
        filters={'resource_status': 'FAILED'})
    return next(iter(_events(failures)), None)


def template_validate(request, **spec):
    return heatclient(request).stacks.validate(**spec)


def stack_create(request, name, template_id, launch_id, **spec):
    """Create a cluster stack tagged as ours, and as made by this launch
    (`launch_id`, unique to it); returns its id."""
    tags = ','.join((CLUSTER_TAG, TEMPLATE_TAG_PREFIX + template_id,
                     LAUNCH_TAG_PREFIX + launch_id))
    created = heatclient(request).stacks.create(
        stack_name=name, tags=tags, **spec)
    return created['stack']['id']


def stack_delete(request, stack_id):
    heatclient(request).stacks.delete(stack_id)


def is_conflict(error):
    """Heat's 409: a name in use, or a stack busy with another action."""
    return isinstance(error, heat_exc.HTTPConflict)


def delete_orphan(request, launch_id):
    """Delete the cluster a failed create call may have left behind.

    A create whose answer was lost (a timeout, a dropped connection) may
    still have made the stack, or may have been refused: a cluster of the
    same name may be another, older one. Only a stack carrying this
    launch's own marker is this call's.
    """
    client = heatclient(request)
    try:
        for stack in client.stacks.list(tags=','.join((
                CLUSTER_TAG, LAUNCH_TAG_PREFIX + launch_id))):
            client.stacks.delete(stack.id)
    except Exception:
        LOG.exception('Could not delete the stack launch %s may have left',
                      launch_id)


def stack_update_existing(request, stack_id, parameters=None):
    """Update the cluster with its own template and parameters (and these,
    changed): Heat replaces every resource marked unhealthy."""
    heatclient(request).stacks.update(stack_path(stack_id), existing=True,
                                      parameters=parameters or {})


def resource_mark_unhealthy(request, stack_id, resource_name, reason):
    """Mark a resource unhealthy: the stack's next update replaces it."""
    heatclient(request).resources.mark_unhealthy(
        stack_path(stack_id), resource_name, True, reason)


def resource_signal(request, stack_id, resource_name, reason):
    """Signal a resource, e.g. a scaling policy to apply itself, with
    `reason` for Heat's event. Heat writes a signal's words into its event
    only in an alarm's shape (any other body reads "Unknown"): "alarm
    state changed from person to alarm (<reason>)", a state no alarm
    has."""
    heatclient(request).resources.signal(
        stack_path(stack_id), resource_name, data={
            'previous': health.SIGNAL_BY_PERSON, 'current': 'alarm',
            'reason': reason})


def resource_metadata(request, stack_id, resource_name):
    """A resource's metadata: a scaling group's holds Heat's cooldown
    record."""
    return heatclient(request).resources.metadata(stack_path(stack_id),
                                                  resource_name)


def stack_template(request, stack_id):
    """The template a stack runs, as Heat holds it."""
    return heatclient(request).stacks.template(stack_path(stack_id))


def scaling_signals(request, stack_id, limit=20):
    """The stack's own scaling policies' signal events (those Heat acted
    on: it records none for a signal it ignores), newest first."""
    return _events(heatclient(request).events.list(
        stack_path(stack_id), sort_dir='desc', limit=limit, filters={
            'resource_type': 'OS::Heat::ScalingPolicy',
            'resource_action': 'SIGNAL'}))
