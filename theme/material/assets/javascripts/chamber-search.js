/* The search page: looks the reader's words up in the site's Pagefind index (pagefind/ at the site root,
   loaded from this site only) and lists each hit with its title and an excerpt, the words marked.
   A large site's index comes in bundles (its pages and members, its posts by year: generator/search/index.py):
   the one at pagefind/ is loaded, the others listed in pagefind/bundles.json are merged into it. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = new URL(script.getAttribute("data-root") + "/", document.baseURI);
  var form = document.querySelector(".cp-search__form");
  var input = document.getElementById("cp-search-input");
  var status = document.querySelector(".cp-search__status");
  var list = document.querySelector(".cp-search__results");
  var PAGE_SIZE = 20;
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
        return pagefind.options({ baseUrl: root.pathname }).then(function () {
          return Promise.all(loaded[1].merge.map(function (name) {
            return pagefind.mergeIndex(new URL(name + "/", index).pathname, { baseUrl: root.pathname });
          }));
        }).then(function () { return pagefind; });
      });
    }
    return engine;
  }

  function show(results, total, query) {
    list.textContent = "";
    results.forEach(function (data) {
      var item = document.createElement("li");
      item.className = "cp-search__result";
      var link = document.createElement("a");
      link.className = "cp-search__title";
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      var excerpt = document.createElement("p");
      excerpt.className = "cp-search__excerpt";
      // Pagefind's excerpt is the page's own text, already escaped, with the matches in <mark>.
      excerpt.innerHTML = data.excerpt;
      item.appendChild(link);
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    status.textContent = total ? "“" + query + "”找到 " + total + " 个结果" +
      (total > results.length ? "，显示前 " + results.length + " 个" : "") : "没有找到与“" + query + "”相关的内容";
  }

  function run(query) {
    query = query.trim();
    if (!query) {
      status.textContent = "请输入要搜索的词语。";
      list.textContent = "";
      return;
    }
    status.textContent = "正在搜索……";
    load().then(function (pagefind) {
      return pagefind.search(query);
    }).then(function (search) {
      var shown = search.results.slice(0, PAGE_SIZE).map(function (r) { return r.data(); });
      return Promise.all(shown).then(function (results) { show(results, search.results.length, query); });
    }).catch(function () {
      status.textContent = location.protocol === "file:" ?
        "直接打开的本地文件无法搜索：请通过网站服务器访问本站。" : "搜索暂时不可用：本站的搜索索引未能加载。";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(query.trim()));
    run(query);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
