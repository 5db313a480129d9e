"""The message catalog's template is current: every translatable string of
the plugin is in heal_dashboard/locale/django.pot (make messages), the
health model's words included."""

import os
import subprocess
import sys
from unittest import mock

from babel.messages import pofile

import heal_dashboard
from heal_dashboard import said
from heal_dashboard import words

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
         '-k', 'gettext_noop', '-k', 'N_', '-k', 'pgettext_lazy:1c,2',
         '-k', 'ngettext_lazy:1,2', '-k', 'npgettext_lazy:1c,2,3',
         '-o', str(fresh), 'heal_dashboard', 'enabled'],
        cwd=ROOT, check=True, capture_output=True)
    assert msgids(str(fresh)) == msgids(POT), 'run make messages'
    assert ('Heal Unit', 'Heal Units') in msgids(POT)


def test_the_health_models_words_are_in_the_catalog_and_translated():
    reason = said.Said(said.N_('server is %(status)s'), status='ERROR')
    # English as a str; the catalog's message for the page.
    assert reason == 'server is ERROR'
    assert reason.message in msgids(POT)
    assert 'in grace (%(seconds)d s left)' in msgids(POT)
    with mock.patch.object(words, 'gettext', lambda message: '«%s»' % message):
        assert words.translated(reason) == '«server is ERROR»'
        assert words.translated(said.Said(said.N_('no queue'))) == \
            '«no queue»'
        # A service's own words are shown as they are.
        assert words.translated('Heat said so') == 'Heat said so'
