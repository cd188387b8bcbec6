// Progressive enhancements for the portal. Every page works without this file.
(function () {
  "use strict";

  // Copy buttons: <button data-copy="#id" data-status="status-id" data-copied="…"
  // data-copy-failed="…"> copies the text of the target element and says how it went in the
  // status element, a live region that screen readers announce. The words come from the page,
  // in the page's language.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    var target = document.querySelector(btn.getAttribute("data-copy"));
    var status = document.getElementById(btn.getAttribute("data-status") || "");
    if (!target) return;
    var say = function (text) {
      if (!status) return;
      // Clear first, so the same words are announced again on a second press.
      status.textContent = "";
      setTimeout(function () { status.textContent = text; }, 50);
    };
    var failed = function () {
      say(btn.getAttribute("data-copy-failed") || "");
      // Select the text, so the person can copy it by hand.
      var range = document.createRange();
      range.selectNodeContents(target);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    };
    if (!navigator.clipboard) {
      failed();
      return;
    }
    navigator.clipboard.writeText(target.textContent.trim()).then(function () {
      say(btn.getAttribute("data-copied") || "");
    }, failed);
  });

  // Forms marked data-busy show a waiting message while the server checks with Shiprocket. The
  // message is a status region, so screen readers announce it too.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-busy")) return;
    var msg = document.getElementById(form.getAttribute("data-busy"));
    if (msg) msg.hidden = false;
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      // Disable on the next tick so the button's own value is still submitted.
      setTimeout(function () { b.disabled = true; }, 0);
    });
  });

  // A link in an error summary puts the focus in its field, not only the field on screen, so the
  // person can type straight away.
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    ev.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    if (ev.detail !== 0) {
      field.focus();
      return;
    }
    // Pressed with Enter, which activates a link when the key goes down: move the focus once the
    // key is up, or the rest of the key press would reach the field and send the form.
    var focus = function () { field.focus(); };
    document.addEventListener("keyup", focus, { once: true });
    setTimeout(focus, 500);
  });

  // Copy buttons stay hidden until the script can make them work.
  document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = false; });

  // An error summary or a check's outcome takes the focus when the page loads, so keyboard and
  // screen reader users start where the page tells them what to do.
  var first = document.querySelector("[data-focus-on-load]");
  if (first) first.focus();
})();
