"""A real OpenStack control plane on 127.0.0.1 for heal-dashboard:
PostgreSQL, RabbitMQ and Redis from Debian; Keystone, Heat, Mistral, Zaqar
and Aodh from PyPI; Horizon with the plugin. See python -m devcloud -h."""
