"""What an event alarm fired for, from Aodh's own record of it."""

import json
import re


# Aodh's reason for an event alarm's firing names the event and the query
# it hit, hence the server: the one record of what the alarm last fired for
# (the evaluator moves neither state_timestamp nor timestamp when it fires).
_EVENT_REASON = re.compile(
    r'^Event <id=[^,]*,event_type=([^>]*)> hits the query <query=(.*)>\.$',
    re.DOTALL)


def watched_server(query):
    """The server an event alarm's query names (traits.instance_id)."""
    return next((condition.get('value') for condition in query or ()
                 if isinstance(condition, dict)
                 and condition.get('field') == 'traits.instance_id'), None)


def alarm_reason(reason):
    """(event type, server) of Aodh's reason for an event alarm's firing;
    (None, None) for any other reason (never fired, set by hand)."""
    match = _EVENT_REASON.match(reason or '')
    if not match:
        return None, None
    try:
        query = json.loads(match.group(2))
    except ValueError:
        return match.group(1), None
    return match.group(1), watched_server(query)
