/* heal-dashboard: refresh a cluster's units as one fragment while any of
 * them is unsettled (one request per tick for the whole table, instead of
 * Horizon's one per row), and stop once everything has settled. */
(function () {
  'use strict';

  function refresh(container) {
    var delay = parseInt(container.getAttribute('data-heal-interval'), 10);
    window.setTimeout(function () {
      if (!document.body.contains(container)) {
        return;
      }
      $.ajax({
        url: container.getAttribute('data-heal-refresh'),
        headers: {'X-Requested-With': 'XMLHttpRequest'},
        success: function (html) {
          var fresh = $(html).filter('.heal-units').add(
            $(html).find('.heal-units')).first();
          if (fresh.length) {
            $(container).replaceWith(fresh);
            watch(fresh[0]);
          }
        },
        error: function () {
          // Try again later: a failed tick must not stop the watch.
          refresh(container);
        }
      });
    }, delay || 5000);
  }

  function watch(container) {
    if (container.getAttribute('data-heal-settled') === 'false') {
      refresh(container);
    }
  }

  horizon.addInitFunction(function () {
    $('.heal-units').each(function () { watch(this); });
  });
}());
