/* Acme Mugs - v2 (redesign) shop logic (vanilla JS, no dependencies).
 *
 * Storage contract (shared with v2, do not change):
 *   localStorage   acme.cart   -> [{name, price, qty}]
 *   sessionStorage acme.user   -> username string
 *   sessionStorage acme.gift   -> gift message (written by gift.html)
 *   sessionStorage acme.coupon -> applied coupon code
 *   sessionStorage acme.order  -> {name, address, city, country, shipping,
 *                                  items, total, gift, coupon, giftCard}
 */
(function () {
  "use strict";

  var CART_KEY = "acme.cart";
  var USER_KEY = "acme.user";
  var GIFT_KEY = "acme.gift";
  var COUPON_KEY = "acme.coupon";
  var ORDER_KEY = "acme.order";

  function $(id) { return document.getElementById(id); }
  function money(n) { return "$" + Number(n).toFixed(2); }

  function readJSON(store, key, fallback) {
    try {
      var raw = store.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }
  function getCart() { return readJSON(localStorage, CART_KEY, []); }
  function saveCart(cart) {
    localStorage.setItem(CART_KEY, JSON.stringify(cart));
    updateCartLink();
  }
  function cartCount(cart) {
    return cart.reduce(function (n, item) { return n + item.qty; }, 0);
  }
  function cartTotal(cart) {
    return cart.reduce(function (n, item) { return n + item.qty * item.price; }, 0);
  }
  function updateCartLink() {
    var link = $("nav-basket");
    if (link) link.textContent = "Cart (" + cartCount(getCart()) + ")";
  }
  function addToCart(name, price) {
    var cart = getCart();
    var found = cart.filter(function (i) { return i.name === name; })[0];
    if (found) found.qty += 1;
    else cart.push({ name: name, price: price, qty: 1 });
    saveCart(cart);
  }

  /* ---------- <promo-box>: coupon widget in an open shadow root ---------- */
  if (window.customElements && !customElements.get("promo-box")) {
    customElements.define("promo-box", class extends HTMLElement {
      constructor() {
        super();
        var root = this.attachShadow({ mode: "open" });
        root.innerHTML =
          '<style>' +
          ':host{display:block}' +
          '.coupon-shell{background:#fbf7ff;border:1px solid #d8c7f0;border-radius:12px;padding:14px 16px}' +
          '.coupon-title{display:block;font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:#5b3a8e;font-weight:700;margin-bottom:6px}' +
          '.coupon-line{display:flex;gap:10px}' +
          '.coupon-line > div{flex:1}' +
          '.coupon-input{width:100%;box-sizing:border-box;padding:10px 12px;font:inherit;border:1px solid #c4b2e0;border-radius:999px}' +
          '.coupon-go{font:inherit;font-weight:700;padding:10px 20px;border:0;border-radius:999px;background:#5b3a8e;color:#fff;cursor:pointer}' +
          '.coupon-note{color:#0f766e;font-weight:700;margin:8px 0 0;min-height:1.5em}' +
          '</style>' +
          '<div class="coupon-shell">' +
          '<label class="coupon-title" for="promo-code">Coupon code</label>' +
          '<div class="coupon-line"><div><input class="coupon-input" id="promo-code" name="promo" type="text" placeholder="e.g. MUGLOVER"></div>' +
          '<div class="coupon-btn-wrap"><button type="button" class="coupon-go" id="promo-apply">Apply</button></div></div>' +
          '<p class="coupon-note" id="promo-msg" role="status"></p>' +
          '</div>';
        var self = this;
        root.getElementById("promo-apply").addEventListener("click", function () {
          var code = root.getElementById("promo-code").value.trim();
          var msg = root.getElementById("promo-msg");
          if (code) {
            sessionStorage.setItem(COUPON_KEY, code);
            msg.textContent = "Coupon applied";
          } else {
            sessionStorage.removeItem(COUPON_KEY);
            msg.textContent = "";
          }
          self.dispatchEvent(new CustomEvent("coupon", { detail: code }));
        });
      }
    });
  }

  /* ---------------------------- pages ---------------------------- */
  function initLogin() {
    var form = $("auth-form");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var user = $("login-user").value.trim();
      var pass = $("login-pass").value;
      var err = $("auth-msg");
      if (!user || !pass) {
        err.textContent = "Please enter your username and password";
        return;
      }
      err.textContent = "";
      sessionStorage.setItem(USER_KEY, user);
      window.location.href = "products.html";
    });
  }

  /* Newsletter box on the login page. Its button deliberately carries the
     id "signin" (the old id of v1's Sign in button); it never logs in. */
  function initNewsletter() {
    var form = $("news-form");
    if (!form) return;
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    $("signin").addEventListener("click", function (ev) {
      ev.preventDefault();
      $("news-status").textContent = "Subscribed";
    });
  }

  function initProducts() {
    var user = sessionStorage.getItem(USER_KEY) || "guest";
    $("greet-user").textContent = "Welcome, " + user;

    $("finder").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = $("shop-query").value.trim().toLowerCase();
      var shown = 0;
      var rows = document.querySelectorAll("#catalog .tile");
      Array.prototype.forEach.call(rows, function (row) {
        var match = !q || row.getAttribute("data-sku").toLowerCase().indexOf(q) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
      });
      $("finder-empty").hidden = shown !== 0;
    });

    Array.prototype.forEach.call(document.querySelectorAll(".tile-buy"), function (btn) {
      btn.addEventListener("click", function () {
        var tile = btn.closest(".tile");
        var name = tile.getAttribute("data-sku");
        addToCart(name, Number(tile.getAttribute("data-cost")));
        $("toast").textContent = "Added " + name + " to cart";
      });
    });
  }

  function initCart() {
    function render() {
      var cart = getCart();
      var body = $("basket-lines");
      body.innerHTML = "";
      cart.forEach(function (item, idx) {
        var tr = document.createElement("tr");
        tr.className = "line";
        tr.innerHTML =
          "<td class=\"line-name\"><div class=\"line-cell\"><span></span></div></td>" +
          "<td class=\"line-qty\"><div class=\"line-cell\"><span class=\"pill\"></span></div></td>" +
          "<td class=\"line-amt\"><div class=\"line-cell\"><span></span></div></td>" +
          "<td class=\"line-act\"><div class=\"line-cell\"><div class=\"btn-wrap\">" +
          "<button type=\"button\" class=\"ui-btn ui-btn--ghost line-drop\">Remove</button></div></div></td>";
        tr.children[0].querySelector("span").textContent = item.name;
        tr.children[1].querySelector("span").textContent = String(item.qty);
        tr.children[2].querySelector("span").textContent = money(item.price * item.qty);
        tr.querySelector("button").id = "drop-" + idx;
        tr.querySelector("button").addEventListener("click", function () {
          var c = getCart();
          c.splice(idx, 1);
          saveCart(c);
          render();
        });
        body.appendChild(tr);
      });
      var empty = cart.length === 0;
      $("basket-empty").hidden = !empty;
      $("basket-wrap").hidden = empty;
      $("basket-sum").hidden = empty;
      $("proceed-wrap").hidden = empty;
      $("basket-sum").textContent = "Total: " + money(cartTotal(cart));
    }
    render();
  }

  function giftFromFrame() {
    var frame = $("gift-note-frame");
    try {
      var ta = frame && frame.contentDocument && frame.contentDocument.querySelector("textarea");
      if (ta) return ta.value;
    } catch (e) { /* ignore */ }
    return sessionStorage.getItem(GIFT_KEY) || "";
  }

  function initCheckout() {
    $("btn-back").addEventListener("click", function () {
      window.location.href = "cart.html";
    });
    $("btn-order").addEventListener("click", function () {
      var name = $("cust-name").value.trim();
      var address = $("cust-street").value.trim();
      var city = $("cust-town").value.trim();
      var countrySel = $("cust-country");
      var missing = [];
      if (!name) missing.push("Full name is required");
      if (!address) missing.push("Address is required");
      if (!city) missing.push("City is required");
      if (!countrySel.value) missing.push("Country is required");
      if (!$("accept-tos").checked) missing.push("You must agree to the terms");

      var list = $("order-problems");
      list.innerHTML = "";
      if (missing.length) {
        missing.forEach(function (m) {
          var li = document.createElement("li");
          li.textContent = m;
          list.appendChild(li);
        });
        return;
      }
      var shipping = document.querySelector("input[name=delivery-rate]:checked");
      var shippingLabel = shipping ? document.querySelector("label[for=" + shipping.id + "]").textContent : "";
      var file = $("gift-upload").files[0];
      var cart = getCart();
      var order = {
        name: name,
        address: address,
        city: city,
        country: countrySel.options[countrySel.selectedIndex].text,
        shipping: shippingLabel,
        items: cart,
        total: cartTotal(cart),
        gift: giftFromFrame(),
        coupon: sessionStorage.getItem(COUPON_KEY) || "",
        giftCard: file ? file.name : ""
      };
      sessionStorage.setItem(ORDER_KEY, JSON.stringify(order));
      saveCart([]);
      window.location.href = "confirm.html";
    });
  }

  function initGift() {
    var ta = $("gift-note");
    ta.value = sessionStorage.getItem(GIFT_KEY) || "";
    ta.addEventListener("input", function () {
      sessionStorage.setItem(GIFT_KEY, ta.value);
    });
  }

  function initConfirm() {
    var order = readJSON(sessionStorage, ORDER_KEY, null);
    if (!order) {
      $("receipt-title").textContent = "No order found";
      $("receipt").hidden = true;
      return;
    }
    $("receipt-title").textContent = "Thank you, " + order.name;
    $("r-ship").textContent = order.shipping;
    $("r-country").textContent = order.country;
    $("r-addr").textContent = order.address + ", " + order.city;
    var ul = $("r-lines");
    ul.innerHTML = "";
    order.items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.name + " \u00d7 " + item.qty + " \u2014 " + money(item.price * item.qty);
      ul.appendChild(li);
    });
    if (!order.items.length) ul.innerHTML = "<li>(no items)</li>";
    $("r-total").textContent = money(order.total);
    $("r-gift").textContent = order.gift || "(none)";
    $("r-coupon").textContent = order.coupon || "(none)";
  }

  var pages = {
    login: function () { initLogin(); initNewsletter(); },
    products: initProducts,
    cart: initCart,
    checkout: initCheckout,
    gift: initGift,
    confirm: initConfirm
  };

  function boot() {
    updateCartLink();
    var page = document.body.getAttribute("data-view");
    if (pages[page]) pages[page]();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
