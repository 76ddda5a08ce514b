/* Site search, on every page: suggestions under the header's search box as the reader types, and the
   search page's results (search/?q=…), both looked up in the site's Pagefind index (pagefind/ at the site
   root, loaded from this site only, the first time a reader searches).

   A large site's index comes in bundles (its pages and members, its posts by year: generator/search/index.py):
   the one at pagefind/ is loaded, the others listed in pagefind/bundles.json are merged into it.

   Pagefind also matches words that merely start with the last word typed (调 finds 调解, 调研 …). A result
   is shown only if its title or text holds every word typed as it was typed, so a word absent from the
   site says so instead of listing other words. Each hit shows its title, date and 栏目 (metadata the pages
   carry for the index: blog-post.html, search/index.py) and an excerpt of the text in Chinese punctuation;
   every hit is reachable with the 更多结果 button.

   Telling whether a result holds the words means fetching its text (a fragment, ~1 KiB): where few of
   Pagefind's results hold them (words typed together that the site has apart: 会员服务, 温州商会), reading
   them all would fetch thousands. A look reads at most READS times the hits it wants, in Pagefind's
   order (best first); the reader goes on with 更多结果. */
(function () {
  "use strict";
  var PAGE_SIZE = 20;   // results added to the search page at a time
  var SUGGESTIONS = 6;  // results under the header's box
  var READS = 4;  // a look at the results reads at most this many times the hits it wants
  var header = document.querySelector("form.cp-header-search");
  if (!header) { return; }
  var searchPage = new URL(header.getAttribute("action"), document.baseURI);
  var root = new URL("../", searchPage);
  var engine = null;

  function load() {
    if (!engine) {
      var index = new URL("pagefind/", root);
      var bundles = fetch(new URL("bundles.json", index).href, { cache: "no-cache" }).then(function (response) {
        if (!response.ok) { throw new Error("bundles.json: " + response.status); }
        return response.json();
      });
      engine = Promise.all([import(new URL("pagefind.js", index).href), bundles]).then(function (loaded) {
        var pagefind = loaded[0];
        return pagefind.options({ baseUrl: root.pathname, excerptLength: 40 }).then(function () {
          return Promise.all(loaded[1].merge.map(function (name) {
            return pagefind.mergeIndex(new URL(name + "/", index).pathname, { baseUrl: root.pathname });
          }));
        }).then(function () { return pagefind; });
      });
      engine.catch(function () { engine = null; });  // tried again at the next search
    }
    return engine;
  }

  // --- what a hit shows ------------------------------------------------------------------------------

  var ZWSP = /\u200b/g;  // Pagefind keeps the word boundaries of Chinese text as zero-width spaces
  var CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026";
  var CLOSING = "。！？；：，、…”’」』）】》";
  // Pagefind joins blocks (a heading, a paragraph, a table cell) with ". ": after Chinese text that is a 。,
  // or nothing after a mark that ends a sentence already.
  var JOIN = new RegExp("([" + CJK + "])((?:</mark>)?)\\. ", "g");

  function terms(query) {
    return query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  }

  function holdsAll(data, words) {
    var text = (((data.meta && data.meta.title) || "") + "\n" + (data.content || "")).replace(ZWSP, "").toLowerCase();
    return words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  // The excerpt (escaped text with <mark> tags) without its first `count` characters of text.
  function skipText(excerpt, count) {
    var i = 0, open = false;
    while (count > 0 && i < excerpt.length) {
      if (excerpt.startsWith("<mark>", i)) { i += 6; open = true; continue; }
      if (excerpt.startsWith("</mark>", i)) { i += 7; open = false; continue; }
      i += 1;
      count -= 1;
    }
    var rest = excerpt.slice(i);
    if (rest.startsWith("</mark>")) { return rest.slice(7); }
    return open ? "<mark>" + rest : rest;
  }

  function tidyExcerpt(data) {
    var excerpt = (data.excerpt || "").replace(ZWSP, "");
    var content = escapeHtml((data.content || "").replace(ZWSP, ""));
    var title = escapeHtml(((data.meta && data.meta.title) || "").replace(ZWSP, ""));
    // Where the excerpt starts in the text, which starts with the page's heading (shown above it already).
    var at = content.indexOf(excerpt.replace(/<\/?mark>/g, "").slice(0, 12));
    var body = 0;
    if (title && content.startsWith(title)) {
      body = title.length + (content.startsWith(". ", title.length) ? 2 : content.charAt(title.length) === " " ? 1 : 0);
    }
    if (at >= 0 && at < body) {
      excerpt = skipText(excerpt, body - at);
      at = body;
    }
    excerpt = excerpt.replace(JOIN, function (all, last, mark) {
      return last + mark + (CLOSING.indexOf(last) === -1 ? "。" : "");
    });
    var first = excerpt.indexOf("<mark>");
    if (at > body && first > 0) {
      // Started in the middle of a sentence: from the first clause that begins before the first match.
      var cut = -1;
      for (var i = 0; i < first && i < 40; i++) {
        if ("。！？；，".indexOf(excerpt.charAt(i)) !== -1) { cut = i + 1; break; }
      }
      excerpt = "…" + (cut > 0 ? excerpt.slice(cut) : excerpt);
    }
    if (!/[。！？…]$/.test(excerpt.replace(/<\/?mark>/g, ""))) { excerpt += "…"; }
    return excerpt;
  }

  function facts(data) {
    var meta = data.meta || {};
    // A page of its own in the navigation (商会简介) is its own section: not named twice.
    var section = meta.section && meta.section !== meta.title ? meta.section : "";
    return { date: meta.date || "", category: meta.category || section };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function factsLine(data, className) {
    var line = element("p", className);
    var known = facts(data);
    if (known.date) { line.appendChild(element("span", "cp-search__date", known.date)); }
    if (known.category) { line.appendChild(element("span", "cp-search__category", known.category)); }
    return line;
  }

  // Hits in the order Pagefind ranks them, read a batch at a time, kept if they hold the words typed; a
  // look (more) stops at `wanted` hits or READS × `wanted` results read.
  function Hits(search, words) {
    this.results = search.results;
    this.words = words;
    this.next = 0;
  }
  Hits.prototype.more = function (wanted) {
    var self = this, found = [], left = wanted * READS;
    function step() {
      if (found.length >= wanted || self.next >= self.results.length || left <= 0) { return Promise.resolve(found); }
      var batch = self.results.slice(self.next, self.next + Math.min(wanted, left));
      self.next += batch.length;
      left -= batch.length;
      return Promise.all(batch.map(function (r) { return r.data(); })).then(function (datas) {
        datas.forEach(function (data) { if (holdsAll(data, self.words)) { found.push(data); } });
        return step();
      });
    }
    return step();
  };
  Hits.prototype.done = function () { return this.next >= this.results.length; };

  function notFound(query) { return "没有找到与“" + query + "”相关的内容"; }

  function notYetFound(query, read) { return "最相关的 " + read + " 个页面中没有“" + query + "”"; }

  function unavailable() {
    return location.protocol === "file:" ?
      "直接打开的本地文件无法搜索：请通过网站服务器访问本站。" : "搜索暂时不可用：本站的搜索索引未能加载。";
  }

  // --- the search page -------------------------------------------------------------------------------

  function searchPageSetUp() {
    var form = document.querySelector(".cp-search__form");
    if (!form) { return; }
    var input = document.getElementById("cp-search-input");
    var status = document.querySelector(".cp-search__status");
    var list = document.querySelector(".cp-search__results");
    var moreButton = document.querySelector(".cp-search__more");
    var current = null, shown = 0, run = 0;

    function add(datas) {
      datas.forEach(function (data) {
        var item = element("li", "cp-search__result");
        var link = element("a", "cp-search__title", (data.meta && data.meta.title) || data.url);
        link.href = data.url;
        var excerpt = element("p", "cp-search__excerpt");
        // Pagefind's excerpt is the page's own text, already escaped, with the matches in <mark>.
        excerpt.innerHTML = tidyExcerpt(data);
        item.appendChild(link);
        item.appendChild(factsLine(data, "cp-search__facts"));
        item.appendChild(excerpt);
        list.appendChild(item);
      });
      shown += datas.length;
    }

    function report(query) {
      moreButton.hidden = current.done();
      if (!shown && current.done()) { status.textContent = notFound(query); }
      else if (!shown) { status.textContent = notYetFound(query, current.next) + "，点击“更多结果”继续查找"; }
      else if (current.done()) { status.textContent = "“" + query + "”共找到 " + shown + " 个结果"; }
      else { status.textContent = "“" + query + "”已显示前 " + shown + " 个结果，点击“更多结果”继续查看"; }
    }

    function search(query) {
      query = query.trim();
      var mine = ++run;
      list.textContent = "";
      shown = 0;
      moreButton.hidden = true;
      if (!query) { status.textContent = "请输入要搜索的词语。"; return; }
      status.textContent = "正在搜索……";
      load().then(function (pagefind) { return pagefind.search(query); }).then(function (found) {
        if (mine !== run) { return null; }
        current = new Hits(found, terms(query));
        return current.more(PAGE_SIZE).then(function (datas) {
          if (mine !== run) { return; }
          add(datas);
          report(query);
        });
      }).catch(function () { status.textContent = unavailable(); });
    }

    moreButton.addEventListener("click", function () {
      var mine = run, query = input.value.trim(), before = shown;
      moreButton.disabled = true;
      current.more(PAGE_SIZE).then(function (datas) {
        if (mine !== run) { return; }
        add(datas);
        report(query);
        moreButton.disabled = false;
        var first = list.children[before];  // the reader goes on from the first new hit
        if (first) { first.querySelector("a").focus(); }
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value.trim()));
      search(input.value);
    });
    var initial = new URLSearchParams(location.search).get("q");
    if (initial) {
      input.value = initial;
      search(initial);
    }
  }

  // --- suggestions under the header's box -----------------------------------------------------------------

  function suggestionsSetUp() {
    var input = header.querySelector("input[name=q]");
    var box = element("div", "cp-suggest");
    box.id = "cp-suggest";
    box.hidden = true;
    box.setAttribute("aria-live", "polite");
    header.appendChild(box);
    input.setAttribute("aria-controls", box.id);
    var timer = 0, run = 0;

    function close() { box.hidden = true; box.textContent = ""; }

    function allResults(query) {
      var link = element("a", "cp-suggest__all", "查看全部结果");
      link.href = searchPage.href + "?q=" + encodeURIComponent(query);
      return link;
    }

    function show(query) {
      var mine = ++run;
      load().then(function (pagefind) { return pagefind.search(query); }).then(function (found) {
        var hits = new Hits(found, terms(query));
        return hits.more(SUGGESTIONS).then(function (datas) {
          if (mine !== run || input.value.trim() !== query) { return; }
          box.textContent = "";
          if (!datas.length && hits.done()) {
            box.appendChild(element("p", "cp-suggest__none", notFound(query)));
          } else if (!datas.length) {  // the search page reads on
            box.appendChild(element("p", "cp-suggest__none", notYetFound(query, hits.next)));
            box.appendChild(allResults(query));
          } else {
            var list = element("ul", "cp-suggest__list");
            datas.slice(0, SUGGESTIONS).forEach(function (data) {
              var item = element("li");
              var link = element("a", "cp-suggest__link");
              link.href = data.url;
              link.appendChild(element("span", "cp-suggest__title", (data.meta && data.meta.title) || data.url));
              link.appendChild(factsLine(data, "cp-suggest__facts"));
              item.appendChild(link);
              list.appendChild(item);
            });
            box.appendChild(list);
            box.appendChild(allResults(query));
          }
          box.hidden = false;
        });
      }).catch(function () {
        if (mine !== run) { return; }
        box.textContent = "";
        box.appendChild(element("p", "cp-suggest__none", unavailable()));
        box.hidden = false;
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (!query) { run++; close(); return; }
      timer = setTimeout(function () { show(query); }, 200);
    });
    input.addEventListener("focus", function () { if (input.value.trim() && !box.childNodes.length) { show(input.value.trim()); } });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !box.hidden) {
        var first = box.querySelector("a");
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape") { close(); }
    });
    box.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(box.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
      else if (event.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (event) { if (!header.contains(event.target)) { close(); } });
  }

  suggestionsSetUp();
  searchPageSetUp();
})();
