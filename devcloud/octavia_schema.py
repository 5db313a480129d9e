"""Octavia's schema on PostgreSQL from its models, with the rows its
migrations would seed: the migrations hold MySQL-only SQL (they drop a
constraint named "PRIMARY"). Octavia's own database tests build it the same
way. Run with the compute venv's python, the URL in DEVCLOUD_SCHEMA_DB (not
on the command line: it holds a password); then the migrations are marked
done (octavia-db-manage stamp head)."""

import os

import sqlalchemy
from octavia.common import constants
from octavia.db import base_models
from octavia.db import models
from sqlalchemy import orm

# Each lookup table and the names Octavia accepts in it.
LOOKUPS = (
    (models.ProvisioningStatus, constants.SUPPORTED_PROVISIONING_STATUSES),
    (models.OperatingStatus, constants.SUPPORTED_OPERATING_STATUSES),
    (models.Protocol, constants.SUPPORTED_PROTOCOLS),
    (models.Algorithm, constants.SUPPORTED_LB_ALGORITHMS),
    (models.AmphoraRoles, constants.SUPPORTED_AMPHORA_ROLES),
    (models.LBTopology, constants.SUPPORTED_LB_TOPOLOGIES),
    (models.SessionPersistenceType, constants.SUPPORTED_SP_TYPES),
    (models.HealthMonitorType, constants.SUPPORTED_HEALTH_MONITOR_TYPES),
    (models.VRRPAuthMethod, constants.SUPPORTED_VRRP_AUTH),
    (models.L7RuleType, constants.SUPPORTED_L7RULE_TYPES),
    (models.L7RuleCompareType, constants.SUPPORTED_L7RULE_COMPARE_TYPES),
    (models.L7PolicyAction, constants.SUPPORTED_L7POLICY_ACTIONS),
    (models.ClientAuthenticationMode, constants.SUPPORTED_CLIENT_AUTH_MODES),
)


def seed(session):
    for model, names in LOOKUPS:
        session.add_all(model(name=name) for name in names)
    # Load balancers whose flavor or availability zone is deleted point
    # at these placeholders.
    session.add(models.FlavorProfile(
        id=constants.NIL_UUID, name='DELETED-PLACEHOLDER',
        provider_name=constants.DELETED, flavor_data='{}'))
    session.flush()
    session.add(models.Flavor(
        id=constants.NIL_UUID, flavor_profile_id=constants.NIL_UUID,
        name='DELETED-PLACEHOLDER', enabled=False))
    session.add(models.AvailabilityZoneProfile(
        id=constants.NIL_UUID, name='DELETED-PLACEHOLDER',
        provider_name=constants.DELETED, availability_zone_data='{}'))
    session.flush()
    session.add(models.AvailabilityZone(
        availability_zone_profile_id=constants.NIL_UUID,
        name=constants.NIL_UUID, enabled=False))


if __name__ == '__main__':
    engine = sqlalchemy.create_engine(os.environ['DEVCLOUD_SCHEMA_DB'])
    base_models.BASE.metadata.create_all(engine)
    with orm.Session(engine) as session, session.begin():
        seed(session)
