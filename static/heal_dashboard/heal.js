/* heal-dashboard: keep a cluster's units (and its executions) current
 * with one request at a time for the whole table (Horizon's row polling
 * sends one per row). Any .heal-live element with data-heal-refresh is
 * watched; the units' one also has data-heal-queues.
 *
 * The tab first renders without Zaqar's per-queue calls; its queue
 * details come with one request right after. While anything is
 * unsettled the tab is fetched again each tick (without the queues), and
 * once more with them when all has settled; then the watch stops. */
(function () {
  'use strict';

  function load(container, withQueues, delay) {
    window.setTimeout(function () {
      if (!document.body.contains(container)) {
        return;
      }
      var url = container.getAttribute('data-heal-refresh') +
        (withQueues ? '&queues=1' : '');
      $.ajax({
        url: url,
        headers: {'X-Requested-With': 'XMLHttpRequest'},
        success: function (html) {
          var parsed = $('<div>').html(html);
          var fresh = parsed.find('.heal-live').first();
          if (fresh.length) {
            $(container).replaceWith(fresh);
            watch(fresh[0], false);
          }
        },
        error: function () {
          // A failed tick must not end the watch: try again later.
          load(container, withQueues, interval(container));
        }
      });
    }, delay);
  }

  function interval(container) {
    return parseInt(container.getAttribute('data-heal-interval'), 10) || 5000;
  }

  function watch(container, first) {
    var settled = container.getAttribute('data-heal-settled') === 'true';
    var queuesWanted =
      container.getAttribute('data-heal-queues') === 'wanted';
    if (queuesWanted && (first || settled)) {
      load(container, true, 0);
    } else if (!settled) {
      load(container, false, interval(container));
    }
  }

  function watchAll($scope) {
    $scope.find('.heal-live').each(function () { watch(this, true); });
  }

  horizon.addInitFunction(function () { watchAll($(document)); });
  // The tab loads on demand when it is not the page's first.
  horizon.tabs.addTabLoadFunction(watchAll);
}());
