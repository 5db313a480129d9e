"""The integration tier: the plugin's api layer against the real local
cloud (python -m devcloud start; make test starts it)."""

import time

import pytest
from django.test import RequestFactory
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
from openstack_auth import user as auth_user

from devcloud import layout
from devcloud import process


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.integration)


@pytest.fixture(scope='session', autouse=True)
def cloud_is_up():
    for port in (5000, 8004, 8989, 8888, 8042):
        if not process.port_open(port):
            pytest.fail('the local cloud is not running (port %d): '
                        'python -m devcloud start' % port)


def login(user):
    auth = v3.Password(
        auth_url=layout.KEYSTONE_URL + '/v3', username=user['username'],
        password=user['password'], project_name=user['project'],
        user_domain_id='default', project_domain_id='default')
    session = ks_session.Session(auth=auth)
    return session, auth.get_access(session)


def horizon_request(user):
    """A request as Horizon has it after the user logged in: the real
    token and service catalog, for the plugin's api functions."""
    session, access = login(user)
    request = RequestFactory().get('/')
    request.session = {}
    request.user = auth_user.create_user_from_token(
        request, auth_user.Token(access), layout.KEYSTONE_URL + '/v3',
        services_region=layout.REGION)
    return request


@pytest.fixture(params=['demo', 'admin'])
def request_as(request):
    """The plugin's request, as the non-admin demo user and as admin."""
    user = layout.DEMO if request.param == 'demo' else layout.ADMIN
    return horizon_request(user)


@pytest.fixture
def demo_request():
    return horizon_request(layout.DEMO)


def wait_for(predicate, timeout, interval=0.5, what='condition'):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError('timed out after %ss waiting for %s'
                         % (timeout, what))
