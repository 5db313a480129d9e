# The Clusters panel: launch, watch and repair self-healing clusters.
PANEL = 'heal_clusters'
PANEL_DASHBOARD = 'project'
PANEL_GROUP = 'self_healing'

ADD_PANEL = 'heal_dashboard.content.clusters.panel.Clusters'
