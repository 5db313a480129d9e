"""heal-dashboard: launch, watch and repair self-healing clusters."""
