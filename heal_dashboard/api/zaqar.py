"""Zaqar: the units' queues and their subscriptions."""

from horizon.utils.memoized import memoized
from requests import adapters
from zaqarclient.queues.v2 import client as zaqar_v2

from heal_dashboard import records
from heal_dashboard.api import session

SERVICE_TYPE = 'messaging'


class _BudgetAdapter(adapters.HTTPAdapter):
    """Gives each call what is left of the request's time budget."""

    def __init__(self, request):
        super().__init__()
        self._request = request

    def send(self, prepared, **kwargs):
        if kwargs.get('timeout') is None:
            kwargs['timeout'] = session.remaining(self._request)
        return super().send(prepared, **kwargs)


class _BoundedClient(zaqar_v2.Client):
    """python-zaqarclient sends its calls through a requests session of its
    own, without a timeout (the keystoneauth session only authenticates):
    a hung Zaqar would hang the page for ever. Each transport it makes gets
    the request's budget."""

    def __init__(self, request, **kwargs):
        self._budget = _BudgetAdapter(request)
        super().__init__(**kwargs)

    def _get_transport(self, zaqar_request):
        transport = super()._get_transport(zaqar_request)
        for prefix in ('http://', 'https://'):
            transport.client.session.mount(prefix, self._budget)
        return transport


@memoized
def zaqarclient(request):
    return _BoundedClient(
        request, url=session.endpoint(request, SERVICE_TYPE), version=2,
        session=session.for_service(request, SERVICE_TYPE))


def queue_state(request, name):
    """Messages waiting in a queue and its subscriptions (two calls: Zaqar
    has no bulk form of either)."""
    client = zaqarclient(request)
    stats = client.queue(name, auto_create=False).stats
    return records.QueueInfo(
        name=name, messages=stats['messages']['total'],
        subscriptions=[records.Subscription(
            id=s.id, subscriber=s.subscriber, confirmed=s.confirmed)
            for s in client.subscriptions(name)])


def queue_messages(request, name, limit=20):
    """The messages waiting in a queue (the alarms' notifications), with
    their bodies and ages in seconds."""
    queue = zaqarclient(request).queue(name, auto_create=False)
    return [records.Message(id=m.id, body=m.body, age=m.age)
            for m in queue.messages(limit=limit)]
