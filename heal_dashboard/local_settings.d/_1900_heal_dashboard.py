# heal-dashboard's settings snippet: copy it into Horizon's
# openstack_dashboard/local/local_settings.d/. Horizon runs it inside its
# settings module, whose POLICY_FILES and DEFAULT_POLICY_FILES it extends.
import os

import heal_dashboard

_HEAL_CONF = os.path.join(os.path.dirname(heal_dashboard.__file__), 'conf')

# Absolute paths: Horizon joins them to POLICY_FILES_PATH, which keeps them.
POLICY_FILES['heal'] = os.path.join(_HEAL_CONF, 'heal_policy.yaml')  # noqa: F821
DEFAULT_POLICY_FILES['heal'] = os.path.join(  # noqa: F821
    _HEAL_CONF, 'default_policies', 'heal.yaml')

# Seconds before a call to Heat, Mistral, Zaqar or Aodh gives up.
HEAL_DASHBOARD_API_TIMEOUT = 10
