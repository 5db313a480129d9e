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


def queue_state(request, name):
    """Messages waiting in a queue and its subscriptions (two calls: Zaqar
    has no bulk form of either)."""
    client = zaqarclient(request)
    stats = client.queue(name, auto_create=False).stats
    return {
        'messages': stats['messages']['total'],
        'subscriptions': [
            {'id': s.id, 'subscriber': s.subscriber,
             'confirmed': s.confirmed}
            for s in client.subscriptions(name)],
    }


def queue_messages(request, name, limit=20):
    """The messages waiting in a queue (the alarms' notifications), with
    their bodies and ages in seconds."""
    queue = zaqarclient(request).queue(name, auto_create=False)
    return [{'id': m.id, 'body': m.body, 'age': m.age}
            for m in queue.messages(limit=limit)]
