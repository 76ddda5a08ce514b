/* 大字版: a button in the header that sets larger type on every page (适老化, for older readers), remembered
   in localStorage. The class is set before the page is drawn by a line in main.html's head; this adds the
   button and keeps the choice. Without JavaScript the site stays as it is. */
(function () {
  var KEY = "cp-large-type", root = document.documentElement, header = document.querySelector(".md-header__inner");
  if (!header || document.querySelector(".cp-large-type-toggle")) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "cp-large-type-toggle md-header__button";
  button.textContent = "大字";
  button.title = "大字版：放大全站文字";
  function show() { button.setAttribute("aria-pressed", String(root.classList.contains(KEY))); }
  button.addEventListener("click", function () {
    var on = root.classList.toggle(KEY);
    try { on ? localStorage.setItem(KEY, "1") : localStorage.removeItem(KEY); } catch (e) { /* private mode */ }
    show();
  });
  show();
  var search = header.querySelector(".cp-header-search");
  header.insertBefore(button, search ? search.nextSibling : null);
})();
