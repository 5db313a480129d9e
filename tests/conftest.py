"""Fixtures the cloud tiers share (integration and browser): each tier's
conftest makes the session ones apply to its tests; the unit tier uses
none. The cloud's modules are imported where used, so that the unit tier
collects without them."""

import pytest
from django.test.utils import override_settings


@pytest.fixture(scope='session')
def patient_calls():
    """The tests' own calls may wait longer than a page's: Heat's one
    engine, busy deleting the clusters of earlier tests, has taken more
    than a page's 10 s to answer a stack read."""
    with override_settings(HEAL_DASHBOARD_API_TIMEOUT=30):
        yield


@pytest.fixture(scope='session')
def cloud_is_up():
    from devcloud import process
    for port in (5000, 8004, 8989, 8888, 8042):
        if not process.port_open(port):
            pytest.fail('the local cloud is not running (port %d): '
                        'python -m devcloud start' % port)


@pytest.fixture
def demo_request():
    from devcloud import layout
    from tests.integration.conftest import horizon_request
    return horizon_request(layout.DEMO)


@pytest.fixture
def demo_cluster(demo_request):
    from tests.integration.conftest import launched_cluster
    yield from launched_cluster(demo_request, size=2)


@pytest.fixture(scope='module')
def real_cluster():
    """Three real servers (Nova's fake driver) in a real Octavia pool, as
    the demo user: nothing stands in."""
    from devcloud import layout
    from devcloud import services
    from tests.integration.conftest import BUNDLED
    from tests.integration.conftest import available
    from tests.integration.conftest import horizon_request
    from tests.integration.conftest import launched_cluster
    if not services.has_compute():
        pytest.skip('the local cloud has no compute tier')
    request = horizon_request(layout.DEMO)
    assert BUNDLED.standins_for(available(request)) == []
    yield from launched_cluster(request, size=3)
