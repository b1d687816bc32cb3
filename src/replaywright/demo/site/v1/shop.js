/* Acme Mugs - v1 shop logic (vanilla JS, no dependencies).
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
    var link = $("cart-link");
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
          ':host{display:block;margin:0 0 16px}' +
          '.promo{border:1px dashed #9fb3c8;border-radius:4px;padding:12px 16px;background:#fff}' +
          'label{display:block;font-weight:600;margin-bottom:4px}' +
          '.row{display:flex;gap:8px}' +
          'input{flex:1;padding:8px 10px;font:inherit;border:1px solid #9fb3c8;border-radius:4px}' +
          'button{font:inherit;font-weight:600;padding:8px 18px;border:1px solid #1d5fb8;border-radius:4px;background:#fff;color:#1d5fb8;cursor:pointer}' +
          '.msg{color:#1f8a3b;font-weight:600;margin:8px 0 0;min-height:1.5em}' +
          '</style>' +
          '<div class="promo">' +
          '<label for="coupon">Coupon code</label>' +
          '<div class="row"><input id="coupon" name="coupon" type="text">' +
          '<button type="button" id="apply-coupon">Apply</button></div>' +
          '<p class="msg" id="coupon-status" role="status"></p>' +
          '</div>';
        var self = this;
        root.getElementById("apply-coupon").addEventListener("click", function () {
          var code = root.getElementById("coupon").value.trim();
          var msg = root.getElementById("coupon-status");
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
    var form = $("login-form");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var user = $("username").value.trim();
      var pass = $("password").value;
      var err = $("login-error");
      if (!user || !pass) {
        err.textContent = "Please enter your username and password";
        return;
      }
      err.textContent = "";
      sessionStorage.setItem(USER_KEY, user);
      window.location.href = "products.html";
    });
  }

  function initProducts() {
    var user = sessionStorage.getItem(USER_KEY) || "guest";
    $("welcome").textContent = "Welcome, " + user;

    $("search-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = $("q").value.trim().toLowerCase();
      var shown = 0;
      var rows = document.querySelectorAll("#product-table tbody tr");
      Array.prototype.forEach.call(rows, function (row) {
        var match = !q || row.getAttribute("data-name").toLowerCase().indexOf(q) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
      });
      $("no-results").hidden = shown !== 0;
    });

    Array.prototype.forEach.call(document.querySelectorAll(".add-btn"), function (btn) {
      btn.addEventListener("click", function () {
        var row = btn.closest("tr");
        var name = row.getAttribute("data-name");
        addToCart(name, Number(row.getAttribute("data-price")));
        $("add-status").textContent = "Added " + name + " to cart";
      });
    });
  }

  function initCart() {
    function render() {
      var cart = getCart();
      var body = $("cart-body");
      body.innerHTML = "";
      cart.forEach(function (item, idx) {
        var tr = document.createElement("tr");
        tr.className = "cart-row";
        tr.innerHTML =
          "<td></td><td class=\"num\"></td><td class=\"num\"></td>" +
          "<td><button type=\"button\" class=\"btn btn-small remove-btn\">Remove</button></td>";
        tr.children[0].textContent = item.name;
        tr.children[1].textContent = String(item.qty);
        tr.children[2].textContent = money(item.price * item.qty);
        tr.querySelector("button").id = "remove-" + idx;
        tr.querySelector("button").addEventListener("click", function () {
          var c = getCart();
          c.splice(idx, 1);
          saveCart(c);
          render();
        });
        body.appendChild(tr);
      });
      var empty = cart.length === 0;
      $("cart-empty").hidden = !empty;
      $("cart-table").hidden = empty;
      $("cart-total").hidden = empty;
      $("checkout").hidden = empty;
      $("cart-total").textContent = "Total: " + money(cartTotal(cart));
    }
    render();
    $("checkout").addEventListener("click", function () {
      window.location.href = "checkout.html";
    });
  }

  function giftFromFrame() {
    var frame = $("gift-frame");
    try {
      var ta = frame && frame.contentDocument && frame.contentDocument.querySelector("textarea");
      if (ta) return ta.value;
    } catch (e) { /* ignore */ }
    return sessionStorage.getItem(GIFT_KEY) || "";
  }

  function initCheckout() {
    $("cancel").addEventListener("click", function () {
      window.location.href = "cart.html";
    });
    $("place-order").addEventListener("click", function () {
      var name = $("fullname").value.trim();
      var address = $("address").value.trim();
      var city = $("city").value.trim();
      var countrySel = $("country");
      var missing = [];
      if (!name) missing.push("Full name is required");
      if (!address) missing.push("Address is required");
      if (!city) missing.push("City is required");
      if (!countrySel.value) missing.push("Country is required");
      if (!$("terms").checked) missing.push("You must agree to the terms");

      var list = $("errors");
      list.innerHTML = "";
      if (missing.length) {
        missing.forEach(function (m) {
          var li = document.createElement("li");
          li.textContent = m;
          list.appendChild(li);
        });
        return;
      }
      var shipping = document.querySelector("input[name=shipping]:checked");
      var shippingLabel = shipping ? document.querySelector("label[for=" + shipping.id + "]").textContent : "";
      var file = $("giftcard").files[0];
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
    var ta = $("giftmsg");
    ta.value = sessionStorage.getItem(GIFT_KEY) || "";
    ta.addEventListener("input", function () {
      sessionStorage.setItem(GIFT_KEY, ta.value);
    });
  }

  function initConfirm() {
    var order = readJSON(sessionStorage, ORDER_KEY, null);
    if (!order) {
      $("thanks").textContent = "No order found";
      $("summary").hidden = true;
      return;
    }
    $("thanks").textContent = "Thank you, " + order.name;
    $("sum-shipping").textContent = order.shipping;
    $("sum-country").textContent = order.country;
    $("sum-address").textContent = order.address + ", " + order.city;
    var ul = $("sum-items");
    ul.innerHTML = "";
    order.items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.name + " \u00d7 " + item.qty + " \u2014 " + money(item.price * item.qty);
      ul.appendChild(li);
    });
    if (!order.items.length) ul.innerHTML = "<li>(no items)</li>";
    $("sum-total").textContent = money(order.total);
    $("sum-gift").textContent = order.gift || "(none)";
    $("sum-coupon").textContent = order.coupon || "(none)";
  }

  var pages = {
    login: initLogin,
    products: initProducts,
    cart: initCart,
    checkout: initCheckout,
    gift: initGift,
    confirm: initConfirm
  };

  function boot() {
    updateCartLink();
    var page = document.body.getAttribute("data-page");
    if (pages[page]) pages[page]();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
