// Phone and tablet layout helpers (base.html loads this; the CSP allows no inline script):
// 1. the header's menu button: under 1000 px (app.css) the menu and the signed-in user's
//    links fold away behind it; without this script they stay shown.
// 2. table cells labelled with their column's heading (data-label), which app.css shows
//    beside each value when a table becomes cards: under 760 px every table, and at any
//    width a table wider than its place (marked .as-cards here, again on resize).
//    Tables swapped in by htmx are labelled as they arrive. A cell that has data-label
//    keeps it; a table marked .keep-table is left alone.
(function () {
  "use strict";

  function setUpMenu() {
    var toggle = document.querySelector(".topbar .menu-toggle");
    var panel = document.getElementById("site-menu");
    if (!toggle || !panel) return;
    toggle.hidden = false;
    document.querySelector(".topbar").classList.add("foldable");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("open", open);
    });
  }

  function headings(table) {
    var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (!head) return null;
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      var text = cell.getAttribute("data-label") || cell.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) names.push(text);
    });
    return names;
  }

  function labelTables(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table") : [];
    var around = root.closest ? root.closest("table") : null;  // rows swapped into a table
    if (around) tables = [around];
    Array.prototype.forEach.call(tables, function (table) {
      var names = headings(table);
      if (!names) return;
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && names[column] && (cell.colSpan || 1) === 1) {
              cell.setAttribute("data-label", names[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }

  function fitTables() {
    Array.prototype.forEach.call(document.querySelectorAll("main table:not(.keep-table)"), function (table) {
      table.classList.remove("as-cards");
      var place = table.parentElement;
      if (table.getBoundingClientRect().width > place.clientWidth + 1) table.classList.add("as-cards");
    });
  }

  var pending = false;
  function refit() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fitTables(); });
  }

  function start() {
    setUpMenu();
    labelTables(document);
    fitTables();
    window.addEventListener("resize", refit);
    document.body.addEventListener("htmx:load", function (event) { labelTables(event.target); refit(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
