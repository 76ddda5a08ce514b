/* The project list's filters (项目合作): narrow the list by kind, industry, region and status, in the page
   itself. Without JavaScript the whole list shows; entries are hidden with the `hidden` attribute. */
(function () {
  "use strict";

  function setUp() {
    var form = document.querySelector(".cp-project-filter");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var entries = Array.prototype.slice.call(document.querySelectorAll(".cp-project"));
    var sections = Array.prototype.slice.call(document.querySelectorAll(".cp-projects"));
    var status = form.querySelector(".cp-project-filter__status");

    function apply() {
      var chosen = selects.filter(function (s) { return s.value; });
      var shown = 0;
      entries.forEach(function (el) {
        var match = chosen.every(function (s) { return el.getAttribute("data-" + s.dataset.filter) === s.value; });
        if (match) { el.removeAttribute("hidden"); shown += 1; } else { el.setAttribute("hidden", ""); }
      });
      sections.forEach(function (section) {
        var list = section.querySelector(".cp-project-items");
        if (!list) return;
        if (section.querySelector(".cp-project:not([hidden])")) list.removeAttribute("hidden");
        else list.setAttribute("hidden", "");
      });
      if (status) {
        status.textContent = chosen.length ? (shown ? "找到 " + shown + " 个项目" : "没有符合条件的项目") : "";
      }
    }

    selects.forEach(function (s) { s.addEventListener("change", apply); });
    apply();   // the browser may restore the choices on "back"
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
