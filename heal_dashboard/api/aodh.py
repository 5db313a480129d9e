"""Aodh: the units' event alarms and the scaling alarms."""

from aodhclient import client as aodh_client
from horizon.utils.memoized import memoized

from heal_dashboard.api import session

SERVICE_TYPE = 'alarming'


@memoized
def aodhclient(request):
    return aodh_client.Client(
        '2', session=session.for_service(request, SERVICE_TYPE))


def alarms_list(request):
    """All the project's alarms, in one call."""
    return aodhclient(request).alarm.list()
