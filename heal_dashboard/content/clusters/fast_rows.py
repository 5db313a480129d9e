"""A data table's rows rendered in Python, not through Horizon's Row and
Cell objects and their templates: those cost ~1 ms a row, most of a large
Units tab's time (the page is re-rendered on every refresh).

The markup is Horizon's own: a row made by Horizon for the first datum
gives each cell's attributes and the row's class; each row's own
attributes are made as Horizon's Row makes them. This holds for a table
whose cells' attributes do not depend on the datum (no status columns,
cell attribute getters, truncated columns, inline editing, links on some
rows only): the units table's case.
tests/unit/test_cluster_units.py (FastRowsTests) renders the same rows with
Horizon's stock Row at test time and compares them, so a Horizon upgrade
that changes its markup fails a test, not a page.

Horizon internals relied on: `_data_cache` (Horizon's cell cache, kept
filled as its cells do), `_filter_action` and `base_actions` (the allowed
row actions), the themable checkbox's markup, `Column.link_attrs` and
the `existing` argument of Horizon's escape (FastEscapeTests compares the
escapes here with Django's).
"""

import dataclasses
import html as stdlib_html
from urllib import parse

from django.utils import functional
from django.utils import html
from django.utils.safestring import mark_safe
from horizon import tables
from horizon.utils import escape as horizon_escape

# Stands for a datum's id in the markup made once for all rows.
ROW_ID_TOKEN = 'heal-row-id-4f0c2b'

# What Django's reverse() leaves unquoted in a path (RFC 3986's
# sub-delimiters and "/~:@").
URL_SAFE = "!$&'()*+,;=/~:@"


def _django_escape(text):
    # Django's escape less its wrapper's look for lazy arguments.
    return stdlib_html.escape(str(text))


def escape_text(text):
    """Django's escape as installed: Horizon replaces it with one that
    also defuses AngularJS's markup, on top of Django's (looked up at each
    call, as Horizon installs it when its settings load). Both are wrapped
    to look for lazy arguments at every call; unwrapped here, the rows of
    a 500-unit table (~20 escapes a row) take a quarter less CPU."""
    if html.escape is horizon_escape.escape:
        return horizon_escape.escape(text, existing=_django_escape)
    return html.escape(text)


def escape(value):
    """Django's conditional_escape: markup as it is, text escaped."""
    if isinstance(value, functional.Promise):
        value = str(value)
    if hasattr(value, '__html__'):
        return value.__html__()
    return escape_text(value)


def format_html(format_string, *args):
    """Django's format_html (positional arguments), escaping as escape."""
    return mark_safe(format_string.format(*map(escape, args)))


@dataclasses.dataclass(frozen=True)
class FastRow:
    """One row, rendered when the table template asks for it: as
    Horizon's rows, after the table's actions (which may hide the
    selection column)."""
    table: object
    datum: object

    def render(self):
        return self.table.row_markup(self.datum)


class FastRowsMixin:
    """For a DataTable of dataclass data whose id is the field
    `id_field`. `cell_keys` may name, by column, what a cell's markup is
    made of (a hashable value of the datum's): rows alike share it, made
    once a render (most of a large healthy cluster's cells are alike).
    `links_by_id`: the columns' links depend on a datum only through its
    id (they are reversed once, for a stand-in)."""

    id_field = 'name'
    cell_keys = {}
    links_by_id = False

    def stand_in(self, datum):
        return dataclasses.replace(datum, **{self.id_field: ROW_ID_TOKEN})

    def get_rows(self):
        return [FastRow(self, datum) for datum in self.filtered_data]

    def _template(self, datum):
        """Horizon's row for the first datum rendered: every row's class,
        the attributes of each column's cells and, links_by_id, each
        link column's URL for the token."""
        if '_fast_template' not in self.__dict__:
            row = self._meta.row_class(self, datum)
            links = {column.name: column.get_link_url(self.stand_in(datum))
                     for column in self.columns.values()
                     if self.links_by_id and column.link}
            self._fast_template = (row, row.get_final_css(), [
                (cell.column, cell.attr_string) for cell in row], links)
        return self._fast_template

    def _row_attrs(self, object_id, datum, row_class):
        """The <tr>'s attributes as Horizon's Row.load_cells sets them
        and Django's flatatt writes them (sorted; the display name escaped
        twice, as Horizon's escape returns a plain str that flatatt escapes
        again)."""
        attrs = [('class', row_class), ('data-object-id', object_id),
                 ('id', '%s__row__%s' % (self.name, object_id))]
        display_name = self.get_object_display(datum)
        if display_name:
            attrs += [('data-display', escape_text(display_name)),
                      ('data-display-key', escape_text(
                          self.get_object_display_key(datum)))]
        return ''.join(' %s="%s"' % (name, escape(value))
                       for name, value in sorted(attrs))

    def row_markup(self, datum):
        template_row, row_class, cells, links = self._template(datum)
        object_id = self.get_object_id(datum)
        return mark_safe('<tr%s>%s</tr>' % (
            self._row_attrs(object_id, datum, row_class), ''.join(
                '<td%s>%s</td>' % (attrs, escape(
                    self._cell_value(datum, object_id, column,
                                     template_row, links)))
                for column, attrs in cells)))

    def _cell_value(self, datum, object_id, column, template_row, links):
        key = self.cell_keys.get(column.name)
        if key is None:
            return self._cell_markup(datum, object_id, column, template_row,
                                     links)
        made = self.__dict__.setdefault('_fast_cells', {})
        cell = (column.name, key(datum))
        if cell not in made:
            made[cell] = self._cell_markup(datum, object_id, column,
                                           template_row, links)
        return made[cell]

    def _link(self, datum, object_id, column, links):
        if column.name in links:
            return links[column.name].replace(
                ROW_ID_TOKEN, parse.quote(str(object_id), safe=URL_SAFE))
        return column.get_link_url(datum) if column.link else None

    def _cell_markup(self, datum, object_id, column, template_row, links):
        """What Horizon's Cell.value would show."""
        if column.auto == 'multi_select':
            data = ''
            if template_row.can_be_selected(datum):
                checkbox_id = '%s__select__%s' % (self.name, object_id)
                # The markup of Horizon's ThemableCheckboxInput, with the
                # row's own id (Horizon's is random: a refresh would lose a
                # ticked box's label).
                data = format_html(
                    '<div class="themable-checkbox"><input type="checkbox" '
                    'name="object_ids" value="{}" '
                    'class="table-row-multi-select" id="{}"><label for="{}">'
                    '</label></div>', object_id, checkbox_id, checkbox_id)
            self._data_cache[column][object_id] = data
            return data
        if column.auto == 'actions':
            data = self.render_row_actions(datum)
            self._data_cache[column][object_id] = data
            return data
        data = column.get_data(datum)
        if data is None:
            data = (column.empty_value(datum) if callable(column.empty_value)
                    else column.empty_value)
        url = self._link(datum, object_id, column, links)
        if url:
            data = mark_safe('<a href="%s" %s>%s</a>' % (
                escape_text(url), ' '.join(
                    '%s="%s"' % item for item in column.link_attrs.items()),
                escape_text(data)))
        if column.wrap_list:
            data = mark_safe('<ul>%s</ul>' % escape(data))
        return data

    def render_row_actions(self, datum, row=False):
        """The row's action buttons: rendered once per set of allowed
        actions for a stand-in, then given the datum's id. The actions'
        markup depends on the row only through its id, which the templates
        escape as escape does."""
        allowed = tuple(
            action.name for action in self._meta.row_actions
            if self._filter_action(self.base_actions[action.name],
                                   self.request, datum))
        rendered = self.__dict__.setdefault('_row_actions_markup', {})
        if (allowed, row) not in rendered:
            rendered[allowed, row] = tables.DataTable.render_row_actions(
                self, self.stand_in(datum), row)
        return mark_safe(rendered[allowed, row].replace(
            ROW_ID_TOKEN, escape(self.get_object_id(datum))))
