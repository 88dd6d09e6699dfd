// Chat widget: socket.io transport (vendor library), transcript-numbered messages so that a reload or
// a dropped connection shows what was missed exactly once.
(function () {
  "use strict";
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var statusLine = document.getElementById("chat-status");
  var typingLine = document.getElementById("chat-typing");
  var sessionId = localStorage.getItem("jc-session");
  var resume = localStorage.getItem("jc-resume"); // the server's secret for this browser: without it no resume
  var lastId = 0; // highest transcript line shown
  var basePath = window.location.pathname.replace(/\/[^/]*$/, "");
  var socket = io(window.location.origin, { path: "/webchat/socket.io", transports: ["websocket", "polling"] });

  function time(ts) {
    var d = ts ? new Date(ts) : new Date();
    return d.toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit" });
  }

  function appendText(element, text) {
    // Plain text with clickable links; never HTML from the server.
    var parts = String(text).split(/(https?:\/\/[^\s]+)/g);
    parts.forEach(function (part) {
      if (/^https?:\/\//.test(part)) {
        var a = document.createElement("a");
        a.href = part; a.textContent = part; a.rel = "noopener"; a.target = "_blank";
        element.appendChild(a);
      } else {
        element.appendChild(document.createTextNode(part));
      }
    });
  }

  var WHO = { citizen: "Sie", bot: "Assistent", agent: "Service Center", system: "Hinweis" };

  function render(line) {
    if (line.id && line.id <= lastId) { return; }
    if (line.id) { lastId = line.id; }
    var item = document.createElement("li");
    item.className = "msg " + (line.role || "bot");
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (WHO[line.role] || "Assistent") + ", " + time(line.ts);
    item.appendChild(meta);
    appendText(item, line.text || "");
    var buttons = line.buttons || line.quick_replies;
    if (buttons && buttons.length) {
      var box = document.createElement("div");
      box.className = "buttons";
      buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        box.appendChild(button);
      });
      item.appendChild(box);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function send(message, display) {
    if (!message || !sessionId) { return; }
    socket.emit("user_uttered", { session_id: sessionId, message: message, display: display || null });
  }

  socket.on("connect", function () {
    socket.emit("session_request", { session_id: sessionId, resume: resume });
  });
  socket.on("disconnect", function () { statusLine.textContent = "Verbindung unterbrochen – neuer Versuch …"; });
  socket.on("session_confirm", function (data) {
    if (data.session_id !== sessionId) { lastId = 0; log.innerHTML = ""; } // a new conversation
    sessionId = data.session_id;
    localStorage.setItem("jc-session", sessionId);
    if (data.resume) { resume = data.resume; localStorage.setItem("jc-resume", resume); }
    statusLine.textContent = "Verbunden";
    socket.emit("history", { session_id: sessionId, after_id: lastId });
    if (data.handover === "agent") { statusLine.textContent = "Sie schreiben mit dem Service Center"; }
  });
  socket.on("history", function (data) { (data.lines || []).forEach(render); });
  socket.on("bot_uttered", render);
  socket.on("user_echo", render);
  socket.on("typing", function (data) {
    typingLine.hidden = !data.typing;
    typingLine.textContent = data.typing ? (data.role === "agent" ? "Das Service Center schreibt …" : "Der Assistent schreibt …") : "";
  });
  socket.on("handover", function (data) {
    if (data.state === "queued") {
      statusLine.textContent = "Warteschlange: Position " + data.position + ", Wartezeit etwa " + data.minutes + " Minuten";
    } else if (data.state === "agent") {
      statusLine.textContent = "Sie schreiben mit dem Service Center";
    } else {
      statusLine.textContent = "Sie schreiben mit dem digitalen Assistenten";
    }
  });
  socket.on("error", function (data) { render({ role: "system", text: data.text }); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    send(text);
    input.value = "";
    socket.emit("typing", { session_id: sessionId, typing: false });
  });
  var typingTimer = null;
  input.addEventListener("input", function () {
    if (!sessionId) { return; }
    socket.emit("typing", { session_id: sessionId, typing: true });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { socket.emit("typing", { session_id: sessionId, typing: false }); }, 3000);
  });
})();
