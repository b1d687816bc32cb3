// A linear pass over a frame: the elements a step could mean, with the signals of a
// replaywright fingerprint, plus the page's shape (the element tree around them, landmark
// and region context) so relations like "in the row with X" or "in the sidebar" are
// answered without asking the page again. Walks open shadow roots. Elements are kept in
// window.__rwEls so the caller can act on them by index.
//
// Three phases, each linear: (1) one walk over every element with a stack — tree ids,
// visibility, region context and headings inherited, nothing queried per element;
// (2) the choice of what to describe: everything, or with `focus` only the elements whose
// words or kind could fit the step (and the rows around them); (3) the full description of
// the chosen few — names, paths, colours, neighbours from a grid.
//
// Visibility follows Playwright's: a non-empty box and visibility:visible (opacity 0 is
// visible). Two kinds of invisible element are kept, flagged `hidden`: a form control whose
// visible label stands in for it (custom-styled checkboxes, file inputs), and a control
// hidden inside a shown parent (buttons revealed on hover).
//
// arg: {offsetX, offsetY, frame, target, focus: {words: [...], phrases: [...], kinds: [...]},
//       shared: {role, name}}
// With `target`, describes that one element only (the replay fast path). With `shared`,
// answers whether two elements carry that role and accessible name.
(arg) => {
  const { offsetX = 0, offsetY = 0, frame = "", target = null, focus = null, shared = null } = arg || {};
  const MAX_TEXT = 200;
  const INTERACTIVE_TAGS = new Set(["a", "button", "input", "select", "textarea", "summary", "option", "label"]);
  const INTERACTIVE_ROLES = new Set(["button", "link", "checkbox", "radio", "textbox", "combobox",
    "listbox", "option", "menuitem", "menuitemcheckbox", "menuitemradio", "tab", "switch",
    "searchbox", "slider", "spinbutton", "treeitem", "gridcell"]);
  const STRUCTURE_ROLES = new Set(["row", "listitem", "table", "grid", "list", "dialog", "alertdialog",
    "alert", "status", "tabpanel", "menu", "menubar", "tablist", "toolbar", "article", "region",
    "navigation", "banner", "contentinfo", "complementary", "main", "form", "search", "group",
    "columnheader", "rowheader", "cell", "img", "tooltip", "progressbar", "heading", "note", "figure"]);
  const ITEM_ROLES = new Set(["row", "listitem", "article", "option", "treeitem"]);
  const SKIP = new Set(["script", "style", "noscript", "template", "head", "meta", "link", "title", "br", "html", "body", "option", "optgroup", "datalist", "path", "use", "defs", "g", "symbol", "clippath", "lineargradient", "stop", "circle", "rect", "line", "polyline", "polygon", "ellipse", "mask", "text", "tspan"]);
  const TEST_ID_ATTRS = ["data-testid", "data-test-id", "data-test", "data-qa", "data-cy"];
  const LANDMARK_TAGS = new Set(["header", "nav", "main", "aside", "footer", "form", "section", "dialog", "fieldset", "table"]);
  const LANDMARK_ROLES = new Set(["banner", "navigation", "main", "complementary", "contentinfo", "form", "region", "dialog", "alertdialog", "group", "search", "toolbar", "menu", "menubar", "tablist", "tabpanel", "grid", "table", "list"]);
  const OLD_LANDMARK_ROLES = new Set(["banner", "navigation", "main", "complementary", "contentinfo", "form", "region", "dialog", "group"]);
  const REGION_WORDS = /(breadcrumb|crumbs|toc|sidebar|side-bar|sidenav|toolbar|navbar|topbar|header|footer|menu|dialog|modal|drawer|panel|filter|search|pagination|pager|tabs|card|popover|dropdown|\bdrop\b|actions|nav|content)/i;
  const CLICKY_CLASS = /(^|[\s_-])(btn|button|icon|close|clickable|action|toggle|trigger)([\s_-]|$)/i;
  const clean = (s) => (s || "").replace(/\s+/g, " ").trim();
  const cap = (s, n = MAX_TEXT) => { s = clean(s); return s.length > n ? s.slice(0, n) : s; };
  // attributes, not properties: a <form> with an input named "id" answers form.id with it
  const idOf = (el) => el.getAttribute("id") || "";
  const lower = (el) => el.localName || el.tagName.toLowerCase();

  const implicitRole = (el, tag) => {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    if (tag === "a" || tag === "area") return el.hasAttribute("href") ? "link" : "";
    if (tag === "button" || tag === "summary") return "button";
    if (tag === "select") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    if (tag === "textarea") return "textbox";
    if (tag === "option") return "option";
    if (tag === "img") return el.getAttribute("alt") === "" ? "presentation" : "img";
    if (tag.length === 2 && tag[0] === "h" && tag[1] >= "1" && tag[1] <= "6") return "heading";
    if (tag === "input") {
      if (["button", "submit", "reset", "image"].includes(type)) return "button";
      if (type === "checkbox") return "checkbox";
      if (type === "radio") return "radio";
      if (type === "range") return "slider";
      if (type === "number") return "spinbutton";
      if (type === "search") return el.hasAttribute("list") ? "combobox" : "searchbox";
      if (type === "file" || type === "hidden" || type === "color") return "";
      return el.hasAttribute("list") ? "combobox" : "textbox";
    }
    switch (tag) {
      case "nav": return "navigation"; case "main": return "main"; case "header": return "banner";
      case "footer": return "contentinfo"; case "aside": return "complementary"; case "form": return "form";
      case "dialog": return "dialog"; case "table": return "table"; case "tr": return "row";
      case "td": return "cell"; case "th": return "columnheader"; case "ul": case "ol": case "menu": return "list";
      case "li": return "listitem"; case "p": return "paragraph"; case "fieldset": return "group";
      case "article": return "article"; case "svg": return "img"; case "progress": return "progressbar";
      case "figure": return "figure";
      case "section": return el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby") ? "region" : "";
      default: return "";
    }
  };
  const isHeadingTag = (tag) => tag.length === 2 && tag[0] === "h" && tag[1] >= "1" && tag[1] <= "6";
  const roleAttrOf = (el) => { const r = el.getAttribute("role"); return r ? clean(r).split(" ")[0] : ""; };
  const rootOf = (el) => el.getRootNode();
  const byId = (el, id) => { const r = rootOf(el); return (r.getElementById ? r.getElementById(id) : null) || document.getElementById(id); };
  const textOfIds = (el, ids) => ids.split(/\s+/).map((id) => { const n = byId(el, id); return n ? (n.innerText || n.textContent) : ""; }).join(" ");
  const ownText = (el) => {
    let t = "";
    for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 3) t += n.textContent;
    return t.trim();
  };
  const shownBox = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // Playwright's rule (injected script's isElementVisible): a box with area, and visible by
  // style. Opacity does not count.
  const styleVisible = (el) => !el.checkVisibility || el.checkVisibility({ visibilityProperty: true });

  // <label for=q><img alt="Search"></label>: the label's words are its image's alt.
  const labelImageText = (label) => {
    const img = label.querySelector("img[alt], svg title, [aria-label]");
    if (!img) return "";
    return img.getAttribute("alt") || img.getAttribute("aria-label") || img.textContent || "";
  };
  // `el.labels` searches the whole document on every call (~0.8 s over the buttons of a
  // 20k-element page): once the walk has seen every label, they are indexed by control
  let labelIndex = null;  // control -> its labels in tree order; null before the walk
  const labelsOf = (el) => (labelIndex ? labelIndex.get(el) : el.labels) || [];
  const labelText = (el) => {
    const parts = [];
    const labels = labelsOf(el);
    if (labels.length) {
      for (const label of labels) {
        let t = label.innerText !== undefined ? label.innerText : label.textContent;
        if (!clean(t)) t = labelImageText(label);
        if (label.contains(el) && el.value && ["text", "email", "number", "search", "tel", "url", "password", ""].includes((el.type || "").toLowerCase())) t = t.replace(el.value, "");
        parts.push(t);
      }
    }
    const lb = el.getAttribute("aria-labelledby");
    if (lb && !parts.length) parts.push(textOfIds(el, lb));
    return cap(parts.join(" "));
  };
  // Icon fonts drawn from ligatures (<i class="material-icons">lock</i>Security): the icon's
  // word is no text a person reads; it is kept as the control's icon words instead.
  const LIGATURE_ICON = ".material-icons, .material-icons-outlined, .material-icons-round, .material-icons-sharp, .material-symbols-outlined, .material-symbols-rounded, .material-symbols-sharp, .q-icon, .mat-icon, mat-icon";
  const withoutLigatures = (el, text) => {
    if (!text || !el.querySelector || !el.querySelector(LIGATURE_ICON)) return text;
    let t = text;
    for (const icon of el.querySelectorAll(LIGATURE_ICON)) {
      const word = clean(icon.textContent);
      if (word && /^[a-z0-9_]+$/.test(word)) t = t.replace(word, " ");
    }
    return t.replace(/\s+/g, " ").trim();
  };
  const visibleText = (el, tag, style) => {
    if (tag === "input" || tag === "textarea") {
      const type = (el.getAttribute("type") || "").toLowerCase();
      if (["checkbox", "radio", "file", "password"].includes(type)) return "";
      return cap(el.value || el.getAttribute("placeholder") || "");
    }
    if (tag === "select") return cap(el.selectedOptions && el.selectedOptions[0] ? el.selectedOptions[0].text : "");
    // innerText skips hidden text but applies text-transform; the words as written matter more
    if (!("innerText" in el) || style.textTransform !== "none") return cap(withoutLigatures(el, el.textContent));
    return cap(withoutLigatures(el, el.innerText));
  };
  const NAME_FROM_CONTENT = new Set(["button", "link", "checkbox", "radio", "tab", "menuitem", "menuitemcheckbox", "menuitemradio", "option", "switch", "treeitem", "cell", "gridcell", "columnheader", "rowheader", "heading", "row", "tooltip", "img"]);
  // Name from content for text-less controls: inner images' alt, svg titles, aria-labels.
  const contentName = (el) => {
    const inner = el.querySelector("img[alt], svg title, [aria-label]");
    if (!inner) return "";
    return cap(inner.getAttribute("alt") || inner.getAttribute("aria-label") || inner.textContent || "");
  };
  const accessibleName = (el, tag, role, label, text) => {
    const lb = el.getAttribute("aria-labelledby");
    if (lb) { const t = textOfIds(el, lb); if (clean(t)) return cap(t); }
    const aria = el.getAttribute("aria-label");
    if (aria && clean(aria)) return cap(aria);
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (tag === "input" && ["button", "submit", "reset"].includes(type)) return cap(el.value || ({ submit: "Submit", reset: "Reset" })[type] || "");
    if (tag === "input" && type === "image") return cap(el.getAttribute("alt") || el.value || "Submit");
    if (["input", "select", "textarea"].includes(tag)) return label || cap(el.getAttribute("title") || el.getAttribute("placeholder") || "");
    if (tag === "img") return cap(el.getAttribute("alt") || el.getAttribute("title") || "");
    if (tag === "svg") { const t = el.querySelector("title"); return cap(t ? t.textContent : ""); }
    if (NAME_FROM_CONTENT.has(role) || INTERACTIVE_TAGS.has(tag)) return text || contentName(el) || cap(el.getAttribute("title") || "");
    return cap(el.getAttribute("title") || "");
  };
  // What an icon-only control shows: glyphs from CSS ::before/::after, icon class words of
  // its inner elements, svg <use> targets. Only asked for controls without words.
  const iconWords = (el) => {
    const parts = [], classes = [];
    const some = [el];
    for (let n = el.firstElementChild; n && some.length < 8; ) {
      some.push(n);
      n = n.firstElementChild || n.nextElementSibling || (n.parentElement !== el ? n.parentElement.nextElementSibling : null);
    }
    for (const n of some) {
      for (const pseudo of ["::before", "::after"]) {
        const c = getComputedStyle(n, pseudo).content;
        if (c && c !== "none" && c !== "normal" && c !== '""') {
          const glyph = c.replace(/^["']|["']$/g, "");
          if (glyph && !/^[\ue000-\uf8ff]+$/.test(glyph) && glyph.length <= 20) parts.push(glyph);
        }
      }
      if (n !== el) {
        if (n.classList && n.classList.length) classes.push([...n.classList].join(" "));
        const use = lower(n) === "use" ? (n.getAttribute("href") || n.getAttribute("xlink:href") || "") : "";
        if (use) parts.push(use.replace(/^.*#/, ""));
        const dataIcon = n.getAttribute && (n.getAttribute("data-icon") || n.getAttribute("data-lucide") || n.getAttribute("icon"));
        if (dataIcon) parts.push(dataIcon);
        if (n.matches && n.matches(LIGATURE_ICON)) parts.push(clean(n.textContent).replace(/_/g, " "));
      }
    }
    // the icon's own words first: a wrapper's many layout classes must not crowd them out
    return cap([...parts, ...classes].join(" "), 120);
  };
  const hash = (s) => { let h = 5381; for (let i = 0; i < s.length; i++) h = ((h << 5) + h + s.charCodeAt(i)) >>> 0; return h.toString(16); };
  const backgrounds = new Map();  // element -> the colour behind it (memoised up the tree)
  const effectiveBackground = (el) => {
    const chain = [];
    let found = "rgb(255, 255, 255)";
    for (let n = el; n && n.nodeType === 1; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
      if (backgrounds.has(n)) { found = backgrounds.get(n); break; }
      chain.push(n);
      const bg = getComputedStyle(n).backgroundColor;
      if (bg && bg !== "transparent" && !/rgba\(\d+, \d+, \d+, 0\)/.test(bg)) { found = bg; break; }
    }
    for (const n of chain) backgrounds.set(n, found);
    return found;
  };
  // A dropdown widget drawn in place of a hidden <select> (select2, Chosen, Tom Select): the
  // widget's root, next to the select, is the dropdown a person clicks, named by the select.
  const WIDGET_CLASS = /select|dropdown|combo|choice|chosen|picker/i;
  const replacedSelect = new Map();  // widget root -> the hidden select it stands for
  for (const select of document.querySelectorAll("select")) {
    if (select.getClientRects().length) continue;  // shown: the select is the dropdown
    for (const s of [select.previousElementSibling, select.nextElementSibling]) {
      const t = s ? lower(s) : "";
      if (!s || ["select", "input", "textarea", "label", "script", "style", "button", "a"].includes(t) || !s.getClientRects().length || s.querySelector("select")) continue;
      if (WIDGET_CLASS.test(s.getAttribute("class") || "") || s.querySelector("[aria-haspopup]") || [...s.querySelectorAll("[class]")].some((k) => WIDGET_CLASS.test(k.getAttribute("class")))) {
        replacedSelect.set(s, select);
        break;
      }
    }
  }
  const isInteractive = (el, tag, role) => {
    if (replacedSelect.has(el)) return true;
    if (INTERACTIVE_TAGS.has(tag)) return !(tag === "input" && (el.type || "").toLowerCase() === "hidden") && !(tag === "a" && !el.hasAttribute("href") && !el.hasAttribute("onclick") && !el.hasAttribute("tabindex") && !el.hasAttribute("role"));
    if (role && INTERACTIVE_ROLES.has(role)) return true;
    return el.hasAttribute("onclick") || el.hasAttribute("ondblclick") || (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) ||
      (el.hasAttribute("tabindex") && el.tabIndex >= 0);
  };
  const isStructure = (tag, role) => STRUCTURE_ROLES.has(role) || tag === "li" || tag === "tr" || tag === "table" || tag === "dialog" || tag === "details" || tag === "pre";
  // The title of a block whose first child is a heading-like element (h1-h6, legend,
  // summary, or an element whose class says title/name/header), for blocks of several parts.
  const TITLE_CLASS = /(^|[\s_-])(title|name|header|heading|caption)([\s_-]|$)/i;
  const bareBlock = (el, tag) => tag === "div" && el.childElementCount === 2 && !el.getAttribute("class") && !el.id;
  const titleOf = (el, tag) => {
    if (INTERACTIVE_TAGS.has(tag) || el.childElementCount < 2 || SKIP.has(tag)) return "";
    const first = el.firstElementChild;
    const t = lower(first);
    if (!(isHeadingTag(t) || t === "legend" || t === "summary" || t === "caption"
          || (TITLE_CLASS.test(first.getAttribute("class") || "")))) return "";
    // a bare <div> (no class, no id) of a heading and one block: the block is what the
    // heading titles; a <div class="request-url"> is the titled thing itself
    if (isHeadingTag(t) && bareBlock(el, tag)) return "";
    return cap(first.innerText || first.textContent, 80);
  };
  // ... or the block right after a heading: what the heading titles ("the Response body")
  const titleFor = (el, tag) => {
    const own = titleOf(el, tag);
    if (own) return own;
    const prev = el.previousElementSibling;
    if (!prev || !isHeadingTag(lower(prev)) || isHeadingTag(tag) || INTERACTIVE_TAGS.has(tag) || SKIP.has(tag)) return "";
    const parent = el.parentElement;
    if (parent && parent.firstElementChild === prev && parent.childElementCount === 2 && !bareBlock(parent, lower(parent))) return "";
    return cap(prev.innerText || prev.textContent, 80);
  };
  const isTextBearing = (el, tag) => {
    if (tag === "img") return !!el.getAttribute("alt");
    if (tag === "svg") return !!el.querySelector("title");
    if (isHeadingTag(tag)) return true;
    return ownText(el).length > 0;
  };
  // Paths from the node up, from the indices the walk noted: only for what is described.
  // An XPath step; an <svg> (another namespace) is not found by its bare name in HTML.
  const xstep = (el, t, i) => el.namespaceURI === "http://www.w3.org/1999/xhtml" ? `${t}[${i}]` : `*[local-name()='${t}'][${i}]`;
  const pathsOf = (id) => {
    const parts = [], css = [];
    let idx = "", cssDone = false;
    for (let n = id; n >= 0; n = parentOf[n]) {
      const el = nodeEl[n];
      const t = lower(el);
      if (!cssDone) {
        if (idOf(el)) { css.unshift(`#${CSS.escape(idOf(el))}`); cssDone = true; }
        else {
          css.unshift(t + (sibSame[n] > 1 ? `:nth-of-type(${sibIndex[n]})` : ""));
          if (css.length >= 6) cssDone = true;
        }
      }
      if (!idx && idOf(el)) idx = `//*[@id='${idOf(el)}']` + (parts.length ? "/" + parts.join("/") : "");
      parts.unshift(xstep(el, t, sibIndex[n]));
      if (shadowChild[n]) parts.unshift("#shadow");
    }
    return { xpath: "/" + parts.join("/"), idxpath: idx || "/" + parts.join("/"), css: css.join(" > ") };
  };
  // The same for one element met alone (the fast path), walking its siblings.
  const pathsOfElement = (el) => {
    const parts = [], css = [];
    let idx = "", cssDone = false;
    for (let n = el; n && n.nodeType === 1; ) {
      const t = lower(n);
      let i = 1, same = 0;
      const parent = n.parentNode;
      for (let s = n.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === n.tagName) i++;
      if (!cssDone) {
        if (idOf(n)) { css.unshift(`#${CSS.escape(idOf(n))}`); cssDone = true; }
        else {
          for (let s = parent && parent.firstElementChild; s; s = s.nextElementSibling) if (s.tagName === n.tagName) same++;
          css.unshift(t + (same > 1 ? `:nth-of-type(${i})` : ""));
          if (css.length >= 6) cssDone = true;
        }
      }
      if (!idx && idOf(n)) idx = `//*[@id='${idOf(n)}']` + (parts.length ? "/" + parts.join("/") : "");
      parts.unshift(xstep(n, t, i));
      if (parent && parent.nodeType === 11) { parts.unshift("#shadow"); n = parent.host; } else n = n.parentElement;
    }
    return { xpath: "/" + parts.join("/"), idxpath: idx || "/" + parts.join("/"), css: css.join(" > ") };
  };
  const chainOf = (el) => {
    const chain = [];
    for (let n = el; n && n.nodeType === 1 && chain.length < 8; n = n.parentElement) chain.push(lower(n));
    return chain.join(">");
  };
  // A text box that is a dropdown without saying so (a UI kit's filterable select): a
  // dropdown arrow or a dropdown/combobox class in the few wrappers around it.
  const DROPDOWN_WORDS = /(^|[\s_-])(dropdown|combo-?box|chevron-?down|caret-?down|select-?arrow|dropdown-arrow)([\s_-]|$)/i;
  const textLike = (el, tag) => tag === "input" && ["", "text", "search"].includes((el.getAttribute("type") || "").toLowerCase());
  const opensList = (el) => {
    let n = el.parentElement;
    for (let depth = 0; n && depth < 3; depth++, n = n.parentElement) {
      if (n.querySelectorAll("input, select, textarea, button").length > 1) return false;  // its own wrappers only
      if (DROPDOWN_WORDS.test(n.getAttribute("class") || "")) return true;
      for (const icon of n.querySelectorAll("svg[class], i[class], span[class]")) {
        if (DROPDOWN_WORDS.test(icon.getAttribute("class") || "")) return true;
      }
    }
    return false;
  };
  // A script editor or widget over a hidden native control (CodeMirror, Ace or a rich-text
  // editor replacing <textarea id="sql-editor" style="display:none">): its own text box has
  // no words; the control it replaces has them (label, id, name).
  const EDITABLE = "textarea, input:not([type=hidden]), select, [contenteditable=''], [contenteditable=true]";
  const replacedControl = (el, tag) => {
    const entry = tag === "textarea" || textLike(el, tag) || (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable));
    if (!entry || el.getAttribute("name") || el.getAttribute("aria-label") || el.getAttribute("placeholder") || labelsOf(el).length) return null;
    let n = el;
    for (let depth = 0; n && depth < 5; depth++, n = n.parentElement) {
      if (depth && n.querySelectorAll(EDITABLE).length > 1) return null;  // past the widget
      for (const s of [n.previousElementSibling, n.nextElementSibling]) {
        const t = s ? lower(s) : "";
        // (a rich-text editor keeps its value in an <input type=hidden> it stands for)
        if ((t === "textarea" || t === "select" || (t === "input" && (s.type !== "hidden" || s.id))) && !s.getClientRects().length) return s;
      }
    }
    return null;
  };
  const replacedWords = (native) => native ? cap(`${native.id} ${native.getAttribute("name") || ""}`, 120) : "";
  // its label: a hidden input has no `labels`, but a <label for> may still name it
  const replacedLabel = (native) => labelText(native) || (native.id ? clean((document.querySelector(`label[for="${CSS.escape(native.id)}"]`) || {}).textContent || "") : "");
  // A value control nothing names (no label, aria-label, placeholder or title) is named
  // by the short caption right before it: `<div>Quiet hours</div><div role="slider">`.
  const CAPTIONED = new Set(["slider", "spinbutton", "textbox", "combobox", "listbox", "searchbox"]);
  const captionOf = (el, tag, role) => {
    if (!CAPTIONED.has(role) || ["aria-label", "aria-labelledby", "placeholder", "title"].some((a) => el.getAttribute(a)) || labelsOf(el).length) return "";
    let at = el;  // <label>Value:</label><section><input></section>: the wrapper's caption
    for (let up = 0; up < 2 && !at.previousElementSibling && at.parentElement && at.parentElement.childElementCount === 1; up++) at = at.parentElement;
    const prev = at.previousElementSibling;
    if (!prev || SKIP.has(lower(prev)) || prev.querySelector("input, select, textarea, button, a[href], [role]")) return "";
    const words = clean(prev.innerText || "");
    return words.length <= 40 ? words : "";
  };
  const pageW = Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0, innerWidth);
  const pageH = Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0, innerHeight);

  // a control's label (or the label of the hidden control a widget replaces)
  const labelOf = (el, tag, native) => ((tag === "input" || tag === "select" || tag === "textarea" || el.getAttribute("aria-labelledby")) ? labelText(el) : "") || (native ? replacedLabel(native) : "");
  const describe = (el, tag, role, rect, paths) => {
    const style = getComputedStyle(el);
    const isControl = tag === "input" || tag === "select" || tag === "textarea";
    const native = replacedControl(el, tag) || replacedSelect.get(el);
    const label = labelOf(el, tag, native);
    // what a person reads as its name, though no label element says so (not a locator)
    const caption = label ? "" : captionOf(el, tag, role);
    const text = visibleText(el, tag, style);
    const attributes = {};
    for (const a of el.attributes) {
      if (a.name.startsWith("data-") || a.name.startsWith("aria-") || ["type", "role", "for", "name", "value"].includes(a.name)) attributes[a.name] = cap(a.value, 120);
    }
    let testId = "";
    for (const a of TEST_ID_ATTRS) if (el.getAttribute(a)) { testId = el.getAttribute(a); break; }
    const type = tag === "input" ? (el.getAttribute("type") || "text").toLowerCase() : "";
    const name = accessibleName(el, tag, role, label, text);
    const ariaChecked = el.getAttribute("aria-checked");
    const ariaPressed = el.getAttribute("aria-pressed");
    let interactive = isInteractive(el, tag, role);
    if (!interactive && style.cursor === "pointer" && tag !== "svg" && tag !== "img") {
      const parent = el.parentElement;
      interactive = !parent || getComputedStyle(parent).cursor !== "pointer";
    }
    return {
      tag, role,
      accessible_name: name,
      text, label, caption,
      placeholder: cap(el.getAttribute("placeholder") || ""),
      input_type: type,
      value: tag === "select" ? text : ((tag === "input" || tag === "textarea") && type !== "password" ? cap(el.value || "") : ""),
      is_button: role === "button",
      id: idOf(el),
      name: el.getAttribute("name") || "",
      classes: [...el.classList],
      href: el.getAttribute("href") && el.href !== undefined ? String(el.href.baseVal !== undefined ? el.href.baseVal : el.href) : "",
      alt: el.getAttribute("alt") || "",
      title: el.getAttribute("title") || "",
      test_id: testId,
      attributes,
      xpath: paths.xpath,
      idxpath: paths.idxpath,
      css_path: paths.css,
      structural_hash: hash(chainOf(el) + "|" + [...el.children].map(lower).join(",")),
      x: Math.round(rect.left + scrollX + offsetX), y: Math.round(rect.top + scrollY + offsetY),
      width: Math.round(rect.width), height: Math.round(rect.height),
      page_width: pageW, page_height: pageH,
      heading: "",
      landmark: "",
      color: style.color,
      background_color: effectiveBackground(el),
      visible: true,
      frame, in_shadow: rootOf(el) instanceof ShadowRoot,
      // snapshot-only facts, not part of the fingerprint
      interactive,
      disabled: !!el.disabled || el.getAttribute("aria-disabled") === "true" || !!(isControl && el.closest && el.closest("fieldset[disabled]")),
      checked: (tag === "input" && (type === "checkbox" || type === "radio")) ? el.checked : (ariaChecked === null ? (ariaPressed === null ? null : ariaPressed === "true") : ariaChecked === "true"),
      options: tag === "select" ? [...el.options].map((o) => clean(o.text)).slice(0, 200) : [],
      // an icon-only control's glyph, also when a title or aria-label names it ("the eye
      // icon" for <a title="View Record"><span class="fa fa-eye">)
      icon: !isControl && !clean(text) && (interactive || INTERACTIVE_ROLES.has(role)) ? iconWords(el) : "",
      expanded: el.getAttribute("aria-expanded"),
      haspopup: el.getAttribute("aria-haspopup") || (tag === "select" || replacedSelect.has(el) ? "listbox" : "") || (textLike(el, tag) && opensList(el) ? "listbox" : ""),
      editable: el.isContentEditable || false,
      replaces: replacedWords(native),
    };
  };

  if (shared) {
    // elements whose words hold the name's first word, in tree order (open shadow roots
    // too), until two carry the role and the name: a selector made of them is not unique
    const hint = clean(shared.name).split(" ")[0].toLowerCase();
    let seen = 0;
    const stack = [document.documentElement];
    while (stack.length) {
      const el = stack.pop();
      for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
      if (el.shadowRoot) for (let i = el.shadowRoot.children.length - 1; i >= 0; i--) stack.push(el.shadowRoot.children[i]);
      const tag = lower(el);
      const role = roleAttrOf(el) || implicitRole(el, tag);
      if (role !== shared.role) continue;
      const words = `${el.textContent} ${el.getAttribute("aria-label") || ""} ${el.getAttribute("title") || ""} ${el.getAttribute("aria-labelledby") ? textOfIds(el, el.getAttribute("aria-labelledby")) : ""} ${el.value || ""} ${el.getAttribute("alt") || ""}`;
      if (!words.toLowerCase().includes(hint)) continue;
      const label = labelOf(el, tag, replacedControl(el, tag) || replacedSelect.get(el));
      if (accessibleName(el, tag, role, label, visibleText(el, tag, getComputedStyle(el))) === shared.name && ++seen === 2) return { shared: true };
    }
    return { shared: false };
  }

  if (target) {
    const tag = lower(target);
    const role = roleAttrOf(target) || implicitRole(target, tag);
    const rect = target.getBoundingClientRect();
    const d = describe(target, tag, role, rect, pathsOfElement(target));
    d.visible = styleVisible(target) && rect.width > 0 && rect.height > 0;
    const titled = titleFor(target, tag);
    if (titled && !d.accessible_name) d.accessible_name = titled;
    // its landmark and its row, walking up once
    for (let n = target.parentElement; n; n = n.parentElement) {
      const t = lower(n), r = roleAttrOf(n);
      if (!d.container && (t === "tr" || t === "li" || t === "article" || r === "row" || r === "listitem" || r === "article")) d.container = cap(n.innerText, 300);
      if (!d.landmark && (LANDMARK_TAGS.has(t) || OLD_LANDMARK_ROLES.has(r))) {
        const heading = n.querySelector("legend, caption, h1, h2, h3, h4, h5, h6");
        d.landmark = cap(`${r || t} ${n.getAttribute("aria-label") || (heading ? heading.innerText || heading.textContent : "")}`, 80);
      }
    }
    return d;
  }

  // ---- phase 1: the walk ------------------------------------------------------------------
  const started = performance.now();
  const nodeEl = [];     // node id -> element
  const parentOf = [];   // node id -> parent node id
  const endOf = [];      // node id -> end of its subtree (pre-order: subtree = [id, end))
  const regions = {};    // node id -> [kind, name, class/id words, parent region, landmark, open]
  const cand = [];       // candidate node ids, in document order
  const candInfo = new Map(); // node id -> {tag, role, interactive, hidden, heading, region, shown}
  let lastHeading = "";
  const root = document.documentElement;
  const sibIndex = [];    // node id -> position among same-tag siblings (1-based)
  const sibSame = [];     // node id -> how many same-tag siblings it has (itself included)
  const shadowChild = []; // node id -> a direct child of a shadow root?
  const allLabels = [];   // every <label>, in walk order
  // a stack entry: [element, parent node id, region, parent shown?, closing?, index, same, shadow]
  const stack = [[root, -1, -1, true, false, 1, 1, false]];
  while (stack.length) {
    const entry = stack.pop();
    const el = entry[0];
    if (entry[4]) { endOf[entry[1]] = nodeEl.length; continue; }
    const id = nodeEl.length;
    nodeEl.push(el); parentOf.push(entry[1]); endOf.push(id + 1);
    sibIndex.push(entry[5]); sibSame.push(entry[6]); shadowChild.push(entry[7]);
    stack.push([el, id, 0, false, true]);
    const tag = lower(el);
    if (tag === "label") allLabels.push(el);
    const roleAttr = roleAttrOf(el);
    const role = roleAttr || implicitRole(el, tag);
    let region = entry[2];
    const isLandmark = LANDMARK_TAGS.has(tag) || LANDMARK_ROLES.has(role);
    const classWords = (el.getAttribute("class") || "") + " " + idOf(el);
    const titled = titleFor(el, tag);
    if (titled && !isLandmark) {
      // a block named by its first child (a facet, an admonition, a card): a region people
      // name by that title, and a candidate for checks
      regions[id] = ["", titled, cap(classWords, 120), region, "", false];
      region = id;
    } else if (isLandmark || (!INTERACTIVE_TAGS.has(tag) && classWords.length > 1 && REGION_WORDS.test(classWords))) {
      const aria = el.getAttribute("aria-label") || (el.getAttribute("aria-labelledby") ? textOfIds(el, el.getAttribute("aria-labelledby")) : "");
      const landmark = LANDMARK_TAGS.has(tag) || OLD_LANDMARK_ROLES.has(roleAttr) ? (roleAttr || tag) : "";
      regions[id] = [isLandmark ? (roleAttr || role || tag) : "", cap(aria, 80), cap(classWords, 120), region, landmark, !aria];
      region = id;
    }
    let shown = entry[3];
    let visible = false;
    let rect = null;
    const skip = el === root || SKIP.has(tag);
    if (!skip) {
      rect = el.getBoundingClientRect();
      visible = rect.width > 0 && rect.height > 0 && styleVisible(el);
      shown = visible;
    }
    // visually hidden (1 px, or off the page: the "sr-only" pattern): Playwright calls it
    // visible, a person never sees it; it is kept as a hidden candidate
    const offscreen = visible && (rect.width <= 1 || rect.height <= 1 || rect.right + scrollX <= 0 || rect.bottom + scrollY <= 0);
    const pushKids = (kids, inShadow) => {
      const total = new Map(), seen = new Map(), index = [];
      for (const k of kids) total.set(k.tagName, (total.get(k.tagName) || 0) + 1);
      for (const k of kids) { const n = (seen.get(k.tagName) || 0) + 1; seen.set(k.tagName, n); index.push(n); }
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], id, region, shown || skip, false, index[i], total.get(kids[i].tagName), inShadow]);
    };
    pushKids(el.children, false);
    if (el.shadowRoot) pushKids(el.shadowRoot.children, true);
    if (skip) continue;
    if (isHeadingTag(tag) || tag === "legend" || tag === "caption" || roleAttr === "heading") {
      const words = cap(el.innerText || el.textContent, 120);
      if (tag !== "legend" && tag !== "caption") lastHeading = words;
      for (let r = region; r >= 0; r = regions[r][3]) if (regions[r][5] && !regions[r][1]) regions[r][1] = words;
    }
    const interactive = isInteractive(el, tag, role);
    const textual = !interactive && isTextBearing(el, tag);
    const structure = !interactive && !textual && (isStructure(tag, role) || !!titled);
    // a word-less clickable <div> or <span>: a title, or a class that says so (its cursor
    // decides in phase 3)
    if (!(interactive || textual || structure) && !(visible && (el.hasAttribute("title")
        || CLICKY_CLASS.test(classWords)))) continue;
    let hidden = offscreen;
    if (offscreen && !interactive) continue;
    // words or blocks drawn fully transparent (a layout-measuring copy of a table, text
    // faded out) are nothing a person reads; a transparent control is still used
    if (!interactive && visible && el.checkVisibility && !el.checkVisibility({ opacityProperty: true })) continue;
    if (!visible) {
      // a hidden native control under a visible label, or a control shown on hover
      if (!interactive) continue;
      const labelled = el.labels && [...el.labels].some(shownBox);
      if (!(labelled || entry[3])) continue;
      hidden = true;
    }
    cand.push(id);
    candInfo.set(id, { tag, role, interactive, hidden, structure, titled, heading: isHeadingTag(tag) ? "" : lastHeading, region, rect: visible ? rect : null });
  }

  labelIndex = new Map();
  for (const label of allLabels) {
    const control = label.control;
    if (control) labelIndex.set(control, [...(labelIndex.get(control) || []), label]);
  }

  // ---- phase 2: what to describe ---------------------------------------------------------
  const walked = performance.now();
  let chosen = cand;
  if (focus) {
    const words = (focus.words || []).map((w) => w.toLowerCase()).filter(Boolean);
    const phrases = (focus.phrases || []).map((w) => w.toLowerCase().replace(/\s+/g, " ")).filter(Boolean);
    const kinds = new Set(focus.kinds || []);
    const wordsOf = (el, info) => {
      // `"innerText" in el`, not `el.innerText !== undefined`: reading it lays out its text
      let s = (info.structure ? "" : ("innerText" in el && info.tag !== "select" ? ownText(el) || (info.interactive ? el.textContent : "") : el.textContent)) || "";
      for (const a of ["aria-label", "title", "placeholder", "alt", "value", "name", "id", "class", "href", "data-testid", "data-icon"]) {
        const v = el.getAttribute(a);
        if (v) s += " " + v;
      }
      for (const l of labelsOf(el)) s += " " + (l.textContent || "") + " " + labelImageText(l);
      if (info.interactive) { const native = replacedControl(el, info.tag) || replacedSelect.get(el); if (native) s += " " + replacedWords(native) + " " + replacedLabel(native); }
      const lb = el.getAttribute("aria-labelledby");
      if (lb) s += " " + textOfIds(el, lb);
      return s.toLowerCase().replace(/\s+/g, " ");
    };
    // "in the row with X": only the part of the page around X matters — the ancestors of
    // each element holding X, up to a size no row or card reaches
    let scoped = null;  // node id -> inside the part of the page around an anchor phrase
    if (phrases.length && focus.scoped) {
      scoped = new Uint8Array(nodeEl.length);
      const limit = Math.max(60, nodeEl.length * 0.02);
      for (const id of cand) {
        const info = candInfo.get(id);
        if (info.structure) continue;
        const s = wordsOf(nodeEl[id], info);
        if (!phrases.some((p) => s.includes(p))) continue;
        let top = id;
        for (let p = parentOf[id]; p >= 0 && endOf[p] - p <= limit; p = parentOf[p]) top = p;
        if (!scoped[top]) scoped.fill(1, top, endOf[top]);
      }
    }
    const inScope = (id) => !scoped || scoped[id] === 1;
    const keep = new Set();
    for (const id of cand) {
      if (!inScope(id)) continue;
      const info = candInfo.get(id);
      const el = nodeEl[id];
      if (kinds.size && (kinds.has(info.role) || kinds.has(info.tag) || (info.tag === "input" && kinds.has("input:" + (el.getAttribute("type") || "text").toLowerCase())))) { keep.add(id); continue; }
      if (info.interactive && kinds.has("*interactive")) { keep.add(id); continue; }
      if (info.structure && !info.titled) continue;
      const s = info.titled ? (info.titled + " " + (el.getAttribute("class") || "") + " " + idOf(el)).toLowerCase() : wordsOf(el, info);
      if (words.some((w) => s.includes(w)) || phrases.some((p) => s.includes(p))) keep.add(id);
      else if (info.interactive && !clean(withoutLigatures(el, el.textContent)) && !el.getAttribute("aria-label") && kinds.has("*iconic")) keep.add(id);
    }
    // the rows, items and header cells around what is kept, and the controls kept labels
    // stand for
    const items = new Set();
    const candOf = new Map(cand.map((id) => [nodeEl[id], id]));
    for (const id of keep) {
      for (let p = parentOf[id]; p >= 0; p = parentOf[p]) {
        if (items.has(p)) break;
        const info = candInfo.get(p);
        if (info && (ITEM_ROLES.has(info.role) || info.role === "columnheader" || info.role === "rowheader")) items.add(p);
      }
      const el = nodeEl[id];
      if (el.control && candOf.has(el.control)) items.add(candOf.get(el.control));
    }
    chosen = cand.filter((id) => keep.has(id) || items.has(id));
  }

  // ---- phase 3: the chosen, described ----------------------------------------------------
  const focused = performance.now();
  const els = [];
  const out = [];
  for (const id of chosen) {
    const el = nodeEl[id];
    const info = candInfo.get(id);
    const rect = el.getBoundingClientRect();
    const d = describe(el, info.tag, info.role, rect, pathsOf(id));
    d.heading = info.heading;
    if (info.titled && !d.accessible_name) d.accessible_name = info.titled;
    d.node = id;
    d.region = info.region;
    d.structure = info.structure;
    if (info.hidden) {
      d.hidden = true;
      d.visible = false;
      const anchor = labelsOf(el)[0] || el.parentElement || el;
      const r = anchor.getBoundingClientRect();
      d.x = Math.round(r.left + scrollX + offsetX); d.y = Math.round(r.top + scrollY + offsetY);
      d.width = Math.round(r.width); d.height = Math.round(r.height);
    }
    for (let r = info.region; r >= 0; r = regions[r][3]) {
      if (regions[r][4]) { d.landmark = cap(`${regions[r][4]} ${regions[r][1]}`, 80); break; }
    }
    if (info.tag === "label" && el.control) d.control_of = el.control;
    els.push(el);
    out.push(d);
  }
  const indexOf = new Map(els.map((e, i) => [e, i]));
  for (const d of out) {
    if (d.control_of !== undefined) { const i = indexOf.get(d.control_of); d.control_of = i === undefined ? -1 : i; }
  }

  // Neighbour text: the nearest words in each direction (within 300 px) and the words within
  // 60 px, looked up in a grid of 150 px cells over the page's text, not pair by pair.
  if (out.length) {
    const CELL = 150;
    const grid = new Map();
    const texts = [];
    for (const id of cand) {
      const info = candInfo.get(id);
      if (info.structure || info.hidden) continue;
      const el = nodeEl[id];
      const t = info.interactive ? cap(el.getAttribute("aria-label") || el.innerText || el.getAttribute("title") || el.getAttribute("placeholder") || el.getAttribute("alt") || "", 80)
        : cap(info.tag === "img" ? el.getAttribute("alt") : ownText(el) || el.innerText, 80);
      if (!t) continue;
      const r = info.rect;
      if (!r) continue;
      const box = { id, t, x: r.left + scrollX + offsetX, y: r.top + scrollY + offsetY, w: r.width, h: r.height };
      const x0 = Math.floor(box.x / CELL), x1 = Math.floor((box.x + box.w) / CELL);
      const y0 = Math.floor(box.y / CELL), y1 = Math.floor((box.y + box.h) / CELL);
      if ((x1 - x0 + 1) * (y1 - y0 + 1) > 64) continue;  // page-sized blocks are nobody's neighbour
      texts.push(box);
      for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) {
        const k = gx + "," + gy;
        if (!grid.has(k)) grid.set(k, []);
        grid.get(k).push(box);
      }
    }
    const related = (a, b) => (a <= b && b < endOf[a]) || (b <= a && a < endOf[b]);
    for (const a of out) {
      if (a.structure) { a.neighbors = {}; a.neighbor_text = ""; continue; }
      const best = { above: [300, ""], below: [300, ""], left: [300, ""], right: [300, ""] };
      const near = [];
      const ax2 = a.x + a.width, ay2 = a.y + a.height;
      const seen = new Set();
      const gx0 = Math.floor((a.x - 300) / CELL), gx1 = Math.floor((ax2 + 300) / CELL);
      const gy0 = Math.floor((a.y - 300) / CELL), gy1 = Math.floor((ay2 + 300) / CELL);
      for (let gx = gx0; gx <= gx1; gx++) for (let gy = gy0; gy <= gy1; gy++) {
        const cell = grid.get(gx + "," + gy);
        if (!cell) continue;
        for (const b of cell) {
          if (seen.has(b.id) || related(a.node, b.id)) continue;
          seen.add(b.id);
          const bx2 = b.x + b.w, by2 = b.y + b.h;
          const hOverlap = Math.min(ax2, bx2) - Math.max(a.x, b.x);
          const vOverlap = Math.min(ay2, by2) - Math.max(a.y, b.y);
          if (by2 <= a.y + 2 && hOverlap > -20) { const d = a.y - by2; if (d < best.above[0]) best.above = [d, b.t]; }
          else if (b.y >= ay2 - 2 && hOverlap > -20) { const d = b.y - ay2; if (d < best.below[0]) best.below = [d, b.t]; }
          else if (bx2 <= a.x + 2 && vOverlap > -5) { const d = a.x - bx2; if (d < best.left[0]) best.left = [d, b.t]; }
          else if (b.x >= ax2 - 2 && vOverlap > -5) { const d = b.x - ax2; if (d < best.right[0]) best.right = [d, b.t]; }
          const dx = Math.max(0, b.x - ax2, a.x - bx2), dy = Math.max(0, b.y - ay2, a.y - by2);
          if (dx * dx + dy * dy < 60 * 60) near.push([b.id, b.t]);
        }
      }
      a.neighbors = {};
      for (const k of ["above", "below", "left", "right"]) if (best[k][1]) a.neighbors[k] = best[k][1];
      near.sort((p, q) => p[0] - q[0]);
      a.neighbor_text = cap(near.map((p) => p[1]).join(" "), 300);
    }
  }

  const described = performance.now();
  // the tree the relations need: every ancestor of what is described, with its extent
  const nodes = {};
  const shapeCounts = new Map();  // parent -> (shape -> how many of its children have it)
  const shapeOf = (e) => { const cls = (e.getAttribute("class") || "").trim().split(/\s+/).filter(Boolean).sort().join("."); return lower(e) + (cls ? "." + cls : ""); };
  for (const d of out) {
    for (let p = d.node; p >= 0 && !(p in nodes); p = parentOf[p]) {
      // its shape (tag and classes) and how many siblings share it: two items of one list
      // look alike, and an item is one of several
      const shape = shapeOf(nodeEl[p]);
      const up = nodeEl[p].parentElement;
      let counts = up ? shapeCounts.get(up) : null;
      if (up && !counts) {  // once per parent: a table's thousands of rows are one pass
        counts = new Map();
        for (const k of up.children) { const sk = shapeOf(k); counts.set(sk, (counts.get(sk) || 0) + 1); }
        shapeCounts.set(up, counts);
      }
      nodes[p] = [parentOf[p], endOf[p], cap(shape, 80), counts ? counts.get(shape) || 1 : 1];
    }
  }
  const usedRegions = {};
  for (const d of out) for (let r = d.region; r >= 0 && !(r in usedRegions); r = regions[r][3]) usedRegions[r] = regions[r].slice(0, 4);
  window.__rwEls = els;
  const timing = { walk: walked - started, focus: focused - walked, describe: described - focused, total: performance.now() - started };
  return { url: location.href, title: document.title, elements: out, nodes, regions: usedRegions, count: nodeEl.length, candidates: cand.length, timing };
}
