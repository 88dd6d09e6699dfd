(function () {
  var error = new URLSearchParams(window.location.search).get("fehler");
  if (error) {
    var box = document.getElementById("login-error");
    box.textContent = error === "gesperrt"
      ? "Zu viele Fehlversuche. Das Konto ist für 15 Minuten gesperrt."
      : "Benutzername oder Passwort ist falsch.";
    box.hidden = false;
  }
})();
