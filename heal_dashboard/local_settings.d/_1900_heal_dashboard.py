# heal-dashboard's settings snippet: copy it into Horizon's
# openstack_dashboard/local/local_settings.d/. Horizon runs it inside its
# settings module, whose POLICY_FILES and DEFAULT_POLICY_FILES it extends.
# (Without it the plugin adds the same files itself when Django starts:
# its rules are never left unenforced.)
from heal_dashboard import policy_files

POLICY_FILES[policy_files.SCOPE] = policy_files.OVERRIDES  # noqa: F821
DEFAULT_POLICY_FILES[policy_files.SCOPE] = policy_files.DEFAULTS  # noqa: F821

# Seconds before a call to Heat, Mistral, Zaqar or Aodh gives up.
HEAL_DASHBOARD_API_TIMEOUT = 10
