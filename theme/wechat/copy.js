// The editor's page only (never the article): each 复制 button copies its value; 复制正文 copies the
// article as rich text, which WeChat's editor keeps with its inline styles.
(function () {
  var status = document.getElementById("copy-status");
  function done(what) { status.textContent = "已复制" + what + "，请到微信编辑器中粘贴。"; }
  function failed() { status.textContent = "复制失败：请手动选中后按 Ctrl+C（Mac 上按 ⌘+C）。"; }
  function selectAndCopy(node, what) {
    var range = document.createRange(), selection = window.getSelection();
    range.selectNodeContents(node);
    selection.removeAllRanges();
    selection.addRange(range);
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    selection.removeAllRanges();
    if (copied) { done(what); } else { failed(); }
  }
  function copy(node, what, rich) {
    var text = node.innerText, data = {"text/plain": new Blob([text], {type: "text/plain"})};
    if (rich) { data["text/html"] = new Blob([node.innerHTML], {type: "text/html"}); }
    if (navigator.clipboard && window.ClipboardItem) {
      navigator.clipboard.write([new ClipboardItem(data)]).then(function () { done(what); },
        function () { selectAndCopy(node, what); });
    } else {
      selectAndCopy(node, what);
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) { return; }
    copy(document.getElementById(button.getAttribute("data-copy")), button.getAttribute("data-what"),
      button.hasAttribute("data-rich"));
  });
})();
