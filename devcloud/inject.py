"""Failure injection for a cloud without Nova and Ceilometer.

Publishes, on the bus Aodh's listener consumes (topic alarm.all), the event
Ceilometer's notification agent would publish when a unit's server is
deleted, stopped or put in error. The unit's alarms match it on the
instance_id trait, and the tenant_id trait selects whose alarms are
evaluated. The integration tier checks these traits against a real event
of Ceilometer's.

  python -m devcloud fail CLUSTER UNIT [--event delete|stopped|error]

UNIT is the unit's name in the cluster's group (0, 1, ...).
"""

import datetime
import uuid

from heatclient import client as heat_client
from oslo_config import cfg

from devcloud import credentials
from devcloud import layout

STRING = 1  # Ceilometer's trait type for strings

EVENTS = {
    # A delete's first event: Nova sends delete.start while the server is
    # still active (then delete.end, whose heal yields to this one's).
    'delete': ('compute.instance.delete.start', 'active'),
    'stopped': ('compute.instance.update', 'stopped'),
    'error': ('compute.instance.update', 'error'),
}


def now():
    """UTC, naive, ISO: Ceilometer's `generated`."""
    return datetime.datetime.now(
        datetime.timezone.utc).replace(tzinfo=None).isoformat()


def compute_event(kind, instance_id, project_id):
    """The event, as Ceilometer's notifier publisher sends it."""
    event_type, state = EVENTS[kind]
    traits = {'instance_id': instance_id, 'tenant_id': project_id,
              'state': state, 'service': 'compute'}
    return {
        'message_id': str(uuid.uuid4()),
        'event_type': event_type,
        'generated': now(),
        'traits': [[name, STRING, value] for name, value in traits.items()],
        'raw': {},
    }


def publish(event, transport_url=None):
    # Imported here: oslo.messaging pulls in eventlet, which warns loudly.
    import oslo_messaging

    conf = cfg.ConfigOpts()
    conf([], project='devcloud')
    transport = oslo_messaging.get_notification_transport(
        conf, url=transport_url or credentials.transport_url())
    try:
        notifier = oslo_messaging.Notifier(
            transport, publisher_id='devcloud.inject', driver='messagingv2',
            topics=['alarm.all'])
        # Generated as it is sent, as by Ceilometer's publisher (whose
        # connection is up): this one's setup (~0.7 s) is no part of a
        # heal's time.
        event['generated'] = now()
        notifier.sample({}, 'event', [event])
    finally:
        transport.cleanup()


def heat_for(user):
    session = layout.session_for(user)
    return heat_client.Client('1', session=session), session


def unit_stack(heat, cluster, unit):
    """The id of the unit's stack (unit: its name in the group: 0, 1, ...)."""
    group = heat.resources.get(cluster, 'units')
    return heat.resources.get(group.physical_resource_id,
                              str(unit)).physical_resource_id


def unit_server(heat, cluster, unit):
    """(server id the unit's alarms watch, the cluster's project id)."""
    stack = heat.stacks.get(cluster)
    output = heat.stacks.output_show(unit_stack(heat, stack.id, unit),
                                     'server_id')
    return output['output']['output_value'], stack.to_dict().get('project')


def add_parser(subparsers):
    parser = subparsers.add_parser(
        'fail', help="publish the event of a unit's server failing")
    parser.add_argument('cluster', help='cluster stack name or id')
    parser.add_argument('unit', help="unit's name in the group: 0, 1, ...")
    parser.add_argument('--event', choices=sorted(EVENTS), default='delete')
    parser.add_argument('--as-admin', action='store_true',
                        help='look the cluster up as the admin user')


def main(args):
    heat, session = heat_for(layout.ADMIN if args.as_admin else layout.DEMO)
    instance_id, project_id = unit_server(heat, args.cluster, args.unit)
    event = compute_event(args.event, instance_id,
                          project_id or session.get_project_id())
    publish(event)
    print('Published %s for unit %s of %s (instance %s).'
          % (event['event_type'], args.unit, args.cluster, instance_id))
    return 0
