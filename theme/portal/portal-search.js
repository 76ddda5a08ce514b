/* The portal's search: every chamber's Pagefind index (<slug>/pagefind/, with the bundles its bundles.json
   lists) merged into one (Pagefind's mergeIndex), each with its own base URL so that hits link into the
   chamber's site. Everything is loaded from this host only. */
(function () {
  "use strict";
  var script = document.currentScript;
  var slugs = JSON.parse(script.getAttribute("data-chambers"));
  var names = JSON.parse(script.getAttribute("data-names"));
  var colors = JSON.parse(script.getAttribute("data-colors"));
  var root = new URL("./", document.baseURI);
  var form = document.querySelector(".search form");
  var input = document.getElementById("portal-search-input");
  var status = document.querySelector(".search .status");
  var list = document.querySelector(".search .results");
  var PAGE_SIZE = 20;
  var engine = null;

  function bundles(index) {
    return fetch(new URL("bundles.json", index).href, { cache: "no-cache" }).then(function (response) {
      return response.ok ? response.json() : { merge: [] };
    }).then(function (data) { return data.merge || []; });
  }

  function load() {
    if (!engine) {
      var indexes = slugs.map(function (slug) {
        var base = new URL(slug + "/", root);
        return { base: base, index: new URL("pagefind/", base) };
      });
      engine = import(new URL("pagefind.js", indexes[0].index).href).then(function (pagefind) {
        return pagefind.options({ baseUrl: indexes[0].base.pathname }).then(function () {
          return Promise.all(indexes.map(function (site, n) {
            var own = n === 0 ? Promise.resolve() :
              pagefind.mergeIndex(site.index.pathname, { baseUrl: site.base.pathname });
            return own.then(function () { return bundles(site.index); }).then(function (merge) {
              return Promise.all(merge.map(function (name) {
                return pagefind.mergeIndex(new URL(name + "/", site.index).pathname, { baseUrl: site.base.pathname });
              }));
            });
          }));
        }).then(function () { return pagefind; });
      });
    }
    return engine;
  }

  function chamberOf(url) {
    var path = new URL(url, root).pathname;
    for (var i = 0; i < slugs.length; i++) {
      if (path.indexOf(new URL(slugs[i] + "/", root).pathname) === 0) { return i; }
    }
    return -1;
  }

  function show(results, total, query) {
    list.textContent = "";
    results.forEach(function (data) {
      var item = document.createElement("li");
      var chamber = document.createElement("span");
      chamber.className = "chamber-name";
      var which = chamberOf(data.url);
      chamber.textContent = which < 0 ? "" : names[which];
      if (which >= 0 && colors[which]) { item.style.setProperty("--accent", colors[which]); }
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      var excerpt = document.createElement("p");
      // Pagefind's excerpt is the page's own text, already escaped, with the matches in <mark>.
      excerpt.innerHTML = data.excerpt;
      item.appendChild(chamber);
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
        "直接打开的本地文件无法搜索：请通过网站服务器访问。" : "搜索暂时不可用：搜索索引未能加载。";
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
