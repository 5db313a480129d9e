"""Is the local cloud really up? An authenticated answer from every API.

An open port says nothing: a Mistral whose every authenticated request hung
had its port open. Each check here is a real call with the admin's token
(a token, a stack list, a workflow list, ...) bounded by a timeout, and
compute is up only when Nova reports nova-compute up with a hypervisor: the
scheduler's view, so a server launched right after "Up" can be scheduled.
"""

import concurrent.futures
import socket
import time

from devcloud import layout

CALL_TIMEOUT = 10

# (check name, the services that answer it, service type, path, headers)
API_CHECKS = (
    ('heat: stack list', ('heat-api', 'heat-engine'), 'orchestration',
     '/stacks?limit=1', {}),
    ('mistral: workflow list', ('mistral-api',), 'workflowv2',
     '/workflows?limit=1', {}),
    # Zaqar refuses requests without a client id.
    ('zaqar: queue list', ('zaqar',), 'messaging', '/v2/queues?limit=1',
     {'Client-ID': '5bd8c4b6-5a46-4c0b-9a3a-0de7c10ad000'}),
    ('aodh: alarm list', ('aodh-api',), 'alarming', '/v2/alarms', {}),
)
COMPUTE_CHECKS = (
    ('nova: server list', ('nova-api', 'nova-conductor'), 'compute',
     '/servers?limit=1', {}),
    ('glance: image list', ('glance-api',), 'image', '/v2/images?limit=1',
     {}),
    ('neutron: port list', ('neutron-api',), 'network',
     '/v2.0/ports?limit=1', {}),
    ('placement: providers', ('placement-api',), 'placement',
     '/resource_providers', {}),
    ('gnocchi: archive policies', ('gnocchi-api',), 'metric',
     '/v1/archive_policy', {}),
    ('octavia: load balancer list', ('octavia-api',), 'load-balancer',
     '/v2/lbaas/loadbalancers?limit=1', {}),
)


def _call(session, service_type, path, headers):
    response = session.get(
        path, endpoint_filter={'service_type': service_type,
                               'interface': 'public',
                               'region_name': layout.REGION},
        headers=headers, timeout=CALL_TIMEOUT, raise_exc=False)
    if response.status_code >= 300:
        return 'HTTP %d' % response.status_code
    return None


def _compute_schedulable(session):
    """None when nova-compute is up to the scheduler and its node mapped;
    else what is missing."""
    endpoint = {'service_type': 'compute', 'interface': 'public',
                'region_name': layout.REGION}
    services = session.get('/os-services?binary=nova-compute',
                           endpoint_filter=endpoint, timeout=CALL_TIMEOUT,
                           raise_exc=False)
    if services.status_code != 200:
        return 'services: HTTP %d' % services.status_code
    states = [s['state'] for s in services.json()['services']]
    if 'up' not in states:
        return 'nova-compute is %s to the scheduler' % (
            ', '.join(states) or 'unknown')
    nodes = session.get('/os-hypervisors', endpoint_filter=endpoint,
                        timeout=CALL_TIMEOUT, raise_exc=False)
    if nodes.status_code != 200 or not nodes.json()['hypervisors']:
        return 'no hypervisor mapped'
    return None


def _metricd_processing(session):
    """None when Gnocchi reports a metricd processor: without one, new
    measures are never aggregated and no scaling alarm sees them."""
    status = session.get('/v1/status?details=false', endpoint_filter={
        'service_type': 'metric', 'interface': 'public',
        'region_name': layout.REGION}, timeout=CALL_TIMEOUT, raise_exc=False)
    if status.status_code != 200:
        return 'status: HTTP %d' % status.status_code
    if not status.json().get('metricd', {}).get('processors'):
        return 'no metricd processor'
    return None


def _memcached(session):
    """None when the token cache answers its protocol's version command
    (keystonemiddleware would otherwise, silently, ask Keystone every
    time)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CALL_TIMEOUT)
        sock.connect(layout.MEMCACHED_SOCKET)
        sock.sendall(b'version\r\n')
        answer = sock.recv(64)
    return None if answer.startswith(b'VERSION ') else (
        'answered %r' % answer[:30])


def checks(with_compute):
    """[(name, services, function(session) -> problem or None)]."""
    found = [('keystone: token', ('keystone',),
              lambda session: None if session.get_token() else 'no token'),
             ('memcached: version', ('memcached',), _memcached)]
    for name, owners, service_type, path, headers in API_CHECKS + (
            COMPUTE_CHECKS if with_compute else ()):
        found.append((name, owners, lambda session, t=service_type, p=path,
                      h=headers: _call(session, t, p, h)))
    if with_compute:
        found.append(('nova-compute: schedulable', ('nova-compute',),
                      _compute_schedulable))
        found.append(('gnocchi-metricd: processing', ('gnocchi-metricd',),
                      _metricd_processing))
    found.append(('horizon: login page', ('horizon',), _horizon))
    return found


def _horizon(session):
    response = session.get(layout.DASHBOARD_URL + 'auth/login/',
                           authenticated=False, timeout=CALL_TIMEOUT,
                           raise_exc=False)
    return None if response.status_code == 200 else (
        'HTTP %d' % response.status_code)


def problems(with_compute):
    """{check name: (owning services, problem)} for every check that does
    not answer right now; all checks run at once."""
    session = layout.session_for(layout.ADMIN)
    found = {}
    listed = checks(with_compute)
    with concurrent.futures.ThreadPoolExecutor(len(listed)) as pool:
        futures = {pool.submit(check, session): (name, owners)
                   for name, owners, check in listed}
        for future, (name, owners) in futures.items():
            try:
                problem = future.result()
            except Exception as error:  # any failure is the answer
                problem = '%s: %s' % (type(error).__name__, error)
            if problem:
                found[name] = (owners, problem)
    return found


def wait(with_compute, timeout):
    """Until every check passes or the timeout; what still fails."""
    deadline = time.monotonic() + timeout
    while True:
        found = problems(with_compute)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(1)
