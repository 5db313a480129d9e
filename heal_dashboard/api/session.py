"""keystoneauth sessions built from the Horizon request.

Every client of this plugin talks to its service with the user's token and the
endpoint the service catalog gives for the user's region and the configured
interface (OPENSTACK_ENDPOINT_TYPE, falling back to SECONDARY_ENDPOINT_TYPE),
over TLS verified as OPENSTACK_SSL_NO_VERIFY / OPENSTACK_SSL_CACERT say.

One time budget per request, not per call: every call a page makes, to any
service, gets what is left of HEAL_DASHBOARD_API_TIMEOUT since the page's
first call, so a page whose services hang answers within about that time,
however many rounds of calls it makes.
"""

import time

from django.conf import settings
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from openstack_dashboard.api import base

# Seconds a page's calls may take in all: a slow service degrades the page
# instead of hanging it.
DEFAULT_TIMEOUT = 10
# A call made once the budget is spent still gets this long (it fails fast
# rather than not being tried).
LAST_CALL_SECONDS = 0.5


def verify():
    if getattr(settings, 'OPENSTACK_SSL_NO_VERIFY', False):
        return False
    return getattr(settings, 'OPENSTACK_SSL_CACERT', None) or True


def timeout():
    return getattr(settings, 'HEAL_DASHBOARD_API_TIMEOUT', DEFAULT_TIMEOUT)


# A request that is no page (a script's, a test's, living for minutes) may
# set its heal_deadline to this: each of its calls gets the whole timeout.
PER_CALL = 'per call'


def for_an_action(request):
    """From here on each of the request's calls gets the whole timeout: a
    form's action (a create, an update) must not be left with what its
    checks did not spend. A launch whose create had 0.5 s left timed out
    after Heat had accepted it: the person was told it failed, and the
    launch deleted the cluster it had made."""
    request.heal_deadline = PER_CALL


def deadline(request):
    """When the request's time budget ends (set by its first call)."""
    if getattr(request, 'heal_deadline', None) is None:
        request.heal_deadline = time.monotonic() + timeout()
    return request.heal_deadline


def remaining(request):
    """Seconds left of the request's budget for the next call."""
    if deadline(request) == PER_CALL:
        return timeout()
    return max(LAST_CALL_SECONDS, deadline(request) - time.monotonic())


class BudgetedSession(ks_session.Session):
    """A session whose every call gets what is left of its request's
    budget (keystoneauth applies `timeout` to each call)."""

    def __init__(self, request, **kwargs):
        self._request = request
        super().__init__(**kwargs)

    @property
    def timeout(self):
        return remaining(self._request)

    @timeout.setter
    def timeout(self, _value):
        pass  # the budget decides


def endpoint(request, service_type):
    """The catalog's URL for the service; ServiceCatalogException if none."""
    return base.url_for(request, service_type)


def for_service(request, service_type):
    """A session that sends the user's token to the service's endpoint."""
    auth = token_endpoint.Token(endpoint(request, service_type),
                                request.user.token.id)
    deadline(request)
    return BudgetedSession(request, auth=auth, verify=verify())
