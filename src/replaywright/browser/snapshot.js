// One in-page pass over a frame: every visible interactive or text-bearing element, with the
// signals of a replaywright fingerprint. Walks open shadow roots. Elements are kept in
// window.__rwEls so the caller can act on them by index. With arg.target, describes that one
// element only (the replay fast path).
(arg) => {
  const { offsetX = 0, offsetY = 0, frame = "", target = null } = arg || {};
  const MAX_TEXT = 200;
  const INTERACTIVE_TAGS = new Set(["a", "button", "input", "select", "textarea", "summary", "option"]);
  const INTERACTIVE_ROLES = new Set(["button", "link", "checkbox", "radio", "textbox", "combobox",
    "listbox", "option", "menuitem", "menuitemcheckbox", "menuitemradio", "tab", "switch",
    "searchbox", "slider", "spinbutton", "treeitem", "row", "gridcell", "cell"]);
  const SKIP = new Set(["script", "style", "noscript", "template", "head", "meta", "link", "title", "br", "html", "body"]);
  const TEST_ID_ATTRS = ["data-testid", "data-test-id", "data-test", "data-qa", "data-cy"];
  const clean = (s) => (s || "").replace(/\s+/g, " ").trim();
  const cap = (s, n = MAX_TEXT) => { s = clean(s); return s.length > n ? s.slice(0, n) : s; };

  const implicitRole = (el) => {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute("type") || "text").toLowerCase();
    if (tag === "a") return el.hasAttribute("href") ? "link" : "";
    if (tag === "button" || tag === "summary") return "button";
    if (tag === "select") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    if (tag === "textarea") return "textbox";
    if (tag === "option") return "option";
    if (tag === "img") return el.getAttribute("alt") === "" ? "presentation" : "img";
    if (/^h[1-6]$/.test(tag)) return "heading";
    if (tag === "input") {
      if (["button", "submit", "reset", "image"].includes(type)) return "button";
      if (type === "checkbox") return "checkbox";
      if (type === "radio") return "radio";
      if (type === "range") return "slider";
      if (type === "number") return "spinbutton";
      if (type === "search") return "searchbox";
      if (type === "file" || type === "hidden" || type === "color") return "";
      return el.hasAttribute("list") ? "combobox" : "textbox";
    }
    const map = { nav: "navigation", main: "main", header: "banner", footer: "contentinfo",
      aside: "complementary", form: "form", dialog: "dialog", table: "table", tr: "row",
      td: "cell", th: "columnheader", ul: "list", ol: "list", li: "listitem", p: "paragraph",
      label: "", fieldset: "group", legend: "" };
    return map[tag] || "";
  };
  const roleOf = (el) => clean(el.getAttribute("role")).split(" ")[0] || implicitRole(el);
  const rootOf = (el) => el.getRootNode();
  const byId = (el, id) => { const r = rootOf(el); return (r.getElementById ? r.getElementById(id) : null) || document.getElementById(id); };

  const labelText = (el) => {
    const parts = [];
    const lb = el.getAttribute("aria-labelledby");
    if (lb) lb.split(/\s+/).forEach((id) => { const t = byId(el, id); if (t) parts.push(t.innerText || t.textContent); });
    if (el.labels && el.labels.length) {
      for (const label of el.labels) {
        let t = label.textContent || "";
        if (label.contains(el) && el.value) t = t.replace(el.value, "");
        parts.push(t);
      }
    } else if (el.id) {
      const r = rootOf(el);
      const lab = r.querySelector ? r.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
      if (lab) parts.push(lab.textContent);
    }
    return cap(parts.join(" "));
  };
  const ownText = (el) => {
    let t = "";
    for (const n of el.childNodes) if (n.nodeType === 3) t += n.textContent;
    return clean(t);
  };
  const visibleText = (el) => {
    const tag = el.tagName.toLowerCase();
    if (tag === "input" || tag === "textarea") {
      const type = (el.getAttribute("type") || "").toLowerCase();
      if (["checkbox", "radio", "file", "password"].includes(type)) return "";
      return cap(el.value || el.getAttribute("placeholder") || "");
    }
    if (tag === "select") return cap(el.selectedOptions && el.selectedOptions[0] ? el.selectedOptions[0].text : "");
    // innerText skips hidden text but applies text-transform; the words as written matter more
    if (el.innerText === undefined || getComputedStyle(el).textTransform !== "none") return cap(el.textContent);
    return cap(el.innerText);
  };
  const accessibleName = (el, label, text) => {
    const aria = el.getAttribute("aria-label");
    const lb = el.getAttribute("aria-labelledby");
    if (lb) { const t = lb.split(/\s+/).map((id) => { const n = byId(el, id); return n ? (n.innerText || n.textContent) : ""; }).join(" "); if (clean(t)) return cap(t); }
    if (aria && clean(aria)) return cap(aria);
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (tag === "input" && ["button", "submit", "reset"].includes(type)) return cap(el.value || type);
    if (["input", "select", "textarea"].includes(tag)) return label || cap(el.getAttribute("placeholder") || el.getAttribute("title") || "");
    if (tag === "img") return cap(el.getAttribute("alt") || el.getAttribute("title") || "");
    return text || cap(el.getAttribute("title") || "");
  };
  const xpathOf = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1; ) {
      const tag = n.tagName.toLowerCase();
      let i = 1;
      for (let s = n.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === n.tagName) i++;
      parts.unshift(`${tag}[${i}]`);
      const parent = n.parentNode;
      if (parent && parent.nodeType === 11) { parts.unshift("#shadow"); n = parent.host; } else n = n.parentElement;
    }
    return "/" + parts.join("/");
  };
  const idxpathOf = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      if (n.id) { parts.unshift(`//*[@id='${n.id}']`); return parts.join("/"); }
      let i = 1;
      for (let s = n.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === n.tagName) i++;
      parts.unshift(`${n.tagName.toLowerCase()}[${i}]`);
    }
    return "/" + parts.join("/");
  };
  const cssPathOf = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 6; n = n.parentElement) {
      if (n.id) { parts.unshift(`#${CSS.escape(n.id)}`); break; }
      let sel = n.tagName.toLowerCase();
      const parent = n.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.tagName === n.tagName);
        if (same.length > 1) sel += `:nth-of-type(${same.indexOf(n) + 1})`;
      }
      parts.unshift(sel);
    }
    return parts.join(" > ");
  };
  const hash = (s) => { let h = 5381; for (let i = 0; i < s.length; i++) h = ((h << 5) + h + s.charCodeAt(i)) >>> 0; return h.toString(16); };
  const structuralHash = (el) => {
    const chain = [];
    for (let n = el; n && n.nodeType === 1 && chain.length < 8; n = n.parentElement) chain.push(n.tagName.toLowerCase());
    return hash(chain.join(">") + "|" + [...el.children].map((c) => c.tagName.toLowerCase()).join(","));
  };
  const effectiveBackground = (el) => {
    for (let n = el; n && n.nodeType === 1; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
      const bg = getComputedStyle(n).backgroundColor;
      if (bg && bg !== "transparent" && !/rgba\(\d+, \d+, \d+, 0\)/.test(bg)) return bg;
    }
    return "rgb(255, 255, 255)";
  };
  const LANDMARKS = new Set(["header", "nav", "main", "aside", "footer", "form", "section", "dialog", "fieldset", "table"]);
  const landmarkOf = (el) => {
    for (let n = el.parentElement; n; n = n.parentElement) {
      const tag = n.tagName.toLowerCase();
      const role = n.getAttribute("role");
      if (LANDMARKS.has(tag) || (role && ["banner", "navigation", "main", "complementary", "contentinfo", "form", "region", "dialog", "group"].includes(role))) {
        const heading = n.querySelector("legend, caption, h1, h2, h3, h4, h5, h6");
        const name = n.getAttribute("aria-label") || (heading ? heading.innerText || heading.textContent : "");
        return cap(`${role || tag} ${name}`, 80);
      }
    }
    return "";
  };
  const containerOf = (el, own) => {
    for (let n = el.parentElement, depth = 0; n && depth < 6; n = n.parentElement, depth++) {
      const tag = n.tagName.toLowerCase();
      if (["tr", "li", "article"].includes(tag) || ["row", "listitem", "article"].includes(n.getAttribute("role"))) return cap(n.innerText, 300);
      if (tag === "body" || tag === "form" || tag === "main") return "";
      const t = clean(n.innerText);
      if (t.length > own.length + 2 && t.length <= 300 && n.children.length > 1) return t;
      if (t.length > 300) return "";
    }
    return "";
  };
  const isVisible = (el, rect) => {
    if (rect.width <= 0 || rect.height <= 0) {
      const tag = el.tagName.toLowerCase();
      if (tag === "input" && ["checkbox", "radio"].includes((el.type || "").toLowerCase()) && el.labels && el.labels.length) return true;
      return false;
    }
    if (el.checkVisibility) return el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    const st = getComputedStyle(el);
    return st.visibility !== "hidden" && st.display !== "none" && st.opacity !== "0";
  };
  const isInteractive = (el) => {
    const tag = el.tagName.toLowerCase();
    if (INTERACTIVE_TAGS.has(tag)) return !(tag === "input" && (el.type || "").toLowerCase() === "hidden") && !(tag === "a" && !el.hasAttribute("href"));
    const role = el.getAttribute("role");
    if (role && INTERACTIVE_ROLES.has(role)) return true;
    return el.hasAttribute("onclick") || el.hasAttribute("ondblclick") || el.isContentEditable ||
      (el.hasAttribute("tabindex") && el.tabIndex >= 0) || tag === "label";
  };
  const isTextBearing = (el) => {
    const tag = el.tagName.toLowerCase();
    if (tag === "img") return !!el.getAttribute("alt");
    if (/^h[1-6]$/.test(tag)) return true;
    return ownText(el).length > 0;
  };

  const pageW = Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0, innerWidth);
  const pageH = Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0, innerHeight);

  const describe = (el, heading) => {
    const rect = el.getBoundingClientRect();
    const tag = el.tagName.toLowerCase();
    const role = roleOf(el);
    const label = ["input", "select", "textarea"].includes(tag) || el.getAttribute("aria-labelledby") ? labelText(el) : "";
    const text = visibleText(el);
    const attributes = {};
    for (const a of el.attributes) {
      if (a.name.startsWith("data-") || a.name.startsWith("aria-") || ["type", "role", "for", "name", "value"].includes(a.name)) attributes[a.name] = cap(a.value, 120);
    }
    let testId = "";
    for (const a of TEST_ID_ATTRS) if (el.getAttribute(a)) { testId = el.getAttribute(a); break; }
    const type = tag === "input" ? (el.getAttribute("type") || "text").toLowerCase() : "";
    const style = getComputedStyle(el);
    const inShadow = rootOf(el) instanceof ShadowRoot;
    return {
      tag, role,
      accessible_name: accessibleName(el, label, text),
      text, label,
      placeholder: cap(el.getAttribute("placeholder") || ""),
      input_type: type,
      value: tag === "select" ? text : (["input", "textarea"].includes(tag) && !["password"].includes(type) ? cap(el.value || "") : ""),
      is_button: role === "button",
      id: el.id || "",
      name: el.getAttribute("name") || "",
      classes: [...el.classList],
      href: el.getAttribute("href") ? el.href : "",
      alt: el.getAttribute("alt") || "",
      title: el.getAttribute("title") || "",
      test_id: testId,
      attributes,
      xpath: xpathOf(el),
      idxpath: idxpathOf(el),
      css_path: cssPathOf(el),
      structural_hash: structuralHash(el),
      x: Math.round(rect.left + scrollX + offsetX), y: Math.round(rect.top + scrollY + offsetY),
      width: Math.round(rect.width), height: Math.round(rect.height),
      page_width: pageW, page_height: pageH,
      heading: heading || "",
      landmark: landmarkOf(el),
      color: style.color,
      background_color: effectiveBackground(el),
      visible: true,
      frame, in_shadow: inShadow,
      // snapshot-only facts, not part of the fingerprint
      container: containerOf(el, text),
      interactive: isInteractive(el),
      disabled: !!el.disabled || el.getAttribute("aria-disabled") === "true",
      checked: (tag === "input" && ["checkbox", "radio"].includes(type)) ? el.checked : (el.getAttribute("aria-checked") === null ? null : el.getAttribute("aria-checked") === "true"),
      options: tag === "select" ? [...el.options].map((o) => clean(o.text)).slice(0, 100) : [],
    };
  };

  if (target) {
    const rect = target.getBoundingClientRect();
    const d = describe(target, "");
    d.visible = isVisible(target, rect);
    return d;
  }

  const els = [];
  const out = [];
  let lastHeading = "";
  const stack = [document.documentElement];
  while (stack.length) {
    const el = stack.pop();
    const kids = [];
    if (el.shadowRoot) kids.push(...el.shadowRoot.children);
    kids.push(...el.children);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    const tag = el.tagName.toLowerCase();
    if (SKIP.has(tag) || tag.includes("svg") && tag !== "svg") continue;
    if (/^h[1-6]$/.test(tag)) lastHeading = cap(el.innerText || el.textContent, 120);
    if (!(isInteractive(el) || isTextBearing(el))) continue;
    if (tag === "option") continue;
    const rect = el.getBoundingClientRect();
    if (!isVisible(el, rect)) continue;
    const d = describe(el, /^h[1-6]$/.test(tag) ? "" : lastHeading);
    els.push(el);
    out.push(d);
  }

  // Neighbour text: the nearest text-bearing element in each direction, and words nearby.
  const texts = out.map((d) => d.accessible_name || d.text || d.label);
  for (let i = 0; i < out.length; i++) {
    const a = out[i];
    const best = { above: [1e9, ""], below: [1e9, ""], left: [1e9, ""], right: [1e9, ""] };
    const near = [];
    const ax2 = a.x + a.width, ay2 = a.y + a.height;
    for (let j = 0; j < out.length; j++) {
      if (i === j || !texts[j]) continue;
      const b = out[j];
      if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;
      const bx2 = b.x + b.width, by2 = b.y + b.height;
      const hOverlap = Math.min(ax2, bx2) - Math.max(a.x, b.x);
      const vOverlap = Math.min(ay2, by2) - Math.max(a.y, b.y);
      if (by2 <= a.y + 2 && hOverlap > -20) { const d = a.y - by2; if (d < best.above[0]) best.above = [d, texts[j]]; }
      else if (b.y >= ay2 - 2 && hOverlap > -20) { const d = b.y - ay2; if (d < best.below[0]) best.below = [d, texts[j]]; }
      else if (bx2 <= a.x + 2 && vOverlap > -5) { const d = a.x - bx2; if (d < best.left[0]) best.left = [d, texts[j]]; }
      else if (b.x >= ax2 - 2 && vOverlap > -5) { const d = b.x - ax2; if (d < best.right[0]) best.right = [d, texts[j]]; }
      const dx = Math.max(0, b.x - ax2, a.x - bx2), dy = Math.max(0, b.y - ay2, a.y - by2);
      if (dx * dx + dy * dy < 60 * 60) near.push(texts[j]);
    }
    a.neighbors = {};
    for (const k of ["above", "below", "left", "right"]) if (best[k][1] && best[k][0] < 300) a.neighbors[k] = cap(best[k][1], 80);
    a.neighbor_text = cap(near.join(" "), 300);
  }
  window.__rwEls = els;
  return { url: location.href, title: document.title, elements: out };
}
