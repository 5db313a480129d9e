from django.utils.translation import gettext_lazy as _

import horizon


class Clusters(horizon.Panel):
    name = _('Clusters')
    slug = 'heal_clusters'
    # Clusters are Heat stacks: without Heat there is nothing to show.
    permissions = ('openstack.services.orchestration',)
    policy_rules = (('heal', 'heal:cluster:list'),)
