/* The installable portal: registers the service worker, and on the devices page subscribes
   this browser to web pushes. Everything here is an enhancement: without it, every page works. */
(function () {
  "use strict";

  var script = document.currentScript;
  var workerUrl = script && script.getAttribute("data-service-worker");
  if (!("serviceWorker" in navigator) || !workerUrl) {
    return;
  }
  var registration = navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {
    return null;
  });

  var setup = document.querySelector("[data-push-setup]");
  if (!setup || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  var button = setup.querySelector("[data-push-subscribe]");
  var status = setup.querySelector("[data-push-status]");
  var unsupported = setup.querySelector("[data-push-unsupported]");
  button.hidden = false;
  if (unsupported) {
    unsupported.hidden = true;
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function say(message) {
    status.textContent = message;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          throw new Error("denied");
        }
        return registration;
      })
      .then(function (ready) {
        if (!ready) {
          throw new Error("no worker");
        }
        return navigator.serviceWorker.ready;
      })
      .then(function (ready) {
        return ready.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(setup.getAttribute("data-public-key"))
        });
      })
      .then(function (subscription) {
        var body = subscription.toJSON();
        body.device_label = navigator.userAgent.slice(0, 200);
        return fetch(setup.getAttribute("data-endpoint"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(body)
        });
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("refused");
        }
        say(setup.getAttribute("data-done-message"));
        window.location.reload();
      })
      .catch(function (error) {
        button.disabled = false;
        say(setup.getAttribute(error && error.message === "denied" ? "data-denied-message" : "data-failed-message"));
      });
  });
})();
