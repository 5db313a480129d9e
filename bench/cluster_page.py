"""make bench: what a cluster page costs as clusters grow, and what a heal
costs, measured on the local cloud (python -m devcloud start).

1. Real cloud, fixed-size clusters of 3, 10 and 50 stand-in units (or
   BENCH_SIZES), and of 3 real Nova servers (or BENCH_REAL_SIZES): create,
   heal (failure to the unit's stack complete: a stand-in's failure event
   injected, a real server deleted through Nova; BENCH_HEALS units a size,
   one after the other, medians, and the medians of the workflow's own
   times per hop) and delete times;
   from 10 units (stand-ins and real), the Units tab's server time
   and API calls per service, beside the floor (Heat's nested resource
   list, the slowest single call) and the naive per-unit gather, in the
   same run.
2. Fakes adding 100 ms per call, 200 and 500 units (or BENCH_FAKES): the
   same page.
3. What upstream Mistral's engine serializes to start each of a heal's
   tasks (the healing workflow's spec; the local cloud's engine does not
   send it), and how long that takes.
4. The circuit breaker's count, which each automatic heal makes over the
   cluster's recent executions (Mistral's listing of the ones labelled for
   it, evaluated as its engine does), as the first cluster's history grows
   with refused executions.

The page is rendered in-process by Horizon with the local cloud's settings
(a real login); calls are counted at the HTTP layer (real) or at the
plugin's api functions (fakes). Medians of a few runs. Beside each cluster
size and fake page, and for the whole run: the machine's CPU busy and
stolen by the hypervisor meanwhile (a VM's neighbours can take a fifth of
it, and double a heal's time).
"""

import collections
import os
import statistics
import sys
import time
import uuid
from unittest import mock
from urllib import parse

from devcloud import inject
from devcloud import layout

SERVICES = {5000: 'keystone', 8004: 'heat', 8989: 'mistral',
            8888: 'zaqar', 8042: 'aodh', 8774: 'nova', 9876: 'octavia',
            9696: 'neutron'}
# BENCH_SIZES=3,100 make bench: other sizes (the page is measured from 10
# units up); BENCH_FAKES=500: other fake sizes.
SIZES = tuple(int(n) for n in os.environ.get(
    'BENCH_SIZES', '3,10,50').split(','))
FAKE_SIZES = tuple(int(n) for n in os.environ.get(
    'BENCH_FAKES', '200,500').split(','))
# BENCH_REAL_SIZES=3,10: clusters of real Nova servers ('' for none).
REAL_SIZES = tuple(int(n) for n in os.environ.get(
    'BENCH_REAL_SIZES', '3').split(',') if n)
# BENCH_HEALS=5: heal that many units a size (at most the size).
HEALS = int(os.environ.get('BENCH_HEALS', '3'))
FAKE_LATENCY = 0.1
REPEAT = 5
# Executions in the circuit breaker's window.
BREAKER_HISTORIES = (10, 100, 500)


def median_time(function, repeat=REPEAT):
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def seconds_after(began, time_said):
    """Seconds from began to a time as a service said it; NaN for none."""
    from heal_dashboard import health
    if not time_said:
        return float('nan')
    return (health.parse_time(time_said) - began).total_seconds()


def cpu_jiffies():
    """The machine's CPU time since boot, all cores (/proc/stat): (busy,
    stolen by the hypervisor, total)."""
    with open('/proc/stat') as stat:
        user, nice, system, idle, iowait, irq, softirq, steal = [
            int(field) for field in stat.readline().split()[1:9]]
    return (user + nice + system + irq + softirq, steal,
            user + nice + system + idle + iowait + irq + softirq + steal)


def machine_share(before, after):
    """'busy % / stolen %' of the machine's CPU time between two
    cpu_jiffies(): a figure taken while the hypervisor took a fifth of the
    time is not comparable with one taken on a quiet host."""
    busy, stolen, total = (b - a for a, b in zip(before, after, strict=True))
    return '%.0f %% / %.0f %%' % (100 * busy / total, 100 * stolen / total)


class CallCounter:
    """Counts HTTP requests per service while active."""

    def __init__(self):
        self.calls = collections.Counter()
        from requests import adapters
        self._send = adapters.HTTPAdapter.send
        counter = self

        def send(adapter, request, *args, **kwargs):
            port = parse.urlparse(request.url).port
            counter.calls[SERVICES.get(port, str(port))] += 1
            return counter._send(adapter, request, *args, **kwargs)

        self._patch = mock.patch.object(adapters.HTTPAdapter, 'send', send)

    def __enter__(self):
        self.calls.clear()
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()


def setup_django():
    sys.path.insert(0, layout.path('horizon'))
    os.environ['DJANGO_SETTINGS_MODULE'] = 'openstack_dashboard.settings'
    import django
    from django.conf import settings
    django.setup()
    settings.ALLOWED_HOSTS.append('testserver')
    from django.test import Client
    client = Client()
    response = client.post('/auth/login/', {
        'username': layout.DEMO['username'],
        'password': layout.DEMO['password'], 'region': 'default'})
    assert response.status_code == 302, 'login failed'
    return client


def units_url(cluster_id):
    return '/project/heal_clusters/%s/?tab=cluster_details__units' % (
        cluster_id)


def render(client, url):
    response = client.get(url, HTTP_X_REQUESTED_WITH='XMLHttpRequest')
    assert response.status_code == 200, response.status_code
    assert b'heal-units' in response.content
    return response


def page_figures(client, cloud, cluster_id):
    """The Units tab (median time, calls) and its floor (median time),
    measured in turn, floor then page, REPEAT times: both meet the same
    machine (the hypervisor's share of it moves from minute to minute)."""
    url = units_url(cluster_id)
    render(client, url)  # warm: tokens, clients, templates
    floors, pages = [], []
    for _ in range(REPEAT):
        floors.append(median_time(lambda: cloud.floor(cluster_id), repeat=1))
        pages.append(median_time(lambda: render(client, url), repeat=1))
    with CallCounter() as counter:
        render(client, url)
    return statistics.median(pages), dict(counter.calls), statistics.median(
        floors)


class Cloud:
    """The demo user's clients on the local cloud."""

    def __init__(self):
        from aodhclient import client as aodh_client
        from mistralclient.api import client as mistral_client
        from novaclient import client as nova_client
        self.heat, session = inject.heat_for(layout.DEMO)
        # 2.51: an instance action's events shown to its project
        # (api.nova.built_at).
        self.nova = nova_client.Client('2.51', session=session)
        self.session = session
        self.project_id = session.get_project_id()
        self.aodh = aodh_client.Client('2', session=session)
        self.mistral = mistral_client.client(
            session=session, mistral_url='http://%s:8989/v2' % layout.HOST)
        self.stack_paths = {}  # cluster id: <name>/<id>

    def create(self, units, real=False):
        """A fixed-size cluster of stand-in units, or of real Nova
        servers (and a real Octavia pool) with real."""
        from devcloud import compute
        from heal_dashboard import template_bundle
        bundled = template_bundle.load()
        fixed = bundled.get('fixed')
        spec = bundled.launch_spec(fixed, {s.service for s in bundled.standins}
                                   if real else set())
        spec['parameters'] = {'cluster_size': units, 'alarm_cache_seconds': 0}
        if real:
            spec['parameters'].update(self.launch_choices(), **{
                'key_name': compute.KEY_PAIR,
                'subnet': compute.SUBNET['name']})
        name = 'bench-%s%d-%s' % ('real-' if real else '', units,
                                  uuid.uuid4().hex[:6])
        began = time.monotonic()
        created = self.heat.stacks.create(
            stack_name=name, tags='heal-dashboard,heal-template=fixed',
            timeout_mins=30, **spec)
        cluster_id = created['stack']['id']
        status = self.wait(cluster_id)
        assert status == 'CREATE_COMPLETE', status
        return cluster_id, time.monotonic() - began

    def launch_choices(self):
        """The image, flavor and network by id, as the Launch form offers
        them: by name Heat's validation of each server (at its create and
        at every heal) asks Nova for the flavor three times, not once."""
        from devcloud import compute
        from glanceclient import client as glance_client
        from neutronclient.v2_0 import client as neutron_client
        [image] = glance_client.Client('2', session=self.session).images.list(
            filters={'name': compute.IMAGE})
        [flavor] = [f for f in self.nova.flavors.list()
                    if f.name == compute.FLAVOR['name']]
        [network] = neutron_client.Client(
            session=self.session).list_networks(
            name=compute.NETWORK)['networks']
        return {'image': image['id'], 'flavor': flavor.id,
                'network': network['id']}

    def wait(self, cluster_id, timeout=1800):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.heat.stacks.get(cluster_id).stack_status
            if not status.endswith('IN_PROGRESS'):
                return status
            time.sleep(1)
        raise AssertionError('timed out')

    def server_of(self, cluster_id, unit):
        return inject.unit_server(self.heat, cluster_id, unit)[0]

    def heal(self, cluster_id, unit=0, real=False):
        """The unit's failure until its replacement is complete (polled
        every 0.5 s): (seconds, the failed server). A stand-in's failure
        is its event injected, a real server's its delete through Nova."""
        from heatclient import exc
        before = self.server_of(cluster_id, unit)
        unit_stack = inject.unit_stack(self.heat, cluster_id, unit)
        # Its <name>/<id>: by id alone Heat first answers each look with a
        # redirect (four requests every half second, not two).
        unit_path = '%s/%s' % (self.heat.stacks.get(
            unit_stack, resolve_outputs=False).stack_name, unit_stack)
        if real:
            began = time.monotonic()
            self.nova.servers.delete(before)
        else:
            event = inject.compute_event('delete', before, self.project_id)
            inject.publish(event)
            # From the event sent (the injector's own connection set up).
            began = time.monotonic()
        while time.monotonic() - began < 1800:
            # A fixed-size cluster's heal updates the unit's stack alone.
            # Two light looks at it: resolving the cluster's outputs (and
            # walking down to the unit) every half second loaded the Heat
            # engine during the very heal measured.
            status = self.heat.stacks.get(
                unit_path, resolve_outputs=False).stack_status
            try:
                shown = self.heat.stacks.output_show(unit_path, 'server_id')
                replaced = shown['output']['output_value'] != before
            except exc.HTTPNotFound:
                replaced = False  # its outputs 404 while it is replaced
            if status == 'UPDATE_COMPLETE' and replaced:
                return time.monotonic() - began, before
            time.sleep(0.5)
        raise AssertionError('unit %d was not replaced' % unit)

    def heal_times(self, cluster_id, server):
        """The own times (its output) of the execution that replaced
        server, once it has finished: it gives its turn back after the
        unit settled."""
        import json

        from heal_dashboard import template_bundle
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for execution in self.mistral.executions.list(
                    workflow_name=template_bundle.workflow_name(cluster_id),
                    fields=['output', 'state']):
                output = json.loads(execution.output or '{}')
                if (output.get('outcome') == 'replaced'
                        and output.get('server') == server):
                    return output.get('times')
            time.sleep(1)
        raise AssertionError('no execution replaced %s' % server)

    def quiet(self, cluster_id, timeout=120):
        """Until no execution of the cluster's workflow is running: a
        real delete's second heal (Nova's delete.end) waits a while before
        its checks, and is not to run in the next heal measured."""
        from heal_dashboard import health
        from heal_dashboard import template_bundle
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(execution.state in health.FINISHED
                   for execution in self.mistral.executions.list(
                       workflow_name=template_bundle.workflow_name(
                           cluster_id), fields=['state'])):
                return
            time.sleep(1)
        raise AssertionError("the cluster's executions did not finish")

    def alarm_fired(self, server):
        """When Aodh first recorded an alarm firing for this server (its
        reason names the query the event hit: the server's id), as a
        naive UTC datetime."""
        import json

        from heal_dashboard import health
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            fired = [health.parse_time(change['timestamp']) for change in
                     self.aodh.alarm_history.search(query=json.dumps(
                         {'=': {'type': 'state transition'}}))
                     if server in change['detail']]
            if fired:
                return min(fired)
            time.sleep(1)
        raise AssertionError('no alarm fired for server %s' % server)

    def heals(self, cluster_id, units, real=False):
        """Heal the first HEALS units one after the other (each its own
        unit: the circuit breaker counts a unit's heals): the median heal
        and the median of each hop."""
        from heal_dashboard import health
        from heal_dashboard.api import nova
        took, hops = [], []
        for unit in range(min(HEALS, units)):
            self.quiet(cluster_id)
            seconds, server = self.heal(cluster_id, unit, real)
            times = self.heal_times(cluster_id, server)
            fired = self.alarm_fired(server)
            took.append(seconds)
            failed = health.parse_time(times['failure'])
            if real:
                # Nova's ACTIVE, a step of the breakdown as the Executions
                # details show it (before Heat's poll sees the server).
                times = dict(times, active=nova.built_at(
                    self.nova, self.server_of(cluster_id, unit)))
            # The first hop, failure to heal started, split where Aodh
            # fired; the measures: failure to new server ACTIVE in
            # Nova (a real server), to new server complete (in Heat).
            hops.append([
                (fired - failed).total_seconds(),
                (health.parse_time(times['started']) - fired).total_seconds()]
                + [float('nan') if hop is None else hop
                   for hop in health.heal_hops(times)[1:]]
                + [seconds_after(failed, times.get('active')),
                   seconds_after(failed, times.get('replaced')),
                   health.heal_took(times)])
        return (statistics.median(took),
                [statistics.median(hop) for hop in zip(*hops, strict=True)])

    def delete(self, cluster_id):
        began = time.monotonic()
        self.heat.stacks.delete(cluster_id)
        from heatclient import exc
        while True:
            try:
                if self.heat.stacks.get(cluster_id).stack_status in (
                        'DELETE_COMPLETE', 'DELETE_FAILED'):
                    break
            except exc.HTTPNotFound:
                break
            time.sleep(1)
        return time.monotonic() - began

    def workflow_spec_cost(self, cluster_id):
        """What upstream Mistral's engine serializes to start each task of
        the cluster's healing workflow (the local cloud's does not send it):
        its parsed spec, with the cache of each task's inbound tasks that
        validation fills (mistral/engine/dispatcher.py sends it with every
        start_task). (tasks, YAML bytes, JSON bytes, seconds to serialize,
        median)."""
        from mistral.lang import parser as spec_parser
        from oslo_serialization import jsonutils

        from heal_dashboard import template_bundle
        definition = self.mistral.workflows.get(
            template_bundle.workflow_name(cluster_id)).definition
        spec = spec_parser.get_workflow_list_spec_from_yaml(
            definition).get_workflows()[0]
        sent = jsonutils.dumps(jsonutils.to_primitive(
            spec, convert_instances=True))
        seconds = median_time(lambda: jsonutils.dumps(jsonutils.to_primitive(
            spec, convert_instances=True)), repeat=10)
        return len(spec.get_tasks()), len(definition), len(sent), seconds

    def breaker_cost(self, cluster_id, sizes=BREAKER_HISTORIES):
        """The deployed workflow's circuit breaker count (count_recent: its
        listing as its input asks it, then its publish as Mistral's engine
        evaluates it, with its YAQL set-up and functions), once the
        cluster's history has grown to each size with refused executions
        (messages naming no server: what a flood of forged ones leaves):
        [(executions, rows listed, median seconds)]."""
        import yaml
        from mistral import config  # noqa: F401 -- its [yaql] options
        from mistral.expressions import yaql_expression

        from heal_dashboard import template_bundle
        name = template_bundle.workflow_name(cluster_id)
        task = yaml.safe_load(self.mistral.workflows.get(
            name).definition)[name]['tasks']['count_recent']
        engine = yaql_expression.get_yaql_engine_class()
        count = engine(task['publish']['recent'].strip()[2:-2])
        # Unit 0, which the heals replaced; the breaker's defaults.
        data = {'breaker_window': 900, 'breaker_reset': None,
                'breaker_heals': 3,
                'stack_id': inject.unit_stack(self.heat, cluster_id, 0)}

        def value(given):
            if isinstance(given, str) and given.startswith('<%'):
                return engine(given.strip()[2:-2]).evaluate(
                    context=yaql_expression.get_yaql_context(data))
            return given
        listing = {key: value(given) for key, given in task['input'].items()}
        refused = {'root_stack_id': cluster_id, 'stack_id': '',
                   'server_id': '', 'heal': True, 'scope': 'unit',
                   'force': False, 'reason': '', 'requested_by': 'alarm'}

        def history():
            return len(self.mistral.executions.list(
                workflow_name=name, fields=['id']))

        figures = []
        for size in sizes:
            for _ in range(size - history()):
                self.mistral.executions.create(name, workflow_input=refused)
            self.quiet(cluster_id, timeout=600)

            def evaluate():
                rows = [{field: getattr(execution, field)
                         for field in listing['fields']}
                        for execution in self.mistral.executions.list(
                            **listing)]
                context = yaql_expression.get_yaql_context(data)
                context.register_function(lambda: {'result': rows},
                                          name='task')
                context.register_function(lambda: {'id': 'this-heal'},
                                          name='execution')
                count.evaluate(context=context)
                return len(rows)
            figures.append((history(), evaluate(),
                            median_time(evaluate, repeat=3)))
        return figures

    def floor(self, cluster_id):
        """The Units tab's floor: Heat's nested resource list, the one
        call it cannot do without, asked as the page asks it, by
        <name>/<id> (by id alone Heat first answers with a redirect)."""
        if cluster_id not in self.stack_paths:
            self.stack_paths[cluster_id] = '%s/%s' % (
                self.heat.stacks.get(cluster_id).stack_name, cluster_id)
        return self.heat.resources.list(self.stack_paths[cluster_id],
                                        nested_depth=2)

    def naive_gather(self, cluster_id):
        """One call per part of each unit, one unit after another: what a
        page walking the units would do (5 calls a unit; the queue is the
        cluster's)."""
        group = self.heat.resources.get(cluster_id, 'units')
        units = self.heat.resources.list(group.physical_resource_id)
        workflow = [o['output_value'] for o in
                    self.heat.stacks.get(cluster_id).outputs
                    if o['output_key'] == 'healing_workflow'][0]

        def gather():
            for unit in units:
                parts = {r.resource_name: r for r in self.heat.resources.list(
                    unit.physical_resource_id)}
                for alarm in ('alarm_deleted', 'alarm_stopped',
                              'alarm_error'):
                    self.aodh.alarm.get(parts[alarm].physical_resource_id)
                self.mistral.executions.list(workflow_name=workflow, limit=1)

        with CallCounter() as counter:
            seconds = median_time(gather, repeat=1)
        return seconds, sum(counter.calls.values())


def fake_page(client, project_id, units):
    """The Units tab at `units` units, every api call taking 100 ms;
    the fake cluster is in the logged-in user's project (`project_id`), or
    the page refuses it."""
    from heal_dashboard import api
    from tests import test_data
    resources = test_data.cluster_resources(
        *[test_data.unit_resources(i) for i in range(units)],
        octavia=True)
    alarms = list(test_data.all_alarms(units).values())
    queues = test_data.all_queues()
    # c1: the cluster whose healing queue test_data names.
    cluster = test_data.stack(
        'c1', 'fake', tags=['heal-dashboard', 'heal-template=fixed'],
        project_id=project_id)
    calls = collections.Counter()

    def slow(name, value):
        def call(request, *args, **kwargs):
            calls[name] += 1
            time.sleep(FAKE_LATENCY)
            return value(*args) if callable(value) else value
        return call

    fakes = [
        mock.patch.object(api.heat, 'stack_get', slow('heat', cluster)),
        mock.patch.object(api.heat, 'resources_list',
                          slow('heat', resources)),
        mock.patch.object(api.aodh, 'alarms_list', slow('aodh', alarms)),
        mock.patch.object(api.mistral, 'executions_list',
                          slow('mistral', [])),
        mock.patch.object(api.mistral, 'healing_state_get',
                          slow('mistral', {})),
        mock.patch.object(api.mistral, 'heal_turns', slow('mistral', [])),
        mock.patch.object(api.zaqar, 'queue_state',
                          slow('zaqar', lambda name: queues[name])),
        mock.patch.object(api.nova, 'servers_list',
                          slow('nova', test_data.servers(units))),
        mock.patch.object(api.octavia, 'members_list',
                          slow('octavia', test_data.pool_members(units))),
    ]
    for fake in fakes:
        fake.start()
    try:
        url = units_url('c1')
        render(client, url)
        seconds = median_time(lambda: render(client, url), repeat=3)
        calls.clear()
        render(client, url)
        return seconds, dict(calls)
    finally:
        for fake in fakes:
            fake.stop()


def fmt_calls(calls):
    return ', '.join('%s %d' % item for item in sorted(calls.items())
                     if item[0] != 'keystone') or '-'


def main():
    run_began = cpu_jiffies()
    client = setup_django()
    cloud = Cloud()
    lifecycle, pages, spec_cost, breaker = [], [], None, None
    for units, real in ([(n, False) for n in SIZES]
                        + [(n, True) for n in REAL_SIZES]):
        label = '%d%s' % (units, ' real' if real else '')
        began = cpu_jiffies()
        cluster_id, created = cloud.create(units, real)
        try:
            if units >= 10:
                page, page_calls, floor = page_figures(client, cloud,
                                                       cluster_id)
                naive, naive_calls = cloud.naive_gather(cluster_id)
                pages.append((label, page, page_calls, floor, naive,
                              naive_calls))
            if spec_cost is None:
                spec_cost = cloud.workflow_spec_cost(cluster_id)
            healed, hops = cloud.heals(cluster_id, units, real)
            if breaker is None:
                breaker = cloud.breaker_cost(cluster_id)
        finally:
            deleted = cloud.delete(cluster_id)
        lifecycle.append((label, created, healed, deleted, hops,
                          machine_share(began, cpu_jiffies())))
        print('  %s units done' % label, file=sys.stderr, flush=True)

    print('\n### Local cloud: cluster life cycle (stand-in units; "real": '
          'Nova servers)\n')
    print('| units | create | heal a unit (failure to replaced, median of '
          '%d) | delete | the machine meanwhile: CPU busy / stolen by the '
          'hypervisor |' % HEALS)
    print('|---|---|---|---|---|')
    for units, created, healed, deleted, _hops, machine in lifecycle:
        print('| %s | %.1f s | %.1f s | %.1f s | %s |'
              % (units, created, healed, deleted, machine))

    # Where the heals' time went, by the workflow's own clock.
    from heal_dashboard import health
    print('\n### Where a heal\'s time went (the workflow\'s times, '
          'medians)\n')
    print('| units | failure to alarm fired (Aodh) | to heal started | %s '
          '| failure to new server ACTIVE (Nova) | failure to new server '
          'complete | heal took |' % ' | '.join(
              str(words) for _step, words in health.HEAL_STEPS[1:]))
    print('|---|---|%s---|---|---|' % ('---|' * len(health.HEAL_STEPS)))
    for units, _created, _healed, _deleted, hops, _machine in lifecycle:
        print('| %s | %s |' % (units, ' | '.join(
            '-' if seconds != seconds else '%.2f s' % seconds
            for seconds in hops)))

    print('\n### Mistral: what an unpatched engine serializes to start each '
          'task\n')
    print('| workflow tasks | its YAML | the spec it sends (JSON) '
          '| to serialize |')
    print('|---|---|---|---|')
    print('| %d | %.0f KB | %.0f KB | %.0f ms |' % (
        spec_cost[0], spec_cost[1] / 1000, spec_cost[2] / 1000,
        spec_cost[3] * 1000))

    print('\n### The circuit breaker\'s count at each automatic heal, by '
          'the executions in its window\n')
    print('| executions | rows listed | to list and count them |')
    print('|---|---|---|')
    for size, rows, seconds in breaker:
        print('| %d | %d | %.0f ms |' % (size, rows, seconds * 1000))

    print('\n### Local cloud: the Units tab (median of %d)\n' % REPEAT)
    print('| units | Units tab | its calls | floor (Heat nested list) '
          '| goal: 1.2 x floor + 100 ms | naive per-unit gather |')
    print('|---|---|---|---|---|---|')
    for label, page, page_calls, floor, naive, naive_calls in pages:
        print('| %s | %.0f ms | %s | %.0f ms | %.0f ms | %.0f ms, %d calls |'
              % (label, page * 1000, fmt_calls(page_calls), floor * 1000,
                 (1.2 * floor + 0.1) * 1000, naive * 1000, naive_calls))

    print('\n### Fakes: the Units tab, %d ms a call\n' % (
        FAKE_LATENCY * 1000))
    print('| units | server time | calls | floor (one call) | the machine '
          'meanwhile: CPU busy / stolen |')
    print('|---|---|---|---|---|')
    for units in FAKE_SIZES:
        began = cpu_jiffies()
        seconds, calls = fake_page(client, cloud.project_id, units)
        print('| %d | %.0f ms | %s | %.0f ms | %s |'
              % (units, seconds * 1000, fmt_calls(calls),
                 FAKE_LATENCY * 1000, machine_share(began, cpu_jiffies())))
    print('\nThe whole run: the machine\'s CPU busy / stolen by the '
          'hypervisor %s.' % machine_share(run_began, cpu_jiffies()))


if __name__ == '__main__':
    main()
