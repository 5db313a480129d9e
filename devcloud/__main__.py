"""The local cloud: python -m devcloud {run,start,stop,status,with,fail}.

  run     start everything, print the logins, stop everything on Ctrl-C
  start   start what is not running yet, then return (tests use this)
  stop    stop everything started here
  restart stop and start the named services (e.g. horizon, after a change)
  status  what runs
  with    start what is needed, run a command, stop what this started
  fail    publish the compute event a unit's failure makes (see inject.py)
  load    store CPU load for a cluster's servers in Gnocchi (see load.py)
"""

import argparse
import concurrent.futures
import functools
import os
import signal
import subprocess
import sys
import time

from devcloud import bootstrap
from devcloud import compute
from devcloud import layout
from devcloud import process
from devcloud import readiness
from devcloud import services

INITIALISED = layout.path('initialised')


def timed(label, function, *args):
    began = time.monotonic()
    result = function(*args)
    print('  %-22s %5.1f s' % (label, time.monotonic() - began), flush=True)
    return result


def start_and_wait(service_list, meanwhile=None):
    """Start the services not running yet, run `meanwhile` while they
    boot, then wait for each; those started."""
    started = [s for s in service_list if process.start(s)]
    if meanwhile:
        meanwhile()
    for service in started:
        timed(service.name, process.wait_ready, service)
    return started


def prepare_horizon():
    env = dict(os.environ, HOME=layout.HOME)
    env.update(services.horizon_env())
    for command in (['collectstatic', '--noinput', '-v0'],
                    ['compress', '--force', '-v0']):
        result = subprocess.run(
            [services.venv_bin('django-admin')] + command, env=env,
            cwd=layout.STATE, capture_output=True, text=True, check=False)
        if result.returncode:
            raise process.DevcloudError('Horizon %s failed:\n%s' % (
                command[0], result.stderr[-2000:]))


def prepare_compute():
    """The compute tier's configuration and, the first time, its set-up:
    databases, service users and catalog entries one after another (they
    share Keystone's roles), then every schema at once. Run while the
    orchestration services start."""
    compute.write_configs()
    compute.data_dirs()
    schemas = []
    if not os.path.exists(compute.INITIALISED):
        compute.register()
        schemas.append(functools.partial(timed, 'compute dbs',
                                         compute.sync_databases))
    if not os.path.exists(compute.METRIC_INITIALISED):
        compute.register_metric()
        schemas.append(functools.partial(timed, 'gnocchi db',
                                         compute.sync_metric))
    first_load_balancer = not os.path.exists(
        compute.LOAD_BALANCER_INITIALISED)
    if first_load_balancer:
        compute.register_load_balancer()
        schemas.append(functools.partial(timed, 'octavia db',
                                         compute.sync_load_balancer))
    process.together(*schemas)
    if first_load_balancer:
        mark_done(compute.LOAD_BALANCER_INITIALISED)


def start_compute():
    """The compute tier (see compute.py), prepared: nova-compute once
    Placement answers, then its host mapped into the cell."""
    first = not os.path.exists(compute.INITIALISED)
    first_metric = not os.path.exists(compute.METRIC_INITIALISED)
    started = start_and_wait(services.compute_tier())
    started += start_and_wait([services.nova_compute()])
    timed('compute host', compute.map_compute_host)
    if first:
        timed('demo resources', compute.populate_demo)
        mark_done(compute.INITIALISED)
    if first_metric:
        timed('gnocchi resources', compute.populate_metric)
        mark_done(compute.METRIC_INITIALISED)
    return started


def mark_done(marker):
    with open(marker, 'w', encoding='utf-8') as f:
        f.write('ok\n')


def make_keystone_database():
    timed('databases', bootstrap.create_databases)
    timed('keystone db', bootstrap.sync_keystone)


def running():
    return [s for s in services.all_services() if s.running_pid()]


def start():
    """Start every service not running yet; the names of those started."""
    if len(running()) == len(services.all_services()):
        print('The local cloud is already running.')
        return []
    began = time.monotonic()
    os.makedirs(layout.STATE, exist_ok=True)
    first = not os.path.exists(INITIALISED)
    print('Starting the local cloud (%s):' % (
        'first start, initialising' if first else 'warm start'), flush=True)
    bootstrap.write_configs()
    bootstrap.prepare_data_dirs()
    # PostgreSQL first: a first start makes the databases and Keystone's
    # schema while RabbitMQ (Erlang: ~14 s) and Redis boot.
    postgresql, *others = services.infrastructure()
    started = start_and_wait([postgresql])
    started += start_and_wait(others, meanwhile=make_keystone_database
                              if first else None)
    started += start_and_wait([services.keystone()])
    if first:
        timed('keystone data', bootstrap.populate_keystone)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        compute_prepared = (pool.submit(prepare_compute)
                            if services.has_compute() else None)
        if first:
            timed('service dbs', bootstrap.sync_services)
            mark_done(INITIALISED)
        started += start_and_wait(services.openstack())
        if compute_prepared:
            compute_prepared.result()
            started += start_compute()
    if not services.horizon().running_pid():
        timed('horizon static', prepare_horizon)
    started += start_and_wait([services.horizon()])
    bootstrap.write_clouds_yaml()
    timed('authenticated checks', ensure_ready)
    print('Up in %.1f s.' % (time.monotonic() - began))
    return [s.name for s in started]


# Seconds for every API to answer an authenticated call after a start (a
# first start's nova-compute takes ~20 s to be up to the scheduler).
READY_SECONDS = 90


def ensure_ready():
    """Every API answers an authenticated call; the services behind a check
    that does not are restarted once, then the start fails naming them."""
    found = readiness.wait(services.has_compute(), READY_SECONDS)
    if not found:
        return
    by_name = {s.name: s for s in services.all_services()}
    owners = sorted({name for names, _problem in found.values()
                     for name in names if name in by_name})
    print('  not answering (%s): restarting %s' % (
        '; '.join('%s: %s' % (check, problem)
                  for check, (_names, problem) in sorted(found.items())),
        ', '.join(owners)), flush=True)
    process.stop([by_name[name] for name in owners])
    start_and_wait([by_name[name] for name in owners])
    found = readiness.wait(services.has_compute(), READY_SECONDS)
    if found:
        raise process.DevcloudError('\n'.join(
            '%s does not answer (%s); the end of %s:\n%s' % (
                check, problem, by_name[names[0]].log_file(),
                process.tail(by_name[names[0]].log_file()))
            for check, (names, problem) in sorted(found.items())))


def stop(names=None):
    chosen = [s for s in services.all_services()
              if names is None or s.name in names]
    infrastructure = {s.name for s in services.infrastructure()}
    # The OpenStack services first, while their database and bus still
    # answer; then those.
    for phase in ([s for s in chosen if s.name not in infrastructure],
                  [s for s in chosen if s.name in infrastructure]):
        stopped = process.stop(phase)
        if stopped:
            print('  stopped %s' % ', '.join(stopped))
    if names is None or 'rabbitmq' in names:
        # RabbitMQ's Erlang port mapper outlives it as a daemon.
        subprocess.run(['epmd', '-kill'], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)


def print_logins():
    print('\nDashboard: %s' % layout.DASHBOARD_URL)
    for role, user in (('demo (member, heat_stack_owner)', layout.DEMO),
                       ('demo-reader (reader of demo)', layout.READER),
                       ('admin', layout.ADMIN)):
        print('  %-34s %s / %s' % (role, user['username'], user['password']))
    print('CLI: openstack --os-cloud devcloud stack list   (clouds.yaml here)')
    print('Logs: %s' % layout.LOG_DIR)


def status():
    total = 0
    for service in services.all_services():
        pid = service.running_pid()
        memory = process.memory_mib(pid) if pid else 0
        total += memory
        print('  %-16s %-8s %-6s %6.0f MiB' % (
            service.name, 'running' if pid else 'stopped',
            service.port or '', memory))
    print('  %-31s %6.0f MiB (proportional set size)' % ('total', total))
    if running():
        found = readiness.problems(services.has_compute())
        for name, _owners, _check in readiness.checks(
                services.has_compute()):
            print('  %-31s %s' % (name, found[name][1] if name in found
                                  else 'answers'))


def run():
    try:
        start()
        print_logins()
        print('\nCtrl-C stops everything.', flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        print('\nStopping the local cloud:')
        stop()


def run_with(command):
    started = start()
    try:
        return subprocess.run(command, check=False).returncode
    finally:
        if started:
            print('Stopping what was started for this command:')
            stop(started)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='devcloud', description=__doc__,
                                     formatter_class=argparse.
                                     RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    for name in ('run', 'start', 'stop', 'status'):
        sub.add_parser(name)
    restart_parser = sub.add_parser('restart')
    restart_parser.add_argument('names', nargs='+', metavar='service',
                                choices=[s.name for s in
                                         services.all_services()])
    with_parser = sub.add_parser('with')
    with_parser.add_argument('argv', nargs=argparse.REMAINDER)
    from devcloud import inject
    from devcloud import load
    inject.add_parser(sub)
    load.add_parser(sub)
    args = parser.parse_args(argv)
    try:
        if args.command == 'run':
            run()
        elif args.command == 'start':
            start()
            print_logins()
        elif args.command == 'stop':
            stop()
        elif args.command == 'status':
            status()
        elif args.command == 'restart':
            stop(args.names)
            start()
        elif args.command == 'with':
            command = args.argv[1:] if args.argv[:1] == ['--'] else args.argv
            return run_with(command)
        elif args.command == 'load':
            return load.main(args)
        else:
            return inject.main(args)
    except process.DevcloudError as error:
        print('devcloud: %s' % error, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
