// Hands the portal's answer (code, state, iss — or error) to the Ownchart app
// through its ownchart:// link, without sending it anywhere else: this page
// loads nothing, and its referrer policy is no-referrer.
(function () {
  "use strict";
  var target = "ownchart://callback" + window.location.search;
  var link = document.getElementById("open-app");
  if (link) {
    link.setAttribute("href", target);
  }
  // Clear the code from the address bar and history before leaving.
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
  window.location.replace(target);
})();
