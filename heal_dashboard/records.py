"""What the services answer, in the one shape the api layer returns and the
health model reads: a small immutable record per kind, made from the
service's JSON by `of`.

Records, not the clients' own objects nor Horizon's APIDictWrapper: each
client answers in a shape of its own (heatclient and mistralclient objects,
aodhclient dicts, zaqarclient objects with properties that call Zaqar); a
heatclient object asked for a field it lacks fetches the resource again (a
hidden call per row); a dict or an APIDictWrapper raises on a field the
service left out (Heat has no `parent_resource` at a stack's top). A record
names the fields the plugin reads, holds None for one the service left
out, and never calls anyone.
"""

import collections


def _record(name, fields, doc):
    fields = fields.split()
    base = collections.namedtuple(name, fields,
                                  defaults=(None,) * len(fields))

    def of(cls, data):
        """The record of a service's JSON object (a dict)."""
        return cls(**{key: data.get(key) for key in cls._fields})

    return type(name, (base,), {'__slots__': (), '__doc__': doc,
                                '__module__': __name__,
                                'of': classmethod(of)})


# Heat

Stack = _record('Stack', '''id stack_name stack_status stack_status_reason
                creation_time updated_time parent tags parameters outputs
                description''', 'A Heat stack: a cluster or a nested one.')

Resource = _record('Resource', '''resource_name resource_type
                   physical_resource_id resource_status
                   resource_status_reason parent_resource creation_time
                   updated_time links''',
                   'A resource of a cluster, as Heat lists them nested.')

Event = _record('Event', '''id event_time resource_name physical_resource_id
                resource_status resource_status_reason links''',
                'An event of a stack or of its nested stacks.')

# Aodh

Alarm = _record('Alarm', '''alarm_id name state enabled state_reason
                event_rule alarm_actions
                gnocchi_aggregation_by_resources_threshold_rule''',
                'An alarm: a unit\'s event alarm or a scaling alarm.')

AlarmChange = _record('AlarmChange', 'event_id alarm_id timestamp type detail',
                      'An entry of an alarm\'s history.')

# Mistral: the input and output decoded from Mistral's JSON text.

Execution = _record('Execution', '''id state state_info created_at
                    updated_at input output workflow_name''',
                    'A run of a cluster\'s healing workflow.')

Task = _record('Task', 'id name state state_info created_at updated_at',
               'A task of an execution.')

Turn = _record('Turn', 'unit execution',
               'A ticket of a cluster\'s heal queue: a unit stack\'s heal.')

# Nova, Octavia, Zaqar

Server = _record('Server', 'id name status', 'A Nova server.')

Member = _record('Member', '''id address protocol_port provisioning_status
                 operating_status''', 'A member of an Octavia pool.')

Subscription = _record('Subscription', 'id subscriber confirmed',
                       'A subscription of a Zaqar queue.')

QueueInfo = _record('QueueInfo', 'name messages subscriptions',
                    'A Zaqar queue: messages waiting, its subscriptions.')

Message = _record('Message', 'id body age',
                  'A message waiting in a queue; its age in seconds.')
