"""Where heal-dashboard's policy rules live, for Horizon's POLICY_FILES and
DEFAULT_POLICY_FILES (scope "heal")."""

import os

SCOPE = 'heal'
CONF = os.path.join(os.path.dirname(__file__), 'conf')
# Absolute paths: Horizon joins them to POLICY_FILES_PATH, which keeps them.
OVERRIDES = os.path.join(CONF, 'heal_policy.yaml')
DEFAULTS = os.path.join(CONF, 'default_policies', 'heal.yaml')


def ensure(settings):
    """The heal scope's files in the settings, unless an operator named
    their own."""
    settings.POLICY_FILES.setdefault(SCOPE, OVERRIDES)
    settings.DEFAULT_POLICY_FILES.setdefault(SCOPE, DEFAULTS)
