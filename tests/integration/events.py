"""What Ceilometer publishes to Aodh: a listener on the alarm.all topic of
Ceilometer's exchange, in a pool of its own, so that Aodh's listener still
gets every event."""

import contextlib
import threading

from oslo_config import cfg

from devcloud import credentials


class _Events:
    def __init__(self):
        self.received = []
        self.arrived = threading.Condition()

    # oslo.messaging calls this for each notification of priority sample:
    # Ceilometer's notifier publisher sends a list of events as one.
    def sample(self, ctxt, publisher_id, event_type, payload, metadata):
        with self.arrived:
            self.received.extend(payload)
            self.arrived.notify_all()

    def wait_for(self, event_type, instance_id, state, timeout=30):
        """The first such event (a stop, say, makes several updates)."""
        def found():
            for event in self.received:
                traits = {t[0]: t[2] for t in event['traits']}
                if (event['event_type'] == event_type
                        and traits.get('instance_id') == instance_id
                        and traits.get('state') == state):
                    return event
            return None
        with self.arrived:
            if not self.arrived.wait_for(found, timeout):
                raise AssertionError('no %s (%s) event for %s in %ss: %s' % (
                    event_type, state, instance_id, timeout,
                    [e['event_type'] for e in self.received]))
            return found()


@contextlib.contextmanager
def listening():
    import oslo_messaging
    conf = cfg.ConfigOpts()
    conf([], project='heal-tests')
    transport = oslo_messaging.get_notification_transport(
        conf, url=credentials.transport_url())
    events = _Events()
    listener = oslo_messaging.get_notification_listener(
        transport,
        [oslo_messaging.Target(topic='alarm.all', exchange='ceilometer')],
        [events],
        executor='threading', pool='heal-dashboard-tests')
    listener.start()
    try:
        yield events
    finally:
        listener.stop()
        listener.wait()
        transport.cleanup()
