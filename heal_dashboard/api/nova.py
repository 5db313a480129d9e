"""Nova: the units' servers, in one list call.

Horizon's own nova API re-authenticates for each client it builds (a new
token, which Nova then validates): ~400 ms a page here against ~80 ms for the
list itself. This client sends the user's token, as the plugin's others do.
"""

from horizon.utils.memoized import memoized
from novaclient import client as nova_client

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
