"""The health model: Heat, Nova, Aodh, Zaqar and Mistral data joined per
cluster and per unit.

Plain functions over plain data (what the clients return), no Django and no
API calls: the views fetch each service's list once and hand it here.
"""

import dataclasses

from heal_dashboard import catalog


@dataclasses.dataclass
class ClusterSummary:
    id: str
    name: str
    template_id: str
    status: str
    status_reason: str
    created: str
    units: int


def _get(item, key):
    if isinstance(item, dict):
        return item.get(key)
    return getattr(item, key, None)


def unit_stacks(cluster, stacks):
    """The unit stacks of a cluster, among all the project's stacks.

    A unit is a nested stack of the cluster's units group, whose own nested
    stack Heat names "<cluster>-units-<suffix>".
    """
    group_prefix = '%s-%s-' % (_get(cluster, 'stack_name'),
                               catalog.UNITS_RESOURCE)
    groups = {_get(s, 'id') for s in stacks
              if _get(s, 'parent') == _get(cluster, 'id')
              and (_get(s, 'stack_name') or '').startswith(group_prefix)}
    return [s for s in stacks if _get(s, 'parent') in groups]


def _is_deleting(stack):
    return (_get(stack, 'stack_status') or '').startswith('DELETE')


def summarize_clusters(clusters, stacks, template_id_of):
    """One summary per cluster, units counted from the nested stacks."""
    return [
        ClusterSummary(
            id=_get(cluster, 'id'),
            name=_get(cluster, 'stack_name'),
            template_id=template_id_of(cluster),
            status=_get(cluster, 'stack_status'),
            status_reason=_get(cluster, 'stack_status_reason'),
            created=_get(cluster, 'creation_time'),
            units=len([u for u in unit_stacks(cluster, stacks)
                       if not _is_deleting(u)]),
        )
        for cluster in clusters
    ]
