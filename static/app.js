// Progressive enhancements for the portal. Every page works without this file.
(function () {
  "use strict";

  // Copy buttons: <button data-copy="#id"> copies the text of the target element.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    var target = document.querySelector(btn.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) return;
    var status = document.getElementById(btn.getAttribute("aria-describedby") || "");
    navigator.clipboard.writeText(target.textContent.trim()).then(function () {
      if (status) status.textContent = "Copied";
    }, function () {
      if (status) status.textContent = "Select the text and copy it";
    });
  });

  // Forms marked data-busy show a waiting message while the server checks with Shiprocket.
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

  // Copy buttons stay hidden until the script can make them work.
  document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = false; });
})();
