"""Zaqar: the units' queues and their subscriptions."""

from horizon.utils.memoized import memoized
from zaqarclient.queues import client as zaqar_client

from heal_dashboard.api import session

SERVICE_TYPE = 'messaging'


@memoized
def zaqarclient(request):
    return zaqar_client.Client(
        url=session.endpoint(request, SERVICE_TYPE), version=2,
        session=session.for_service(request, SERVICE_TYPE))


def queue_names(request):
    """Names of the project's queues (one listing, paged by the client)."""
    return [queue.name for queue in zaqarclient(request).queues()]
