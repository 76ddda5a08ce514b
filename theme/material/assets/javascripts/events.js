/* The events page's month view (活动日程): marks the reader's today, as the day the page is read, not
   the day the site was built (a site is built once and read for weeks). Without JavaScript no day is
   marked. */
(function () {
  "use strict";

  function setUp() {
    var now = new Date();
    var month = now.getMonth() + 1;
    var table = document.getElementById("m" + now.getFullYear() + (month < 10 ? "0" : "") + month);
    if (!table) return;
    var days = table.querySelectorAll(".cp-month__day");
    for (var i = 0; i < days.length; i += 1) {
      if (days[i].textContent === String(now.getDate())) {
        days[i].parentNode.classList.add("cp-month__today");
        days[i].parentNode.setAttribute("aria-current", "date");
        return;
      }
    }
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
