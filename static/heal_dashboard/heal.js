/* heal-dashboard: keep a cluster's units (and its executions) live with
 * one request per tick for the whole tab (Horizon's row polling sends one
 * per row). Any .heal-live element with data-heal-refresh is watched: every
 * data-heal-interval ms while anything is unsettled, every data-heal-idle
 * ms once all has settled, none while the browser tab is hidden, slower
 * after each failed tick.
 *
 * A tick swaps the table's rows, not the table: Horizon's handlers on it
 * (select-all, enabling the batch buttons) stay bound, the boxes a person
 * ticked stay ticked, and a row whose content changed is highlighted. */
(function () {
  'use strict';

  var LONGEST = 60000;
  var ROWS = 'tbody > tr[data-object-id]';

  function delay(container, failures) {
    var settled = container.getAttribute('data-heal-settled') === 'true';
    var tick = parseInt(container.getAttribute(
      settled ? 'data-heal-idle' : 'data-heal-interval'), 10) || 5000;
    return Math.min(tick * Math.pow(2, failures), LONGEST);
  }

  function rows($scope) {
    var found = {};
    $scope.find(ROWS).each(function () {
      found[this.getAttribute('data-object-id')] = this;
    });
    return found;
  }

  // A row's words without its checkbox: what a person reads.
  function words(row) {
    return $(row).clone().find('input').remove().end().text()
      .replace(/\s+/g, ' ');
  }

  function merge(container, $fresh) {
    var $container = $(container);
    var $tables = $container.find('table');
    var $freshTables = $fresh.find('table');
    if ($tables.length !== $freshTables.length) {
      // Another shape (a table appeared): start over with the new one.
      $fresh.attr('data-heal-watched', 'true');
      $container.replaceWith($fresh);
      horizon.datatables.add_table_checkboxes($fresh);
      return $fresh[0];
    }
    var before = rows($container);
    var ticked = {};
    $container.find('tbody .table-row-multi-select:checked').each(
      function () { ticked[this.value] = true; });
    $.each(['data-heal-settled', 'data-heal-interval', 'data-heal-idle'],
      function (i, name) {
        container.setAttribute(name, $fresh.attr(name) || '');
      });
    $container.children(':not(.table_wrapper)').remove();
    $container.prepend($fresh.children(':not(.table_wrapper)'));
    $tables.each(function (i) {
      var $table = $(this);
      var $new = $freshTables.eq(i);
      $table.children('tbody').replaceWith($new.children('tbody'));
      $table.children('tfoot').replaceWith($new.children('tfoot'));
      $table.find('tbody .table-row-multi-select').each(function () {
        this.checked = Boolean(ticked[this.value]);
      });
      horizon.datatables.update_header_checkbox($table);
    });
    $.each(rows($container), function (id, row) {
      if (before[id] && words(before[id]) !== words(row)) {
        $(row).addClass('heal-changed');
        window.setTimeout(function () {
          $(row).removeClass('heal-changed');
        }, 3000);
      }
    });
    horizon.datatables.validate_button($container.find('.table_wrapper > form'));
    return container;
  }

  function tick(container, failures) {
    window.setTimeout(function () {
      if (!document.body.contains(container)) {
        return;
      }
      if (document.hidden) {
        $(document).one('visibilitychange', function () {
          tick(container, failures);
        });
        return;
      }
      $.ajax({
        url: container.getAttribute('data-heal-refresh'),
        headers: {'X-Requested-With': 'XMLHttpRequest'},
        success: function (html) {
          var $fresh = $('<div>').html(html).find('.heal-live').first();
          if (!$fresh.length) {
            tick(container, failures + 1);
            return;
          }
          tick(merge(container, $fresh), 0);
        },
        error: function () {
          tick(container, failures + 1);
        }
      });
    }, delay(container, failures));
  }

  function watchAll($scope) {
    $scope.find('.heal-live').each(function () {
      if (!this.hasAttribute('data-heal-watched')) {
        this.setAttribute('data-heal-watched', 'true');
        tick(this, 0);
      }
    });
  }

  horizon.addInitFunction(function () { watchAll($(document)); });
  // The tab loads on demand when it is not the page's first.
  horizon.tabs.addTabLoadFunction(watchAll);
}());
