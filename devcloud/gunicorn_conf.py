"""gunicorn settings for the local cloud's WSGI services, from the
environment the service definitions set (DEVCLOUD_*)."""

import os
import sys

bind = os.environ['DEVCLOUD_BIND']
wsgi_app = os.environ['DEVCLOUD_APP']
workers = int(os.environ.get('DEVCLOUD_WORKERS', '1'))
threads = int(os.environ.get('DEVCLOUD_THREADS', '4'))
worker_class = 'gthread'
timeout = 180
graceful_timeout = 5
accesslog = None
# Kept-alive connections outlive the clients' polls here (at most 5 s
# apart: the openstack CLI's --wait): at 5 s, such a client could reuse a
# connection the server was closing ("Connection reset by peer"). Not much
# longer: idle connections count against each worker's 1000. The
# two-worker test holds one connection to each worker.
keepalive = 10
# No limit on the request line (gunicorn's default is 4094 bytes): Nova
# lists a project's servers' ports from Neutron by device id in one GET,
# ~47 bytes a server, so 100 servers broke the Units tab's server list
# (Neutron's 414, Nova's 500). Every service here listens on 127.0.0.1.
limit_request_line = 0

# keystone, heat-api and aodh-api parse sys.argv when their app is built:
# they must not see gunicorn's own arguments.
sys.argv[1:] = []
