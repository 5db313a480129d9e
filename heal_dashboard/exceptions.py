"""Service errors, sorted for Horizon's exceptions.handle (ADD_EXCEPTIONS).

Imported by the enabled file while Django's settings load: no Horizon
imports here."""

from aodhclient import exceptions as aodh_exc
from heatclient import exc as heat_exc
from keystoneauth1 import exceptions as ks_exc
from mistralclient.api import base as mistral_base
from novaclient import exceptions as nova_exc
from octaviaclient.api import exceptions as octavia_exc
from zaqarclient import errors as zaqar_errors
from zaqarclient.transport import errors as zaqar_transport

UNAUTHORIZED = (
    heat_exc.HTTPUnauthorized,
    aodh_exc.Unauthorized,
    zaqar_transport.UnauthorizedError,
)

NOT_FOUND = (
    heat_exc.HTTPNotFound,
    aodh_exc.NotFound,
    zaqar_transport.ResourceNotFound,
)

RECOVERABLE = (
    heat_exc.HTTPException,
    aodh_exc.ClientException,
    mistral_base.APIException,
    zaqar_errors.ZaqarError,
    nova_exc.ClientException,
    octavia_exc.OctaviaClientException,
    # A service that is down or slow: the page degrades instead of failing.
    ks_exc.ConnectionError,
    ks_exc.HttpError,
)

# What a service's failure raises through its client (keystoneauth's
# base class covers a missing endpoint and a failed discovery too).
SERVICE_ERRORS = RECOVERABLE + (ks_exc.ClientException,)
