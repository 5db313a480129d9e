"""Mistral: each cluster's healing workflow and its executions."""

import json

from horizon.utils.memoized import memoized
from mistralclient.api import base as mistral_exc
from mistralclient.api import client as mistral_client

from heal_dashboard import records
from heal_dashboard.api import session

SERVICE_TYPE = 'workflowv2'


@memoized
def mistralclient(request):
    return mistral_client.client(
        mistral_url=session.endpoint(request, SERVICE_TYPE),
        session=session.for_service(request, SERVICE_TYPE),
        # Definitions are text, never fetched from a path or URL.
        enforce_raw_definitions=True)


# The columns the health model reads: asking for them alone keeps the call
# flat as the history grows (the output and params are the big ones).
EXECUTION_FIELDS = ('id', 'state', 'state_info', 'created_at', 'updated_at',
                    'input', 'output')
TASK_FIELDS = ('id', 'name', 'state', 'state_info', 'created_at',
               'updated_at')


def executions_list(request, workflow_name, limit=100):
    """The workflow's executions, newest first, their input and output
    decoded (Mistral sends them as JSON text)."""
    executions = mistralclient(request).executions.list(
        workflow_name=workflow_name, sort_keys='created_at', sort_dirs='desc',
        limit=limit, fields=list(EXECUTION_FIELDS))
    return [_execution(e) for e in executions]


def _execution(execution):
    data = execution.to_dict()
    return records.Execution.of(dict(
        data, input=_decoded(data.get('input')),
        output=_decoded(data.get('output'))))


def execution_get(request, execution_id):
    """One execution, with its workflow's name."""
    return _execution(mistralclient(request).executions.get(execution_id))


def execution_tasks(request, execution_id):
    """An execution's tasks, oldest first, in one call."""
    tasks = mistralclient(request).tasks.list(
        workflow_execution_id=execution_id, sort_keys='created_at',
        sort_dirs='asc', fields=list(TASK_FIELDS))
    return [records.Task.of(task.to_dict()) for task in tasks]


def _decoded(text):
    if isinstance(text, str):
        try:
            return json.loads(text)
        except ValueError:
            return {}
    return text or {}


def execution_create(request, workflow_name, workflow_input, description):
    """Start the workflow; returns the new execution's id."""
    execution = mistralclient(request).executions.create(
        workflow_name, workflow_input=workflow_input,
        description=description)
    return execution.id


def heal_turns(request, description):
    """A cluster's heal queue, first first: each ticket's unit stack and
    execution (see healing_workflow.yaml's heal budget)."""
    tickets = mistralclient(request).environments.list(
        description=description, sort_keys='name', sort_dirs='asc',
        fields=['name', 'variables'])
    return [records.Turn.of(ticket.variables or {}) for ticket in tickets]


def healing_state_get(request, name):
    """A cluster's healing state (its Mistral environment's variables);
    empty if never written (Mistral answers 404)."""
    try:
        return dict(mistralclient(request).environments.get(name).variables
                    or {})
    except mistral_exc.APIException as error:
        if error.error_code != 404:
            raise
        return {}


def healing_state_update(request, name, **changes):
    """Change some of a cluster's healing state (its Mistral environment,
    which the healing workflow reads first), creating it the first time;
    the rest is kept (Mistral replaces an environment's variables whole)."""
    environments = mistralclient(request).environments
    variables = dict(healing_state_get(request, name), **changes)
    try:
        environments.update(name=name, variables=variables)
    except mistral_exc.APIException as error:
        if error.error_code != 404:
            raise
        environments.create(name=name, variables=variables,
                            description='heal-dashboard: healing state')
