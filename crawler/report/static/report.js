// The article list's filters and sorting: plain JavaScript, no library. Without it the full
// list is still in the page (newest first); with it the filter form shows and headers sort.
(function () {
  "use strict";
  var table = document.getElementById("article-table");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var shown = document.getElementById("shown");
  var total = rows.length;

  function value(name) { return form.elements[name].value.trim(); }

  // what each row is filtered and sorted by, read once from its cells (the rows carry no copies)
  var info = new Map();
  rows.forEach(function (row) {
    var c = row.cells;
    info.set(row, {
      title: c[0].textContent.trim().toLowerCase(), site: c[1].textContent, date: c[2].textContent,
      posts: Number(c[3].textContent), holder: c[5].textContent || "-",
      platforms: " " + (row.dataset.p || "") + " "
    });
  });

  function apply() {
    var q = value("q").toLowerCase(), site = value("site"), platform = value("platform"),
        holder = value("holder"), from = value("from"), to = value("to"), n = 0;
    rows.forEach(function (row) {
      var d = info.get(row), ok = (!site || d.site === site) &&
        (!platform || d.platforms.indexOf(" " + platform + " ") >= 0) &&
        (!holder || d.holder === holder) &&
        (!from || (d.date && d.date >= from)) && (!to || (d.date && d.date <= to)) &&
        (!q || d.title.indexOf(q) >= 0);
      if (row.hidden === ok) { row.hidden = !ok; }  // touch only rows that change: 10,000 rows stay fast
      if (ok) { n += 1; }
    });
    shown.textContent = n === total ? total + (total === 1 ? " article." : " articles.")
      : n + " of " + total + " articles match.";
  }

  function sortBy(button) {
    var th = button.parentNode, key = button.dataset.sort, numeric = button.dataset.type === "number";
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = info.get(a)[key], y = info.get(b)[key];
      var c = numeric ? x - y : x < y ? -1 : x > y ? 1 : 0;
      return sign * c;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (row) { frag.appendChild(row); });
    body.appendChild(frag);
  }

  // the site column sorts by site; the title column by the lower-cased title
  table.querySelectorAll("th button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () { sortBy(button); });
  });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });

  // index.html?site=...&platform=... (the graph's outlet links) opens the list filtered
  var params = new URLSearchParams(window.location.search);
  ["q", "site", "platform", "holder", "from", "to"].forEach(function (name) {
    if (params.has(name)) { form.elements[name].value = params.get(name); }
  });
  form.hidden = false;
  apply();
}());
