"""Octavia: the members of a cluster's pool, in one call.

python-octaviaclient's API class (the one its OpenStack client commands
use) asks for exactly the URL; openstacksdk would first discover the API's
versions, a second call on every page.
"""

from horizon.utils.memoized import memoized
from octaviaclient.api.v2 import octavia

from heal_dashboard import records
from heal_dashboard.api import session

SERVICE_TYPE = 'load-balancer'


@memoized
def octaviaclient(request):
    return octavia.OctaviaAPI(
        session=session.for_service(request, SERVICE_TYPE),
        service_type=SERVICE_TYPE,
        endpoint=session.endpoint(request, SERVICE_TYPE))


def members_list(request, pool_id):
    """The pool's members, {member id: member}."""
    return {member['id']: records.Member.of(member) for member in
            octaviaclient(request).member_list(pool_id)['members']}
