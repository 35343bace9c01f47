// Rewords the dates on cards relative to the reader's clock: "5 minutes
// ago", "3 hours ago", "today", "yesterday" (قبل ٥ دقائق، اليوم، أمس), in
// each card's language and digits, with the browser's own CLDR data (Intl).
// Days are counted where the site is (its time zone, on <html>). Older
// dates, and readers without scripts, keep the date the page was built
// with. The theme loads this only with the option `relative_dates`.
(function () {
  "use strict";
  if (!window.Intl || !Intl.RelativeTimeFormat) {
    return;
  }
  var zone = document.documentElement.getAttribute("data-timezone") || "UTC";
  var now = Date.now();
  var days = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit"
  });
  // The date where the site is, as midnight UTC of that date.
  function day(ms) {
    return Date.parse(days.format(new Date(ms)));
  }
  var today = day(now);
  document.querySelectorAll("time[data-relative]").forEach(function (time) {
    var at = Date.parse(time.getAttribute("datetime"));
    if (isNaN(at) || at > now + 60000) {
      return;
    }
    var locale = time.getAttribute("data-relative");
    var words = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
    var minutes = Math.floor((now - at) / 60000);
    var text;
    if (time.hasAttribute("data-timed") && minutes < 1) {
      text = words.format(0, "second");
    } else if (time.hasAttribute("data-timed") && minutes < 60) {
      text = words.format(-minutes, "minute");
    } else if (time.hasAttribute("data-timed") && minutes < 12 * 60) {
      text = words.format(-Math.floor(minutes / 60), "hour");
    } else {
      var ago = Math.round((today - day(at)) / 86400000);
      if (ago < 0 || ago > 1) {
        return;
      }
      text = words.format(-ago, "day");
    }
    time.setAttribute("title", time.textContent);
    time.textContent = text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
  });
})();
