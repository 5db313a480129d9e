"""Soak the local cloud: stop / start it N times, and after every start ask
each API for an authenticated answer and heal one real server of a cluster
launched before the cycles began.

  python -m devcloud.soak N [--wipe-at 1,6]   (make soak N=10)

Cycles named in --wipe-at start from a wiped state directory (a first
start: the Mistral hang of issue 12 came on one) and launch the cluster
anew. A start that does not return in time, or a check that fails, has the
threads of every service's processes dumped with py-spy into
.devcloud/log/soak-<cycle>-py-spy.txt. Prints one row a cycle, the pass
count and the median start times.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid

from devcloud import compute
from devcloud import layout
from devcloud import process
from devcloud import readiness
from devcloud import services

START_SECONDS = 600
HEAL_SECONDS = 120


def devcloud(command, timeout):
    """python -m devcloud <command>; (seconds, exit code or None if it did
    not return in time)."""
    began = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, '-m', 'devcloud', command], cwd=layout.REPO,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            timeout=timeout, check=False)
        code = result.returncode
    except subprocess.TimeoutExpired:
        code = None
    return time.monotonic() - began, code


def dump_threads(cycle):
    """Every service process's threads, for a start that hung."""
    path = os.path.join(layout.LOG_DIR, 'soak-%d-py-spy.txt' % cycle)
    with open(path, 'w', encoding='utf-8') as out:
        for service in services.all_services():
            pgid = service.running_pid()
            if not pgid:
                continue
            for pid in process.group_pids(pgid):
                out.write('== %s pid %d\n' % (service.name, pid))
                out.flush()
                subprocess.run([os.path.join(layout.VENV, 'bin', 'py-spy'),
                                'dump', '--pid', str(pid)], stdout=out,
                               stderr=subprocess.STDOUT, timeout=30,
                               check=False)
    return path


def clients():
    from heatclient import client as heat_client
    from novaclient import client as nova_client
    session = layout.session_for(layout.DEMO)
    return (heat_client.Client('1', session=session),
            nova_client.Client('2.1', session=session))


def launch_cluster(size=2, real=True, prefix='soak'):
    """A fixed-size cluster as the demo user, of real servers (or of
    stand-ins); its id once created."""
    from heal_dashboard import template_bundle
    heat, _nova = clients()
    bundled = template_bundle.load()
    fixed = bundled.get('fixed')
    parameters = {'cluster_size': size, 'alarm_cache_seconds': 0}
    if real:
        parameters.update(
            image=compute.IMAGE, flavor=compute.FLAVOR['name'],
            key_name=compute.KEY_PAIR, network=compute.NETWORK,
            subnet=compute.SUBNET['name'])
    spec = bundled.launch_spec(
        fixed, {'compute', 'image', 'network'} if real else set())
    spec['parameters'] = parameters
    created = heat.stacks.create(
        stack_name='%s-%s' % (prefix, uuid.uuid4().hex[:6]), timeout_mins=10,
        tags='heal-dashboard,heal-template=fixed,heal-launch=%s'
        % uuid.uuid4().hex, **spec)
    cluster_id = created['stack']['id']
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = heat.stacks.get(cluster_id).stack_status
        if status == 'CREATE_COMPLETE':
            return cluster_id
        if status.endswith('FAILED'):
            raise process.DevcloudError('the %s cluster failed: %s'
                                        % (prefix, status))
        time.sleep(2)
    raise process.DevcloudError('the %s cluster was not created in time'
                                % prefix)


def unit_server(heat, cluster_id, unit):
    group = heat.resources.get(cluster_id, 'units')
    stack_id = heat.resources.get(group.physical_resource_id,
                                  unit).physical_resource_id
    server = heat.resources.get(stack_id, 'server')
    return stack_id, server.physical_resource_id


def heal_one(cluster_id, unit):
    """Delete the unit's server through Nova; seconds until the unit has a
    new ACTIVE server and its stack has settled, or None."""
    heat, nova = clients()
    stack_id, old = unit_server(heat, cluster_id, unit)
    began = time.monotonic()
    nova.servers.delete(old)
    while time.monotonic() - began < HEAL_SECONDS:
        try:
            _stack, new = unit_server(heat, cluster_id, unit)
            settled = heat.stacks.get(stack_id).stack_status == \
                'UPDATE_COMPLETE'
            if new != old and settled and \
                    nova.servers.get(new).status == 'ACTIVE':
                return time.monotonic() - began
        except Exception:  # a unit being replaced answers 404 meanwhile
            pass
        time.sleep(1)
    return None


def cycle(number, wipe, cluster_id):
    """One stop / start / check / heal; (row, cluster id)."""
    devcloud('stop', 120)
    if wipe:
        shutil.rmtree(layout.STATE, ignore_errors=True)
    seconds, code = devcloud('start', START_SECONDS)
    row = {'cycle': number, 'start': 'first' if wipe else 'warm',
           'seconds': seconds, 'heal': None, 'problem': ''}
    if code != 0:
        row['problem'] = ('start hung' if code is None
                          else 'start failed (exit %d)' % code)
        row['problem'] += '; threads: %s' % dump_threads(number)
        return row, cluster_id
    found = readiness.problems(services.has_compute())
    if found:
        row['problem'] = '; '.join('%s: %s' % (name, problem)
                                   for name, (_o, problem) in found.items())
        row['problem'] += '; threads: %s' % dump_threads(number)
        return row, cluster_id
    if wipe or cluster_id is None:
        cluster_id = launch_cluster()
    try:
        row['heal'] = heal_one(cluster_id, str(number % 2))
    except Exception as error:  # e.g. a unit left broken by a cycle before
        row['problem'] = 'heal: %s: %s' % (type(error).__name__, error)
        return row, cluster_id
    if row['heal'] is None:
        row['problem'] = 'the unit was not healed in %d s' % HEAL_SECONDS
    return row, cluster_id


def main(argv=None):
    parser = argparse.ArgumentParser(prog='devcloud.soak',
                                     description=__doc__.split('\n')[0])
    parser.add_argument('cycles', type=int)
    parser.add_argument('--wipe-at', default='1',
                        help='cycles that start from a wiped state')
    args = parser.parse_args(argv)
    wipe_at = {int(c) for c in args.wipe_at.split(',') if c}
    if not services.has_compute():
        print('soak: the compute tier is not installed (make cloud)')
        return 1
    cluster_id = None
    rows = []
    print('%5s %-6s %8s %8s  %s' % ('cycle', 'start', 'start s', 'heal s',
                                     'problem'), flush=True)
    for number in range(1, args.cycles + 1):
        row, cluster_id = cycle(number, number in wipe_at, cluster_id)
        rows.append(row)
        print('%5d %-6s %8.1f %8s  %s' % (
            row['cycle'], row['start'], row['seconds'],
            '%.1f' % row['heal'] if row['heal'] else '-',
            row['problem'] or 'ok'), flush=True)
    passed = [r for r in rows if not r['problem']]
    print('\n%d/%d cycles passed' % (len(passed), len(rows)))
    for kind in ('first', 'warm'):
        starts = [r['seconds'] for r in rows if r['start'] == kind]
        if starts:
            print('%s starts: median %.1f s (%d)' % (
                kind, statistics.median(starts), len(starts)))
    heals = [r['heal'] for r in passed]
    if heals:
        print('heals (server delete -> new server ACTIVE, unit settled): '
              'median %.1f s' % statistics.median(heals))
    return 0 if len(passed) == len(rows) else 1


if __name__ == '__main__':
    sys.exit(main())
