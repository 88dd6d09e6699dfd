// Chat widget: socket.io transport (vendor library), transcript-numbered messages so that a reload or
// a dropped connection shows what was missed exactly once. Text from the server or the citizen is only
// ever put into the page as text nodes (links are built as elements), never as HTML.
(function () {
  "use strict";
  var TITLE_BOT = "Chat mit dem digitalen Assistenten";
  var TITLE_AGENT = "Sie schreiben mit dem Service Center";
  var SITE = " – Jobcenter Musterstadt";
  var WHO = { citizen: "Sie", bot: "Assistent", agent: "Service Center", system: "Hinweis" };

  var log = document.getElementById("chat-log");
  var lines = document.getElementById("chat-lines");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var title = document.getElementById("chat-title");
  var statusLine = document.getElementById("chat-status");
  var typingLine = document.getElementById("chat-typing");
  var rating = document.getElementById("chat-rating");
  var upload = document.getElementById("chat-upload");
  var uploadStatus = document.getElementById("upload-status");
  var restartBox = document.getElementById("restart-confirm");
  var sessionId = localStorage.getItem("jc-session");
  var resume = localStorage.getItem("jc-resume"); // the server's secret for this browser: without it no resume
  var lastId = 0; // highest transcript line shown
  var shown = {}; // transcript line id -> its <li>
  var transcript = []; // the lines shown, for the download
  var uploadMaxBytes = 5 * 1024 * 1024;
  var socket = io(window.location.origin, { path: "/webchat/socket.io", transports: ["websocket", "polling"] });

  function time(ts) {
    var d = ts ? new Date(ts) : new Date();
    return d.toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit" });
  }

  // Web addresses, e-mail addresses and (German) phone numbers become links. A phone number starts with
  // 0 or +CC, is not glued to other digits or letters (BG-Nummer, IBAN, dates, times) and has 6 to 15 digits.
  var LINKS = new RegExp(
    "(https?:\\/\\/[^\\s<>\"]+[^\\s<>\".,;:!?)])" +
    "|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})" +
    "|((?<![\\w+\\/.,:@-]|\\d )(?:\\+\\d{2} ?(?:\\(0\\) ?)?|0)[1-9]\\d*(?:(?: |\\/|-| \\/ | - )\\d+){0,4}(?![\\w@]|[.,]\\d))",
    "g");

  function phoneHref(number) {
    var digits = number.replace(/\(0\)/, "").replace(/[^\d+]/g, "");
    return "tel:" + (digits.charAt(0) === "+" ? digits : "+49" + digits.slice(1));
  }

  function link(href, text, external) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (external) { a.rel = "noopener noreferrer"; a.target = "_blank"; }
    return a;
  }

  function appendText(element, text) {
    var value = String(text), at = 0, match;
    LINKS.lastIndex = 0;
    while ((match = LINKS.exec(value)) !== null) {
      var node = null;
      if (match[1]) { node = link(match[1], match[1], true); }
      else if (match[2]) { node = link("mailto:" + match[2], match[2], false); }
      else {
        var digits = match[3].replace(/\D/g, "").length;
        if (digits >= 6 && digits <= 15) { node = link(phoneHref(match[3]), match[3], false); }
      }
      if (node) {
        element.appendChild(document.createTextNode(value.slice(at, match.index)));
        element.appendChild(node);
        at = match.index + match[0].length;
      }
    }
    element.appendChild(document.createTextNode(value.slice(at)));
  }

  function scrollTo(item) {
    // the newest message in view; one taller than the log shows its beginning, not its end
    var top = item.offsetTop - 8;
    log.scrollTop = item.offsetHeight > log.clientHeight - 16 ? top : log.scrollHeight;
  }

  function render(line) {
    if (line.id && shown[line.id]) { return; }
    var item = document.createElement("li");
    item.className = "msg " + (WHO[line.role] ? line.role : "bot");
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (WHO[line.role] || "Assistent") + ", " + time(line.ts) + ":";
    item.appendChild(meta);
    var body = document.createElement("span");
    body.className = "text";
    appendText(body, line.text || "");
    item.appendChild(body);
    var buttons = line.buttons || line.quick_replies;
    if (buttons && buttons.length) {
      var box = document.createElement("div");
      box.className = "buttons";
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Antwortmöglichkeiten");
      buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        box.appendChild(button);
      });
      item.appendChild(box);
    }
    var entry = { id: line.id || 0, role: line.role || "bot", ts: line.ts, text: line.text || "" };
    if (line.id) {
      shown[line.id] = item;
      item.setAttribute("data-id", line.id);
      var next = null; // a line that arrived late (live before history) goes into its place
      if (line.id < lastId) {
        Array.prototype.some.call(lines.children, function (other) {
          var id = +other.getAttribute("data-id");
          if (id > line.id) { next = other; return true; }
          return false;
        });
      }
      lastId = Math.max(lastId, line.id);
      lines.insertBefore(item, next);
      var index = transcript.findIndex(function (t) { return t.id > line.id; });
      transcript.splice(index < 0 ? transcript.length : index, 0, entry);
    } else {
      lines.appendChild(item);
      transcript.push(entry);
    }
    scrollTo(item);
  }

  function clearLog() {
    lastId = 0; shown = {}; transcript = [];
    while (lines.firstChild) { lines.removeChild(lines.firstChild); }
    rating.hidden = true;
  }

  function send(message, display) {
    if (!message || !sessionId) { return; }
    socket.emit("user_uttered", { session_id: sessionId, message: message, display: display || null });
  }

  function withAgent(yes) {
    title.textContent = yes ? TITLE_AGENT : TITLE_BOT;
    document.title = (yes ? TITLE_AGENT : TITLE_BOT) + SITE;
    statusLine.textContent = yes ? TITLE_AGENT : "Sie schreiben mit dem digitalen Assistenten";
  }

  function showLegal(links) {
    var list = document.getElementById("chat-legal");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    (links || []).forEach(function (l) {
      if (!/^(https:\/\/|\/(?!\/))/.test(l.href)) { return; }
      var item = document.createElement("li");
      item.appendChild(link(l.href, l.title, true));
      list.appendChild(item);
    });
    list.parentNode.hidden = !list.firstChild;
  }

  socket.on("connect", function () {
    socket.emit("session_request", { session_id: sessionId, resume: resume, greet: true });
  });
  socket.on("disconnect", function () { statusLine.textContent = "Verbindung unterbrochen – neuer Versuch …"; });
  socket.on("session_confirm", function (data) {
    if (data.session_id !== sessionId) { clearLog(); } // a new conversation
    sessionId = data.session_id;
    localStorage.setItem("jc-session", sessionId);
    if (data.resume) { resume = data.resume; localStorage.setItem("jc-resume", resume); }
    if (data.upload_max_bytes) {
      uploadMaxBytes = data.upload_max_bytes;
      document.getElementById("upload-max").textContent = String(Math.round(uploadMaxBytes / 104857.6) / 10).replace(".", ",");
    }
    showLegal(data.links);
    statusLine.textContent = "Verbunden";
    socket.emit("history", { session_id: sessionId, after_id: lastId });
    if (data.handover === "agent") { withAgent(true); }
  });
  socket.on("history", function (data) {
    (data.lines || []).forEach(render);
    if (data.rate) { rating.hidden = false; }
  });
  socket.on("bot_uttered", render);
  socket.on("user_echo", render);
  socket.on("typing", function (data) {
    typingLine.hidden = !data.typing;
    typingLine.textContent = data.typing ? (data.role === "agent" ? "Das Service Center schreibt …" : "Der Assistent schreibt …") : "";
  });
  socket.on("handover", function (data) {
    if (data.state === "queued") {
      statusLine.textContent = "Warteschlange: Position " + data.position + ", Wartezeit etwa " + data.minutes + " Minuten";
      return;
    }
    withAgent(data.state === "agent");
    if (data.rate) { rating.hidden = false; }
    // the line the desk wrote about the change (who took over, handed back) comes with the history
    socket.emit("history", { session_id: sessionId, after_id: 0 });
  });
  socket.on("rated", function (data) {
    if (data.ok) { rating.hidden = true; input.focus(); }
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

  rating.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = rating.querySelector("input[name=stars]:checked");
    if (!chosen || !sessionId) { return; }
    socket.emit("rate", { session_id: sessionId, stars: parseInt(chosen.value, 10),
                          comment: document.getElementById("rating-comment").value });
  });
  document.getElementById("rating-skip").addEventListener("click", function () { rating.hidden = true; input.focus(); });

  upload.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = document.getElementById("chat-file").files[0];
    if (!file || !sessionId || !resume) { return; }
    if (file.size > uploadMaxBytes) {
      uploadStatus.textContent = "Die Datei ist zu groß. Bitte schicken Sie höchstens " +
        document.getElementById("upload-max").textContent + " MB pro Datei.";
      return;
    }
    var body = new FormData();
    body.append("session_id", sessionId);
    body.append("resume", resume);
    body.append("file", file, file.name);
    uploadStatus.textContent = "Die Datei wird hochgeladen …";
    fetch("upload", { method: "POST", body: body, credentials: "same-origin" }).then(function (answer) {
      return answer.json().catch(function () { return { ok: false }; });
    }).then(function (result) {
      uploadStatus.textContent = result.text || (result.ok ? "Hochgeladen." : "Die Datei konnte nicht hochgeladen werden.");
      if (result.ok) { upload.reset(); }
    }).catch(function () {
      uploadStatus.textContent = "Die Datei konnte nicht hochgeladen werden. Bitte versuchen Sie es später noch einmal.";
    });
  });

  document.getElementById("chat-download").addEventListener("click", function () {
    var today = new Date();
    var text = "Chat mit dem Jobcenter Musterstadt, Verlauf vom " + today.toLocaleDateString("de-DE") + "\r\n\r\n" +
      transcript.map(function (t) {
        return "[" + time(t.ts) + "] " + (WHO[t.role] || "Assistent") + ": " + t.text.replace(/\n/g, "\r\n");
      }).join("\r\n\r\n") + "\r\n";
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/plain;charset=utf-8" }));
    a.download = "chatverlauf-" + today.toISOString().slice(0, 10) + ".txt";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });

  document.getElementById("chat-restart").addEventListener("click", function () {
    restartBox.hidden = false;
    document.getElementById("restart-no").focus();
  });
  document.getElementById("restart-no").addEventListener("click", function () {
    restartBox.hidden = true;
    document.getElementById("chat-restart").focus();
  });
  document.getElementById("restart-yes").addEventListener("click", function () {
    restartBox.hidden = true;
    localStorage.removeItem("jc-session");
    localStorage.removeItem("jc-resume");
    sessionId = null; resume = null;
    clearLog();
    withAgent(false);
    socket.disconnect(); // leaves the old conversation's room; "connect" asks for a new conversation
    socket.connect();
    input.focus();
  });
})();
