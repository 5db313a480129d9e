"""Mistral: each cluster's healing workflow and its executions."""

from horizon.utils.memoized import memoized
from mistralclient.api import client as mistral_client

from heal_dashboard.api import session

SERVICE_TYPE = 'workflowv2'


@memoized
def mistralclient(request):
    return mistral_client.client(
        mistral_url=session.endpoint(request, SERVICE_TYPE),
        session=session.for_service(request, SERVICE_TYPE),
        # Definitions are text, never fetched from a path or URL.
        enforce_raw_definitions=True)


def executions_list(request, workflow_name, limit=100):
    """The workflow's executions, newest first, without their big fields."""
    return mistralclient(request).executions.list(
        workflow_name=workflow_name, sort_keys='created_at', sort_dirs='desc',
        limit=limit)
