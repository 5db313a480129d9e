"""Aodh: the units' event alarms and the scaling alarms."""

import json

from aodhclient import client as aodh_client
from horizon.utils.memoized import memoized

from heal_dashboard import records
from heal_dashboard.api import session

SERVICE_TYPE = 'alarming'


@memoized
def aodhclient(request):
    return aodh_client.Client(
        '2', session=session.for_service(request, SERVICE_TYPE))


def alarms_list(request):
    """All the project's alarms, in one call."""
    return [records.Alarm.of(alarm)
            for alarm in aodhclient(request).alarm.list()]


def alarms_history(request, alarm_ids):
    """The state changes of these alarms, in one query, newest first."""
    if not alarm_ids:
        return []
    changes = aodhclient(request).alarm_history.search(
        query=json.dumps({'in': {'alarm_id': list(alarm_ids)}}))
    return sorted((records.AlarmChange.of(change) for change in changes),
                  key=lambda change: change.timestamp or '', reverse=True)


def alarm_set_enabled(request, alarm_id, enabled):
    """Switch an alarm's evaluation on or off (a GET and a PUT)."""
    aodhclient(request).alarm.update(alarm_id, {'enabled': enabled})
