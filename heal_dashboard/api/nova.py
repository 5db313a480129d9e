"""Nova: the units' servers, in one list call; when a server was built.

Horizon's own nova API re-authenticates for each client it builds (a new
token, which Nova then validates): ~400 ms a page here against ~80 ms for the
list itself. This client sends the user's token, as the plugin's others do.
"""

from horizon.utils.memoized import memoized
from novaclient import client as nova_client
from novaclient import exceptions as nova_exceptions

from heal_dashboard import records
from heal_dashboard.api import session

SERVICE_TYPE = 'compute'


@memoized
def novaclient(request):
    return nova_client.Client(
        '2.1', session=session.for_service(request, SERVICE_TYPE))


def servers_list(request):
    """The project's servers, {id: server}, in one call."""
    return {server.id: records.Server.of(server.to_dict())
            for server in novaclient(request).servers.list()}


@memoized
def actions_client(request):
    # 2.51: an instance action's events, shown to its project.
    return nova_client.Client(
        '2.51', session=session.for_service(request, SERVICE_TYPE))


def server_built_at(request, server_id):
    """When Nova finished building the server (see built_at)."""
    return built_at(actions_client(request), server_id)


def built_at(client, server_id):
    """When Nova finished building the server (its create action's build
    event: it ends just after Nova set the server ACTIVE), as Nova wrote
    it, to the microsecond (a server's launched_at is to the second). None
    for a server Nova does not know (a stand-in's) or not built. client:
    a Nova client at microversion 2.51 or later."""
    try:
        creates = [action for action in client.instance_action.list(server_id)
                   if action.action == 'create']
        if not creates:
            return None
        events = client.instance_action.get(
            server_id, creates[0].request_id).events
    except nova_exceptions.NotFound:
        return None
    return max((event['finish_time'] for event in events
                if event['event'] == 'compute__do_build_and_run_instance'
                and event.get('finish_time')), default=None)
