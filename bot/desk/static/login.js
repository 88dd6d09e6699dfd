(function () {
  var query = new URLSearchParams(window.location.search);
  var error = query.get("fehler");
  if (error) {
    var box = document.getElementById("login-error");
    var seconds = parseInt(query.get("sekunden") || "0", 10);
    if (error === "warten") {
      box.textContent = "Zu viele fehlgeschlagene Anmeldungen von Ihrem Anschluss. Bitte warten Sie " +
        (seconds > 0 ? (seconds >= 120 ? Math.ceil(seconds / 60) + " Minuten" : seconds + " Sekunden") : "einen Moment") +
        " und versuchen Sie es dann erneut.";
    } else if (error === "gesperrt") {
      box.textContent = "Zu viele Fehlversuche für dieses Konto. Die Anmeldung ist für 15 Minuten gesperrt.";
    } else {
      box.textContent = "Benutzername oder Passwort ist falsch.";
    }
    box.hidden = false;
  }
})();
