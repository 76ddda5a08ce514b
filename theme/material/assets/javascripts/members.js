/* The member directory's filter box: narrows the list as the reader types, by what each entry's data-search
   holds (directory.search_text: name, trade name, their pinyin in full and by initials, industry, hometown,
   position). Every word typed must be found. Without JavaScript the full list shows; entries are hidden with
   the `hidden` attribute. Loaded on the directory only. */
(function () {
  "use strict";

  function setUp() {
    var input = document.getElementById("member-filter");
    if (!input || input.dataset.ready) return;
    input.dataset.ready = "1";
    var entries = Array.prototype.slice.call(document.querySelectorAll(".cp-member"));
    var texts = entries.map(function (el) { return (el.getAttribute("data-search") || "").toLowerCase(); });
    var groups = Array.prototype.slice.call(document.querySelectorAll(".cp-industry"));
    var status = document.querySelector(".cp-member-filter__status");

    function apply() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      entries.forEach(function (el, i) {
        var match = terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
        if (match) { el.removeAttribute("hidden"); shown += 1; } else { el.setAttribute("hidden", ""); }
      });
      groups.forEach(function (group) {
        if (group.querySelector(".cp-member:not([hidden])")) group.removeAttribute("hidden");
        else group.setAttribute("hidden", "");
      });
      if (status) {
        status.textContent = terms.length
          ? (shown ? "找到 " + shown + " 家会员" : "没有符合条件的会员")
          : "";
      }
    }

    input.addEventListener("input", apply);
    if (input.value) apply();   // the browser may restore the box's text on "back"
  }

  // Material's instant navigation swaps pages without a reload; its document$ tells when.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
