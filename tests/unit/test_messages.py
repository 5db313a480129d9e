"""The message catalog's template is current: every translatable string of
the plugin is in heal_dashboard/locale/django.pot (make messages)."""

import os
import subprocess
import sys

from babel.messages import pofile

import heal_dashboard

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
POT = os.path.join(os.path.dirname(heal_dashboard.__file__), 'locale',
                   'django.pot')


def msgids(path):
    with open(path, 'rb') as f:
        return {message.id for message in pofile.read_po(f) if message.id}


def test_the_catalog_template_has_every_string(tmp_path):
    fresh = tmp_path / 'django.pot'
    subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), 'pybabel'), 'extract',
         '-F', 'babel-django.cfg', '--no-location', '-k', 'gettext_lazy',
         '-k', 'gettext_noop', '-k', 'pgettext_lazy:1c,2',
         '-k', 'ngettext_lazy:1,2', '-k', 'npgettext_lazy:1c,2,3',
         '-o', str(fresh), 'heal_dashboard', 'enabled'],
        cwd=ROOT, check=True, capture_output=True)
    assert msgids(str(fresh)) == msgids(POT), 'run make messages'
    assert ('Heal Unit', 'Heal Units') in msgids(POT)
