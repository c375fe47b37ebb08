// The layout test's look at one page at one width (tests/test_layout.py, whose
// docstring defines each rule). Called as a function of `scope`, a CSS selector
// of the part to look at ("body", or "header" once the folded menu is open);
// returns [{what, element, text}], one per problem.
(scope) => {
  const MIN = 44;
  const width = document.documentElement.clientWidth;
  const root = document.querySelector(scope);
  const problems = [];
  if (!root) return problems;
  window.scrollTo(0, 0);

  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    const classes = [...el.classList].slice(0, 2);
    if (classes.length) name += "." + classes.join(".");
    const parent = el.parentElement;
    if (parent && !el.id) {
      let up = parent.tagName.toLowerCase();
      if (parent.id) up += "#" + parent.id; else if (parent.classList.length) up += "." + parent.classList[0];
      name = up + " > " + name;
    }
    return name;
  };
  const textOf = (el) => (el.getAttribute("aria-label") || el.innerText || el.value || el.getAttribute("name") || "")
    .replace(/\s+/g, " ").trim().slice(0, 40);
  const report = (what, el) => problems.push({ what, element: describe(el), text: textOf(el) });
  const folded = (el) => {  // inside a closed <details> (but not its summary): not shown
    for (let d = el.closest("details:not([open])"); d; d = d.parentElement && d.parentElement.closest("details:not([open])")) {
      const summary = d.querySelector(":scope > summary");
      if (!summary || !summary.contains(el)) return true;
    }
    return false;
  };
  const shown = (el) => {
    if (folded(el)) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;  // not rendered, or visually hidden (1 px, clipped)
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.opacity !== "0";
  };
  const inSvg = (el) => el.closest("svg") !== null && el.tagName.toLowerCase() !== "svg";

  // 1. Nothing past the left or right edge: element boxes and the text in them.
  //    Only the outermost offender of a subtree is reported.
  const scrollWidth = document.documentElement.scrollWidth;
  if (scope === "body" && scrollWidth > width + 1) {
    problems.push({ what: `the page scrolls sideways (${scrollWidth} px wide in ${width} px)`, element: "html", text: "" });
  }
  const past = new Set();
  const beyond = (r) => r.right > width + 1 || r.left < -1;
  for (const el of root.querySelectorAll("*")) {
    if (inSvg(el) || ["SCRIPT", "STYLE", "OPTION", "TEMPLATE", "BR"].includes(el.tagName)) continue;
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (beyond(r)) {
      past.add(el);
      if (!past.has(el.parentElement)) {
        report(`reaches past the screen's edge (${Math.round(r.left)}..${Math.round(r.right)} px of ${width})`, el);
      }
    }
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || past.has(el) || inSvg(el) || ["SCRIPT", "STYLE", "OPTION"].includes(el.tagName)) continue;
    if (!shown(el)) continue;
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && beyond(r)) {
        past.add(el);
        report(`text reaches past the screen's edge (${Math.round(r.left)}..${Math.round(r.right)} px of ${width})`, el);
        break;
      }
    }
  }

  // 2. Touch targets of at least 44 x 44 px (links in running text excepted).
  const CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  const NOT_TEXT = "a, button, select, textarea, summary, option, script, style";
  const inRunningText = (a) => {
    if (getComputedStyle(a).display !== "inline") return false;
    let block = a.parentElement;
    while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
    if (!block) return false;
    const texts = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let t = texts.nextNode(); t; t = texts.nextNode()) {
      // words or figures: a separator ("·", "|") between links does not make a sentence
      if (/[\p{L}\p{N}]/u.test(t.textContent) && t.parentElement && !t.parentElement.closest(NOT_TEXT)) return true;
    }
    return false;
  };
  const target = (el) => {
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      return el.closest("label") || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el;
    }
    return el;
  };
  for (const el of root.querySelectorAll(CONTROLS)) {
    if (inSvg(el) || !shown(el)) continue;
    if (el.matches("a") && inRunningText(el)) continue;
    const box = target(el);
    const r = box.getBoundingClientRect();
    if (r.height < MIN - 0.5 || r.width < MIN - 0.5) {
      report(`touch target ${Math.round(r.width)} x ${Math.round(r.height)} px (under ${MIN} x ${MIN})`, box);
    }
  }

  // 3. Number fields carry inputmode (the phone's numeric keypad).
  for (const el of root.querySelectorAll("input[type=number], input[pattern]")) {
    if (el.type === "number" || /0-9|\\d/.test(el.getAttribute("pattern") || "")) {
      if (!el.hasAttribute("inputmode")) report("number field without inputmode", el);
    }
  }

  // 4. Every table row's actions reachable: scrolled to (vertically only:
  //    a sideways-scrolling wrapper does not count), the action is what a
  //    finger at its centre touches.
  if (scope === "body") {
    const rowActions = root.querySelectorAll("tr a[href], tr button, tr input:not([type=hidden]), tr select, tr textarea");
    for (const el of rowActions) {
      if (inSvg(el) || !shown(el)) continue;
      // an inline link that wraps has several boxes: its first line's
      const box = (e) => (getComputedStyle(e).display === "inline" && e.getClientRects().length ? e.getClientRects()[0] : e.getBoundingClientRect());
      let r = box(el);
      window.scrollTo(0, window.scrollY + r.top + r.height / 2 - window.innerHeight / 2);
      r = box(el);
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (x < 0 || x >= width || y < 0 || y >= window.innerHeight) {
        report(`row action out of view (its centre at x ${Math.round(x)} of ${width} px)`, el);
        continue;
      }
      const hit = document.elementFromPoint(x, y);
      const label = hit && hit.closest("label");
      if (!hit || !(hit === el || el.contains(hit) || (label && label.contains(el)))) {
        report(`row action covered (a touch at its centre reaches ${hit ? describe(hit) : "nothing"})`, el);
      }
    }
    window.scrollTo(0, 0);
  }
  return problems;
}
