"""keystoneauth sessions built from the Horizon request.

Every client of this plugin talks to its service with the user's token and the
endpoint the service catalog gives for the user's region and the configured
interface (OPENSTACK_ENDPOINT_TYPE, falling back to SECONDARY_ENDPOINT_TYPE),
over TLS verified as OPENSTACK_SSL_NO_VERIFY / OPENSTACK_SSL_CACERT say.
"""

from django.conf import settings
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from openstack_dashboard.api import base

# Seconds before a call to a service gives up: a slow service degrades the
# page instead of hanging it.
DEFAULT_TIMEOUT = 10


def verify():
    if getattr(settings, 'OPENSTACK_SSL_NO_VERIFY', False):
        return False
    return getattr(settings, 'OPENSTACK_SSL_CACERT', None) or True


def timeout():
    return getattr(settings, 'HEAL_DASHBOARD_API_TIMEOUT', DEFAULT_TIMEOUT)


def endpoint(request, service_type):
    """The catalog's URL for the service; ServiceCatalogException if none."""
    return base.url_for(request, service_type)


def for_service(request, service_type):
    """A session that sends the user's token to the service's endpoint."""
    auth = token_endpoint.Token(endpoint(request, service_type),
                                request.user.token.id)
    return ks_session.Session(auth=auth, verify=verify(), timeout=timeout())
