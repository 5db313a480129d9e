"""CPU load on a cluster's servers, stored in Gnocchi as a polling agent
would store it.

Ceilometer cannot poll the fake virt driver (its only inspector is
libvirt), so nothing measures the local cloud's servers. This does what
Ceilometer's compute agent and Gnocchi publisher would: every interval it
finds the servers whose `metering.server_group` metadata names the cluster
(the autoscaling template sets it; the scaling alarms query Gnocchi's
`instance` resources by it), keeps each one's `instance` resource, and adds
a measure of the cumulative `cpu` meter (nanoseconds of CPU time) that
grows at the given percentage of the server's vCPUs. The alarms' `rate:mean`
(the change between two consecutive points) turns it back into that
percentage, for a threshold of percent x granularity: so one measure per
granularity, as a real cloud polls (a point made of several measures of a
partly elapsed period would read low).

  python -m devcloud load CLUSTER --cpu 90 [--seconds 300] [--interval 60]

Servers that appear meanwhile (a scale-out) get the load from the next
interval on.
"""

import datetime
import json
import os
import time

from devcloud import compute
from devcloud import layout

NANOSECONDS = 10 ** 9
# Each server's cumulative CPU time, kept across runs: the meter must never
# go down, or its rate would read as a negative load.
STATE_FILE = layout.path('load-cpu.json')


def agent_session():
    """Ceilometer's service user, as its polling agent runs: Aodh counts a
    resource in a project's scaling alarm only if the service project
    created it for that project (or the project itself did)."""
    from devcloud import credentials
    return layout.session_for({
        'username': 'ceilometer', 'project': 'service',
        'password': credentials.get('service_password')})


def clients():
    """Nova and Gnocchi as the polling agent (it sees every project's
    servers)."""
    from gnocchiclient import client as gnocchi_client
    from novaclient import client as nova_client
    session = agent_session()
    return (nova_client.Client('2.47', session=session,
                               region_name=layout.REGION),
            gnocchi_client.Client('1', session=session, adapter_options={
                'region_name': layout.REGION}))


def cluster_id(cluster, user):
    """The cluster stack's id, from its name or id, as its owner sees it."""
    from heatclient import client as heat_client
    heat = heat_client.Client('1', session=layout.session_for(user),
                              region_name=layout.REGION)
    return heat.stacks.get(cluster).id


def group_servers(nova, stack_id):
    """The servers a polling agent would count in the cluster's group."""
    return [server for server in nova.servers.list(
        search_opts={'all_tenants': True})
        if server.metadata.get('metering.server_group') == stack_id
        and server.status == 'ACTIVE']


def instance_resource(server, stack_id):
    """The `instance` resource Ceilometer's publisher keeps for a server,
    its cpu metric in the local cloud's archive policy."""
    return {
        'id': server.id,
        'project_id': server.tenant_id,
        'user_id': server.user_id,
        'display_name': server.name,
        'flavor_id': server.flavor.get('original_name', ''),
        'flavor_name': server.flavor.get('original_name', ''),
        'host': getattr(server, 'OS-EXT-SRV-ATTR:host', None) or '',
        'image_ref': (server.image or {}).get('id', ''),
        'server_group': stack_id,
        'metrics': {'cpu': {
            'archive_policy_name': compute.ARCHIVE_POLICY['name']}},
    }


def next_cpu(previous, now, percent, vcpus):
    """(timestamp, cumulative CPU ns) after running at `percent` of each
    of `vcpus` since the previous measure; a new server starts at zero."""
    if previous is None:
        return now, 0
    then, cpu = previous
    elapsed = max(0.0, now - then)
    return now, cpu + int(elapsed * percent / 100.0 * vcpus * NANOSECONDS)


def _read_state():
    try:
        with open(STATE_FILE, encoding='utf-8') as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def _write_state(state):
    layout.write(STATE_FILE, json.dumps(state))


def push(gnocchi, servers, stack_id, percent, state, known):
    """One polling interval: a measure for every server (its resource
    created the first time); updates `state` and `known`."""
    from gnocchiclient import exceptions as gnocchi_exceptions
    now = time.time()
    measures = {}
    for server in servers:
        if server.id not in known:
            try:
                gnocchi.resource.create(
                    'instance', instance_resource(server, stack_id))
            except gnocchi_exceptions.ResourceAlreadyExists:
                pass
            known.add(server.id)
        vcpus = int(server.flavor.get('vcpus', 1))
        state[server.id] = next_cpu(state.get(server.id), now, percent,
                                    vcpus)
        measures[server.id] = {'cpu': [{
            'timestamp': datetime.datetime.fromtimestamp(
                now, datetime.timezone.utc).isoformat(),
            'value': state[server.id][1]}]}
    if measures:
        gnocchi.metric.batch_resources_metrics_measures(measures)
    return len(measures)


def run(stack_id, cluster, percent, seconds, interval):
    nova, gnocchi = clients()
    state = _read_state()
    known = set()
    deadline = time.monotonic() + seconds
    while True:
        servers = group_servers(nova, stack_id)
        count = push(gnocchi, servers, stack_id, percent, state, known)
        _write_state(state)
        print('%s  cpu %g%% on %d server%s of %s' % (
            time.strftime('%H:%M:%S'), percent, count,
            '' if count == 1 else 's', cluster), flush=True)
        if time.monotonic() + interval > deadline:
            return 0
        time.sleep(interval)


def add_parser(subparsers):
    parser = subparsers.add_parser(
        'load', help="store CPU load for a cluster's servers in Gnocchi")
    parser.add_argument('cluster', help='cluster stack name or id')
    parser.add_argument('--cpu', type=float, required=True,
                        help='percent of each server\'s vCPUs')
    parser.add_argument('--seconds', type=float, default=300,
                        help='how long to keep storing (default 300: '
                        'the alarms need two points past a threshold)')
    parser.add_argument('--interval', type=float, default=60,
                        help='seconds between measures: the metrics\' '
                        'granularity (default 60, the local cloud\'s)')
    parser.add_argument('--as-admin', action='store_true',
                        help='look the cluster up as the admin user')


def main(args):
    if not os.path.exists(compute.METRIC_INITIALISED):
        print('devcloud: this local cloud has no Gnocchi (make start adds '
              'it with the compute tier)')
        return 1
    stack_id = cluster_id(args.cluster,
                          layout.ADMIN if args.as_admin else layout.DEMO)
    return run(stack_id, args.cluster, args.cpu, args.seconds,
               args.interval)
