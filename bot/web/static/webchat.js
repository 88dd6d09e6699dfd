// Chat widget: socket.io transport (vendor library), transcript-numbered messages so that a reload or
// a dropped connection shows what was missed exactly once. Text from the server or the citizen is only
// ever put into the page as text nodes (links are built as elements), never as HTML.
// Languages: the widget's texts come from texts.json (content/languages/widget.yml); the language is the one
// chosen in this browser before (localStorage), else the browser's first supported one, else German. The switcher
// and the assistant's answers (which name their language) change it; every message tells the server the language.
(function () {
  "use strict";
  var ROLES = { citizen: true, bot: true, agent: true, system: true };
  var SWITCH = /^\/set_language\{\s*"language"\s*:\s*"([A-Za-z_-]+)"\s*\}$/;
  var LANGUAGE_KEY = "jc-language";

  var root = document.documentElement;
  var chat = document.getElementById("chat");
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
  var toggle = document.getElementById("language-toggle");
  var languageList = document.getElementById("language-list");
  var sessionId = localStorage.getItem("jc-session");
  var resume = localStorage.getItem("jc-resume"); // the server's secret for this browser: without it no resume
  var lastId = 0; // highest transcript line shown
  var shown = {}; // transcript line id -> its <li>
  var transcript = []; // the lines shown, for the download
  var uploadMaxBytes = 5 * 1024 * 1024;
  var socket = null;

  // -- texts and languages --------------------------------------------------------------------------------------
  var config = { "default": "de", languages: [{ code: "de", native: "Deutsch", lang: "de", dir: "ltr" }], texts: {} };
  var languages = {}; // code -> {code, native, lang, dir, variant}
  var ui = "de"; // the widget's language
  var switching = false; // a language was chosen: answers still on their way do not change it back
  var withPerson = false;
  var status = { key: "status_connecting" }; // what the status line says (a text key, or the server's text)
  var uploadNote = null;
  var typingRole = null;
  var legalLinks = [];
  var original = {}; // the page's German texts: shown when texts.json cannot be read

  Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (element) {
    original[element.getAttribute("data-i18n")] = element.textContent.replace(/\s+/g, " ").trim();
  });
  eachAttribute(function (element, attribute, key) { original[key] = element.getAttribute(attribute) || ""; });

  function eachAttribute(callback) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-attr]"), function (element) {
      element.getAttribute("data-i18n-attr").split(";").forEach(function (pair) {
        var parts = pair.split(":");
        if (parts.length === 2) { callback(element, parts[0].trim(), parts[1].trim()); }
      });
    });
  }

  function has(object, key) { return !!object && Object.prototype.hasOwnProperty.call(object, key); }

  function lookup(key) {
    var tables = [config.texts[ui], config.texts[config["default"]], config.texts.de];
    for (var i = 0; i < tables.length; i++) {
      if (has(tables[i], key) && typeof tables[i][key] === "string") { return tables[i][key]; }
    }
    return has(original, key) ? original[key] : key;
  }

  // the text `key` in the widget's language, with {placeholders} filled in from `values`
  function t(key, values) {
    return lookup(key).replace(/\{([A-Za-z0-9_]+)\}/g, function (all, name) {
      return values && has(values, name) ? String(values[name]) : all;
    });
  }

  function locale() {
    var wanted = lookup("locale");
    try { new Intl.DateTimeFormat(wanted); return wanted; } catch (e) { return "de-DE"; }
  }

  function language() { return languages[ui] || { code: ui, lang: ui, dir: "ltr", native: ui }; }

  function supported(code) { return typeof code === "string" && has(languages, code); }

  function remembered() {
    try { return localStorage.getItem(LANGUAGE_KEY); } catch (e) { return null; }
  }

  function remember(code) {
    try { localStorage.setItem(LANGUAGE_KEY, code); } catch (e) { /* private mode: for this page only */ }
  }

  // the language chosen in this browser before, else the browser's first supported one, else the default (German)
  function firstLanguage() {
    var stored = remembered();
    if (supported(stored)) { return stored; }
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i]).toLowerCase().split("-")[0];
      if (supported(code) && !languages[code].variant) { return code; }
    }
    return supported(config["default"]) ? config["default"] : "de";
  }

  function applyLanguage() {
    var current = language();
    root.lang = current.lang; root.dir = current.dir;
    chat.lang = current.lang; chat.dir = current.dir;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (element) {
      element.textContent = t(element.getAttribute("data-i18n"));
    });
    eachAttribute(function (element, attribute, key) { element.setAttribute(attribute, t(key)); });
    document.getElementById("upload-label").textContent = t("upload_label", { max: megabytes() });
    showTitle();
    showStatus();
    showTyping();
    if (uploadNote && uploadNote.key) { uploadStatus.textContent = t(uploadNote.key, uploadNote.values); }
    Array.prototype.forEach.call(lines.children, function (item) { if (item.jcLine) { showMeta(item); } });
    showLegal();
    showLanguages();
  }

  function setLanguage(code, keep) {
    if (!supported(code)) { return; }
    if (keep) { remember(code); }
    if (code === ui) { return; }
    ui = code;
    applyLanguage();
  }

  function showLanguages() {
    var current = document.getElementById("language-current");
    current.textContent = language().native;
    current.lang = language().lang;
    current.dir = language().dir;
    Array.prototype.forEach.call(languageList.querySelectorAll("button"), function (button) {
      if (button.getAttribute("data-language") === ui) { button.setAttribute("aria-current", "true"); }
      else { button.removeAttribute("aria-current"); }
    });
  }

  function buildLanguages() {
    while (languageList.firstChild) { languageList.removeChild(languageList.firstChild); }
    config.languages.forEach(function (l) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.lang = l.lang;
      button.dir = l.dir;
      button.textContent = l.native;
      button.setAttribute("data-language", l.code);
      button.addEventListener("click", function () { choose(l.code); });
      item.appendChild(button);
      languageList.appendChild(item);
    });
    toggle.parentNode.hidden = config.languages.length < 2;
  }

  function openLanguages(open) {
    languageList.hidden = !open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // the citizen chose a language: the widget speaks it at once, and the assistant confirms it in that language
  function choose(code) {
    openLanguages(false);
    toggle.focus();
    if (!supported(code)) { return; }
    if (sessionId && !withPerson && code !== ui) {
      send('/set_language{"language": "' + code + '"}', languages[code].native);
    } else {
      setLanguage(code, true);
    }
  }

  toggle.addEventListener("click", function () { openLanguages(languageList.hidden); });
  languageList.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { openLanguages(false); toggle.focus(); }
  });
  toggle.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !languageList.hidden) { openLanguages(false); }
  });

  // -- messages ---------------------------------------------------------------------------------------------------
  function time(ts) {
    var d = ts ? new Date(ts) : new Date();
    return d.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
  }

  function who(role) { return t("who_" + (ROLES[role] ? role : "bot")); }

  function megabytes() {
    return (Math.round(uploadMaxBytes / 104857.6) / 10).toLocaleString(locale());
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
        node.dir = "ltr"; // numbers and addresses keep their order inside right-to-left text
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

  // "Assistent, 12:30:" in the widget's language (the message itself may be in another one)
  function showMeta(item) {
    var meta = item.querySelector(".meta");
    meta.textContent = t("message_meta", { who: who(item.jcLine.role), time: time(item.jcLine.ts) });
    meta.lang = language().lang;
    meta.dir = language().dir;
  }

  function render(line) {
    if (line.id && shown[line.id]) { return; }
    var role = ROLES[line.role] ? line.role : "bot";
    var item = document.createElement("li");
    item.className = "msg " + role;
    item.jcLine = { role: role, ts: line.ts };
    if (role === "bot") { // the assistant names the language of its answer; else it is the widget's
      item.lang = typeof line.lang === "string" && line.lang ? line.lang : language().lang;
      item.dir = line.dir === "rtl" || line.dir === "ltr" ? line.dir : "auto";
    } else {
      item.dir = "auto"; // the citizen's and the Service Center's words: direction from the text itself
    }
    var meta = document.createElement("span");
    meta.className = "meta";
    item.appendChild(meta);
    showMeta(item);
    var body = document.createElement("span");
    body.className = "text";
    appendText(body, line.text || "");
    item.appendChild(body);
    var buttons = line.buttons || line.quick_replies;
    if (buttons && buttons.length) {
      var box = document.createElement("div");
      box.className = "buttons";
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", t("buttons_label"));
      box.setAttribute("data-i18n-attr", "aria-label:buttons_label");
      buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        box.appendChild(button);
      });
      item.appendChild(box);
    }
    var entry = { id: line.id || 0, role: role, ts: line.ts, text: line.text || "" };
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
    var wanted = SWITCH.exec(message); // a language button or the switcher: the widget follows at once
    if (wanted && supported(wanted[1])) {
      setLanguage(wanted[1], true);
      switching = true;
    }
    socket.emit("user_uttered", { session_id: sessionId, message: message, display: display || null, language: ui });
  }

  function showTitle() {
    var text = t(withPerson ? "title_agent" : "title_bot");
    title.textContent = text;
    document.title = text + " – " + t("site_name");
  }

  function showStatus() {
    statusLine.textContent = status.key ? t(status.key, status.values) : status.text;
  }

  function setStatus(key, values) { status = { key: key, values: values }; showStatus(); }

  function showTyping() {
    typingLine.hidden = !typingRole;
    typingLine.textContent = typingRole ? t(typingRole === "agent" ? "typing_agent" : "typing_bot") : "";
  }

  function withAgent(yes) {
    withPerson = yes;
    showTitle();
    setStatus(yes ? "title_agent" : "status_bot");
  }

  function showLegal(links) {
    if (links) { legalLinks = links; }
    var list = document.getElementById("chat-legal");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    (legalLinks || []).forEach(function (l) {
      if (!/^(https:\/\/|\/(?!\/))/.test(l.href)) { return; }
      var item = document.createElement("li");
      var key = "legal_" + l.key;
      var a = link(l.href, l.key && lookup(key) !== key ? t(key) : l.title, true);
      a.hreflang = "de"; // the legal pages are German
      item.appendChild(a);
      list.appendChild(item);
    });
    list.parentNode.hidden = !list.firstChild;
  }

  function showUploadNote(key, values) {
    uploadNote = { key: key, values: values };
    uploadStatus.textContent = t(key, values);
  }

  function showUploadText(text) {
    uploadNote = null;
    uploadStatus.textContent = text;
  }

  // -- connection -------------------------------------------------------------------------------------------------
  function connect() {
    socket = io(window.location.origin, { path: "/webchat/socket.io", transports: ["websocket", "polling"] });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: sessionId, resume: resume, greet: true, language: ui });
    });
    socket.on("disconnect", function () { setStatus("status_disconnected"); });
    socket.on("session_confirm", function (data) {
      if (data.session_id !== sessionId) { clearLog(); } // a new conversation
      sessionId = data.session_id;
      localStorage.setItem("jc-session", sessionId);
      if (data.resume) { resume = data.resume; localStorage.setItem("jc-resume", resume); }
      if (data.upload_max_bytes) {
        uploadMaxBytes = data.upload_max_bytes;
        document.getElementById("upload-label").textContent = t("upload_label", { max: megabytes() });
      }
      showLegal(data.links);
      setStatus("status_connected");
      socket.emit("history", { session_id: sessionId, after_id: lastId });
      if (data.handover === "agent") { withAgent(true); }
    });
    socket.on("history", function (data) {
      (data.lines || []).forEach(render);
      if (data.rate) { rating.hidden = false; }
    });
    socket.on("bot_uttered", function (line) {
      // the conversation went on in another language (the citizen wrote in it): the widget follows
      if (!switching && supported(line.language) && line.language !== ui) { setLanguage(line.language, true); }
      render(line);
    });
    socket.on("user_echo", function (line) {
      switching = false; // the choice reached the server: what comes now is in the new language
      render(line);
    });
    socket.on("typing", function (data) {
      typingRole = data.typing ? data.role : null;
      showTyping();
    });
    socket.on("handover", function (data) {
      if (data.state === "queued") {
        setStatus("status_queued", { position: data.position, minutes: data.minutes });
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
    socket.on("error", function (data) {
      render({ role: "system", text: data.key && lookup(data.key) !== data.key ? t(data.key) : data.text });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !socket) { return; }
    send(text);
    input.value = "";
    socket.emit("typing", { session_id: sessionId, typing: false });
  });
  var typingTimer = null;
  input.addEventListener("input", function () {
    if (!sessionId || !socket) { return; }
    socket.emit("typing", { session_id: sessionId, typing: true });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { socket.emit("typing", { session_id: sessionId, typing: false }); }, 3000);
  });

  rating.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = rating.querySelector("input[name=stars]:checked");
    if (!chosen || !sessionId || !socket) { return; }
    socket.emit("rate", { session_id: sessionId, stars: parseInt(chosen.value, 10),
                          comment: document.getElementById("rating-comment").value, language: ui });
  });
  document.getElementById("rating-skip").addEventListener("click", function () { rating.hidden = true; input.focus(); });

  upload.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = document.getElementById("chat-file").files[0];
    if (!file || !sessionId || !resume) { return; }
    if (file.size > uploadMaxBytes) {
      showUploadNote("upload_too_large", { max: megabytes() });
      return;
    }
    var body = new FormData();
    body.append("session_id", sessionId);
    body.append("resume", resume);
    body.append("language", ui);
    body.append("file", file, file.name);
    showUploadNote("upload_busy");
    fetch("upload?language=" + encodeURIComponent(ui), { method: "POST", body: body, credentials: "same-origin" }).then(function (answer) {
      return answer.json().catch(function () { return { ok: false }; });
    }).then(function (result) {
      if (result.key && lookup(result.key) !== result.key) { showUploadNote(result.key); }
      else if (result.text) { showUploadText(result.text); }
      else { showUploadNote(result.ok ? "upload_done" : "upload_failed"); }
      if (result.ok) { upload.reset(); }
    }).catch(function () {
      showUploadNote("upload_retry");
    });
  });

  document.getElementById("chat-download").addEventListener("click", function () {
    var today = new Date();
    var text = t("download_heading", { site: t("site_name"), date: today.toLocaleDateString(locale()) }) + "\r\n\r\n" +
      transcript.map(function (line) {
        return "[" + time(line.ts) + "] " + who(line.role) + ": " + line.text.replace(/\n/g, "\r\n");
      }).join("\r\n\r\n") + "\r\n";
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/plain;charset=utf-8" }));
    a.download = t("download_file") + "-" + today.toISOString().slice(0, 10) + ".txt";
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

  // the texts first (the greeting of a new conversation comes in the widget's language), then the connection
  function start(loaded) {
    if (loaded && loaded.languages && loaded.languages.length && loaded.texts) { config = loaded; }
    config.languages.forEach(function (l) { languages[l.code] = l; });
    buildLanguages();
    ui = firstLanguage();
    applyLanguage();
    connect();
  }

  fetch("texts.json", { credentials: "same-origin" }).then(function (answer) {
    return answer.ok ? answer.json() : null;
  }).then(start, function () { start(null); });
})();
