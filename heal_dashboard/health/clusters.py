"""The Clusters list: each cluster's size, status and, for one that failed,
its first failure's cause."""

import dataclasses

from heal_dashboard import template_bundle


@dataclasses.dataclass
class ClusterSummary:
    id: str
    name: str
    template_id: str
    status: str
    created: str
    units: int


def unit_stacks(cluster, stacks):
    """The unit stacks of a cluster, among all the project's stacks.

    A unit is a nested stack of the cluster's units group, whose own nested
    stack Heat names "<cluster>-units-<suffix>".
    """
    group_prefix = '%s-%s-' % (cluster.stack_name,
                               template_bundle.UNITS_RESOURCE)
    groups = {s.id for s in stacks
              if s.parent == cluster.id
              and (s.stack_name or '').startswith(group_prefix)}
    return [s for s in stacks if s.parent in groups]


# A create that did not complete: nothing to heal, only to delete.
NEVER_CREATED = ('CREATE_FAILED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE',
                 'ROLLBACK_FAILED')


def failure_cause(event):
    """A failure event of Heat's in words: which resource, and why."""
    if not event:
        return None
    return '%s: %s' % (event.resource_name,
                       event.resource_status_reason or 'no reason')


def summarize_clusters(clusters, stacks, template_id_of):
    """One summary per cluster, units counted from the nested stacks."""
    return [
        ClusterSummary(
            id=cluster.id,
            name=cluster.stack_name,
            template_id=template_id_of(cluster),
            status=cluster.stack_status,
            created=cluster.creation_time,
            units=len([u for u in unit_stacks(cluster, stacks)
                       if not (u.stack_status or '').startswith('DELETE')]),
        )
        for cluster in clusters
    ]
