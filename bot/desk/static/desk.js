// Agent desk: a small application with hash routes (#/warteschlange, #/gespraeche/<id>, #/vorgaenge/<id>, …).
// The conversations an agent holds come from the server (/api/mine), so a reload or reconnect keeps them;
// the live queue and conversation events arrive over one websocket; actions are JSON POSTs with the CSRF token.
(function () {
  "use strict";
  var me = null, L = null, current = null, lastLine = 0;
  var convs = {}, drafts = {}, outcomes = {};
  var SLA_WARN = 60, SLA_LATE = 180;  // seconds in the queue: amber, then red
  var BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

  function $(id) { return document.getElementById(id); }
  function clean(text) { return String(text == null ? "" : text).replace(BIDI, ""); }
  function lbl(table, code) {
    var t = (L && L[table]) || {}, c = code == null ? "" : String(code);
    return t[c] || c.replace(/_/g, " ") || "–";
  }
  function fmtDate(value) {  // dd.mm.yyyy HH:MM, Europe/Berlin
    if (!value) { return ""; }
    var s = String(value);
    if (/[zZ]|[+-]\d\d:?\d\d$/.test(s.slice(10))) {
      var d = new Date(s);
      if (isNaN(d)) { return s; }
      var parts = {};
      new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hour12: false }).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
      return parts.day + "." + parts.month + "." + parts.year + " " + parts.hour + ":" + parts.minute;
    }
    var m = s.match(/^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?/);
    return m ? m[3] + "." + m[2] + "." + m[1] + (m[4] ? " " + m[4] + ":" + m[5] : "") : s;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) { e.textContent = clean(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function item(parent, tag, text) { var e = el(tag, text); parent.appendChild(e); return e; }
  function button(text, onClick, cls) {
    var b = el("button", text, cls); b.type = "button"; b.addEventListener("click", onClick); return b;
  }
  function minutes(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    return Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
  }

  function notice(text) {  // short status and error messages; cleared by the next success
    var box = $("notice");
    box.textContent = text || ""; box.hidden = !text;
  }

  function api(path, body) {
    return fetch(path, {
      method: body ? "POST" : "GET",
      headers: body ? { "Content-Type": "application/json", "X-CSRF-Token": me.csrf } : {},
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 401) { window.location = "/login"; }
      var parsed = r.headers.get("Content-Type") && r.headers.get("Content-Type").indexOf("json") >= 0
        ? r.json().then(function (d) { d.status = r.status; if (d.ok === undefined) { d.ok = r.ok; } return d; })
        : r.text().then(function (t) { return { ok: r.ok, status: r.status, message: t }; });
      return parsed.then(function (d) { if (body && d.ok) { notice(""); } return d; });
    });
  }

  // ---------------------------------------------------------------- alerts (threats, crises): stacked, dismissable
  function addAlert(text, caseId) {
    var box = el("div", null, "alert"); box.setAttribute("role", "alert");
    box.appendChild(el("span", text));
    if (caseId) {
      var link = el("a", "Vorgang " + caseId + " öffnen"); link.href = "#/vorgaenge/" + encodeURIComponent(caseId);
      box.appendChild(link);
    }
    box.appendChild(button("Ausblenden", function () { box.remove(); }, "dismiss"));
    $("alert").appendChild(box);
  }

  // ---------------------------------------------------------------- notifications on a new queue entry
  var known = null, audio = null, queueLength = 0, baseTitle = document.title;
  function updateTitle() {
    var unread = totalUnread();
    var n = queueLength + unread;
    document.title = (n > 0 ? "(" + n + ") " : "") + baseTitle;
    $("nav-queue").textContent = queueLength; $("nav-queue").hidden = !queueLength;
    $("nav-unread").textContent = unread; $("nav-unread").hidden = !unread;
  }
  function beep() {
    try {
      if (!audio) { return; }
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.1;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound: the title badge and the list still show it */ }
  }
  function announce(title, body) {
    beep();
    if (window.Notification && Notification.permission === "granted") {
      try { new Notification(title, { body: body, tag: "agent-desk" }); } catch (e) { /* ignored */ }
    }
  }
  function enableNotifications() {  // asked on a click: browsers refuse permission requests without one
    try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); } catch (e) { audio = null; }
    if (window.Notification && Notification.permission === "default") {
      Promise.resolve(Notification.requestPermission()).then(showNotifyButton);
    }
    showNotifyButton();
  }
  function showNotifyButton() {
    var b = $("notify-on");
    var granted = window.Notification && Notification.permission === "granted";
    b.hidden = !me || me.role === "editor" || (granted && audio);
    b.textContent = granted ? "Ton einschalten" : "Benachrichtigungen einschalten";
  }

  // ---------------------------------------------------------------- queue with live waiting timers
  var queueEntries = [], queueOffset = 0;
  function slaClass(seconds) { return seconds >= SLA_LATE ? "sla-late" : seconds >= SLA_WARN ? "sla-warn" : "sla-ok"; }
  function tickQueue() {
    var now = Date.now() / 1000;
    document.querySelectorAll("#queue [data-since]").forEach(function (span) {
      var waited = now - Number(span.dataset.since);
      span.textContent = "wartet " + minutes(waited);
      var li = span.closest("li");
      li.classList.remove("sla-ok", "sla-warn", "sla-late"); li.classList.add(slaClass(waited));
    });
    if (me && me.role === "supervisor" && queueEntries.length) {
      var longest = Math.max.apply(null, queueEntries.map(function (e) { return now - e.since; }));
      $("stat-wait").textContent = "längste Wartezeit: " + minutes(longest);
    }
  }
  function renderQueue(data) {
    var list = $("queue"), now = Date.now() / 1000;
    // a conversation handed to a team shows to that office's agents (and to agents for all offices)
    data = Object.assign({}, data, { queue: data.queue.filter(function (e) {
      return !e.team || !me || !me.office || e.team === me.office;
    }) });
    queueEntries = data.queue.map(function (e) { return { entry: e, since: now - e.waiting }; });
    var senders = data.queue.map(function (e) { return e.sender; });
    if (known !== null) {
      var fresh = data.queue.filter(function (e) { return known.indexOf(e.sender) < 0; });
      if (fresh.length) {
        announce("Neue Anfrage in der Warteschlange", lbl("priorities", fresh[0].priority) + " · " + lbl("topics", fresh[0].topic));
        loadCases();
      }
    }
    known = senders;
    queueLength = data.queue.length;
    updateTitle();
    list.innerHTML = "";
    queueEntries.forEach(function (q) {
      var entry = q.entry, li = el("li");
      li.classList.add("prio-" + entry.priority, entry.priority);
      li.dataset.sender = entry.sender;
      var claim = button("Übernehmen", function () {
        api("/api/claim", { sender: entry.sender }).then(function (r) {
          if (r.ok) { loadMine(entry.sender); } else { notice(r.message || "Bereits übernommen."); }
        });
      });
      var head = el("p");
      head.appendChild(el("span", lbl("priorities", entry.priority), "prio"));
      head.appendChild(document.createTextNode(" · "));
      var wait = el("span", "wartet " + minutes(entry.waiting), "wait"); wait.dataset.since = q.since;
      head.appendChild(wait);
      head.appendChild(document.createTextNode(" · Thema: " + lbl("topics", entry.topic) + " · " + lbl("channels", entry.channel) +
        (entry.customer ? " · identifiziert" : "") + (entry.team ? " · an Team " + lbl("offices", entry.team) : "")));
      if (entry.language && entry.language !== "de") {
        var lang = el("span", " · Sprache: " + entry.language_name, "lang"); head.appendChild(lang);
      }
      li.appendChild(claim); li.appendChild(head); li.appendChild(el("p", entry.summary, "text"));
      list.appendChild(li);
    });
    if (!data.queue.length) { item(list, "li", "Niemand wartet."); }
    tickQueue();
    if (me && me.role === "supervisor") {
      $("stats").hidden = false;
      $("stat-queue").textContent = "Warteschlange: " + data.stats.queue_length;
      $("stat-wait").textContent = "längste Wartezeit: " + minutes(data.stats.longest_wait);
      $("stat-agents").textContent = "online: " + (data.stats.agents_online.join(", ") || "niemand");
    }
  }
  setInterval(tickQueue, 1000);

  // ---------------------------------------------------------------- my conversations (several at once, unread counters)
  var seenKey = null;
  function seen() { try { return JSON.parse(localStorage.getItem(seenKey) || "{}"); } catch (e) { return {}; } }
  function markSeen(sender, id) {
    var all = seen(); if ((all[sender] || 0) >= id) { return; }
    all[sender] = id; try { localStorage.setItem(seenKey, JSON.stringify(all)); } catch (e) { /* private mode */ }
  }
  function unread(c) {
    var last = seen()[c.sender] || 0;
    return (c.citizen_ids || []).filter(function (id) { return id > last; }).length;
  }
  function totalUnread() {
    return Object.keys(convs).reduce(function (n, s) { return n + (s === current ? 0 : unread(convs[s])); }, 0);
  }
  function renderMine() {
    var list = $("mine"); list.innerHTML = "";
    var senders = Object.keys(convs);
    senders.forEach(function (sender, index) {
      var c = convs[sender], li = el("li"), count = sender === current ? 0 : unread(c);
      if (sender === current) { li.className = "active"; }
      var link = el("a", null); link.href = "#/gespraeche/" + encodeURIComponent(sender);
      link.dataset.sender = sender;
      link.appendChild(el("span", "Gespräch " + (index + 1) + ": " + lbl("topics", c.topic), "title"));
      if (count) {
        var badge = el("span", String(count), "badge unread"); badge.setAttribute("aria-label", count + " ungelesen");
        link.appendChild(badge);
      }
      if (sender === current) { link.setAttribute("aria-current", "page"); }
      li.appendChild(link);
      li.appendChild(el("p", (c.summary || c.last_text || "") + (c.last_ts ? " · " + fmtDate(c.last_ts) : ""), "text"));
      list.appendChild(li);
    });
    if (!senders.length) { item(list, "li", "Sie betreuen gerade kein Gespräch."); }
    updateTitle();
  }
  function loadMine(openSender) {
    return api("/api/mine").then(function (data) {
      var fresh = {};
      (data.conversations || []).forEach(function (c) { fresh[c.sender] = c; });
      convs = fresh;
      renderMine();
      if (openSender) { go("#/gespraeche/" + encodeURIComponent(openSender)); }
      return data;
    });
  }

  function addLine(line) {
    if (line.id <= lastLine) { return; }
    lastLine = line.id;
    var li = el("li", null, line.role);
    var who = lbl("roles", line.role) + (line.agent ? " (" + (line.name || line.agent) + ")" : "");
    li.appendChild(el("span", who + " " + fmtDate(line.ts).slice(11), "role"));
    li.appendChild(el("span", line.text, "text"));
    var log = $("transcript"); log.appendChild(li);
    var box = $("transcript-box"); box.scrollTop = box.scrollHeight;
    if (current && convs[current]) { markSeen(current, line.id); }
  }
  function renderNotes(notes) {
    var list = $("conv-notes"); list.innerHTML = "";
    notes.forEach(function (n) { item(list, "li", fmtDate(n.at) + " " + n.by + ": " + n.text); });
    if (!notes.length) { item(list, "li", "keine"); }
  }
  function renderCustomer(panel) {
    var box = $("customer"); box.innerHTML = "";
    if (!panel.identified) { item(box, "p", "Nicht identifiziert (keine Angaben zur Person sichtbar)."); return; }
    item(box, "p", panel.name + " · " + panel.number + " · " + panel.office);
    item(box, "h4", "Frühere Vorgänge");
    var cases = item(box, "ul", null);
    panel.cases.forEach(function (c) {
      var li = el("li"), a = el("a", c.id + " " + c.kind); a.href = "#/vorgaenge/" + encodeURIComponent(c.id);
      li.appendChild(a); li.appendChild(document.createTextNode(" · " + lbl("statuses", c.status) + " · " + c.created));
      cases.appendChild(li);
    });
    if (!panel.cases.length) { item(cases, "li", "keine"); }
    item(box, "h4", "Termine");
    var dates = item(box, "ul", null);
    panel.appointments.forEach(function (t) { item(dates, "li", t.when + " · " + t.type + " · " + t.office); });
    if (!panel.appointments.length) { item(dates, "li", "keine"); }
  }
  function keepDraft() {
    if (current) { drafts[current] = $("reply-text").value; outcomes[current] = $("outcome").value; }
  }
  function open(sender, focus) {
    if (sender !== current) { keepDraft(); }
    return api("/api/conversations/" + encodeURIComponent(sender)).then(function (data) {
      if (data.status >= 400) { notice(data.message || "Gespräch nicht verfügbar."); return; }
      current = sender; lastLine = 0;
      $("transcript").innerHTML = "";
      data.transcript.forEach(addLine);
      var mine = data.agent === me.user && data.state === "agent";
      var meta = data.meta || {};
      $("conv-info").textContent = clean((mine ? "Sie betreuen dieses Gespräch" : "Status: " + lbl("states", data.state)) +
        " · Thema: " + lbl("topics", meta.topic) + " · " + lbl("channels", meta.channel || "") +
        (meta.claimed_at ? " · übernommen " + fmtDate(meta.claimed_at) : ""));
      $("reply").hidden = !mine; $("conv-side").hidden = !mine;
      $("reply-text").value = drafts[sender] || ""; $("outcome").value = outcomes[sender] || "";
      $("citizen-typing").hidden = true;
      renderNotes(data.notes || []);
      renderMine();
      if (mine) {
        api("/api/conversations/" + encodeURIComponent(sender) + "/customer").then(renderCustomer);
        if (focus !== false) { $("reply-text").focus(); }
      }
    });
  }
  function leaveConversation(sender) {  // closed, handed back or transferred: the next chat starts clean
    delete drafts[sender]; delete outcomes[sender]; delete convs[sender];
    if (sender === current) {
      current = null; $("reply").hidden = true; $("conv-side").hidden = true;
      $("reply-text").value = ""; $("outcome").value = ""; $("transcript").innerHTML = "";
      $("conv-info").textContent = "Kein Gespräch ausgewählt.";
    }
    loadMine().then(function () {
      var next = Object.keys(convs)[0];
      if (next && route().name === "gespraeche") { go("#/gespraeche/" + encodeURIComponent(next)); }
    });
  }

  function send() {
    var box = $("reply-text"), text = box.value.trim(), sender = current;
    if (!text || !sender) { return; }
    api("/api/send", { sender: sender, text: text }).then(function (r) {
      if (r.ok) { box.value = ""; drafts[sender] = ""; if (sender === current) { addLine(r.line); } } else { notice(r.message); }
    });
  }
  $("reply").addEventListener("submit", function (event) { event.preventDefault(); send(); });
  $("reply-text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); send(); return; }
    if (event.key === "Tab" && !event.shiftKey) {
      var box = event.target, m = box.value.match(/(^|\s)\/([^\s\/]+)$/);
      var hit = m && canned.filter(function (c) { return c.shortcut === m[2].toLowerCase(); })[0];
      if (hit) { event.preventDefault(); box.value = box.value.slice(0, box.value.length - m[2].length - 1) + hit.text; }
    }
  });
  var typingTimer = null;
  $("reply-text").addEventListener("input", function () {
    var sender = current;
    if (!sender) { return; }
    if (!typingTimer) { api("/api/typing", { sender: sender, typing: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingTimer = null; api("/api/typing", { sender: sender, typing: false }); }, 2500);
  });
  $("handback").addEventListener("click", function () {
    var sender = current;
    api("/api/handback", { sender: sender }).then(function (r) {
      if (!r.ok) { notice(r.message); return; }
      notice(""); leaveConversation(sender);
    });
  });
  $("close").addEventListener("click", function () {
    var sender = current, note = $("outcome").value.trim();
    if (!note) { notice("Bitte eine Ergebnisnotiz eingeben."); $("outcome").focus(); return; }
    api("/api/close", { sender: sender, outcome: note }).then(function (r) {
      if (!r.ok) { notice(r.message); return; }
      notice(""); leaveConversation(sender);
    });
  });
  $("transfer").addEventListener("click", function () {
    var sender = current, to = $("transfer-to").value;
    if (!to) { notice("Bitte eine Kollegin, einen Kollegen oder ein Team auswählen."); return; }
    api("/api/transfer", { sender: sender, to: to, note: $("outcome").value }).then(function (r) {
      if (!r.ok) { notice(r.message); return; }
      notice("Gespräch weitergeleitet."); leaveConversation(sender);
    });
  });
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = $("note-text"), sender = current;
    if (!box.value.trim() || !sender) { return; }
    api("/api/conversations/" + encodeURIComponent(sender) + "/notes", { text: box.value }).then(function (r) {
      if (!r.ok) { notice(r.message); return; }
      box.value = ""; open(sender, false);
    });
  });
  function loadColleagues() {
    api("/api/colleagues").then(function (data) {
      var select = $("transfer-to"); select.innerHTML = "";
      select.appendChild(el("option", "bitte wählen"));
      select.options[0].value = "";
      data.colleagues.forEach(function (c) {
        var o = el("option", c.display + (c.display !== c.user ? " (" + c.user + ")" : "") + (c.online ? " · online" : ""));
        o.value = c.user; select.appendChild(o);
      });
      (data.teams || []).forEach(function (t) {  // a team: back in the queue for that office's agents
        var o = el("option", t.name); o.value = t.key; select.appendChild(o);
      });
    });
  }

  // ---------------------------------------------------------------- canned responses (supervisors edit them)
  var canned = [];
  function renderCanned() {
    var query = $("canned-search").value.trim().toLowerCase(), quick = $("quick"); quick.innerHTML = "";
    canned.filter(function (c) {
      return !query || (c.title + " " + c.shortcut + " " + c.text).toLowerCase().indexOf(query) >= 0;
    }).forEach(function (c) {
      var b = button(c.title + (c.shortcut ? " (/" + c.shortcut + ")" : ""), function () {
        var box = $("reply-text"); box.value = box.value ? box.value + " " + c.text : c.text; box.focus();
      });
      b.title = c.text; quick.appendChild(b);
    });
    if (me.role !== "supervisor") { return; }
    var list = $("canned-list"); list.innerHTML = "";
    canned.forEach(function (c) {
      var li = item(list, "li", c.title + (c.shortcut ? " /" + c.shortcut : "") + ": " + c.text);
      li.appendChild(button("Bearbeiten", function () {
        $("canned-id").value = c.id; $("canned-title").value = c.title; $("canned-shortcut").value = c.shortcut;
        $("canned-text").value = c.text; $("canned-title").focus();
      }));
      li.appendChild(button("Löschen", function () {
        api("/api/canned", { id: c.id, "delete": true }).then(loadCanned);
      }));
    });
  }
  function loadCanned() { return api("/api/canned").then(function (data) { canned = data.canned || []; renderCanned(); }); }
  $("canned-search").addEventListener("input", renderCanned);
  $("canned-form").addEventListener("submit", function (event) {
    event.preventDefault();
    api("/api/canned", { id: $("canned-id").value, title: $("canned-title").value, shortcut: $("canned-shortcut").value,
      text: $("canned-text").value }).then(function (r) {
      if (!r.ok) { notice(r.message); return; }
      ["canned-id", "canned-title", "canned-shortcut", "canned-text"].forEach(function (id) { $(id).value = ""; });
      notice("Textbaustein gespeichert."); loadCanned();
    });
  });

  // ---------------------------------------------------------------- websocket: queue, conversation events, alerts
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    var ping = setInterval(function () { if (ws.readyState === 1) { ws.send("ping"); } }, 15000);
    ws.onopen = function () { loadMine(); if (current) { open(current, false); } };  // reconnect: nothing missed
    ws.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.type === "queue") { renderQueue(event); }
      if (event.type === "citizen_message" || event.type === "to_citizen") {
        if (event.sender === current) { addLine(event.line); $("citizen-typing").hidden = true; }
        if (convs[event.sender] && event.type === "citizen_message") {
          convs[event.sender].citizen_ids = (convs[event.sender].citizen_ids || []).concat([event.line.id]);
          convs[event.sender].last_text = event.line.text; convs[event.sender].last_ts = event.line.ts;
          if (event.sender !== current || document.visibilityState !== "visible") {
            announce("Neue Nachricht", lbl("topics", convs[event.sender].topic));
          }
          renderMine();
        }
      }
      if (event.type === "citizen_typing" && event.sender === current) { $("citizen-typing").hidden = !event.typing; }
      if ((event.type === "claimed" || event.type === "transferred") && event.agent === me.user) {
        loadMine();
        if (event.type === "transferred") { announce("Gespräch an Sie weitergeleitet", "von " + event.from); }
      }
      if ((event.type === "released" || event.type === "closed") && convs[event.sender] && event.agent !== me.user) {
        leaveConversation(event.sender);
      }
      if (event.type === "supervisor_alert") { addAlert("Achtung: Drohung im Chat: " + clean(event.text), event["case"]); loadCases(); }
      if (event.type === "crisis_alert") {
        addAlert("KRISE: Eine Person braucht jetzt Hilfe (" + lbl("channels", event.channel) + ")." +
          (event.person === "now" ? " Sie steht oben in der Warteschlange: bitte sofort übernehmen." : ""), event["case"]);
        announce("KRISE", "Eine Person braucht jetzt Hilfe."); loadCases();
      }
    };
    ws.onclose = function () { clearInterval(ping); setTimeout(connect, 1000); };
  }

  // ---------------------------------------------------------------- cases: search, sorting, paging, detail
  var caseKinds = {}, caseOffices = {}, allCases = [], casePage = 0, caseSort = { key: "created_at", dir: -1 };
  var PAGE = 25, PRIO_ORDER = { crisis: 3, urgent: 2, high: 1, normal: 0 };

  function fillSelect(id, entries) {
    var select = $(id), chosen = select.value;
    while (select.options.length > 1) { select.remove(1); }
    Object.keys(entries).forEach(function (key) {
      var o = el("option", entries[key]); o.value = key; select.appendChild(o);
    });
    select.value = chosen;
  }
  function changeCase(id, body, after) {  // refused changes (other office, foreign assignee) get the server's German text
    api("/api/cases/" + encodeURIComponent(id), body).then(function (r) {
      if (r.status >= 400) { notice(r.message || "Die Änderung wurde abgelehnt."); }
      loadCases();
      if (after) { after(); }
    });
  }
  function sortValue(c, key) {
    if (key === "priority") { return PRIO_ORDER[c.priority] || 0; }
    if (key === "kind") { return (caseKinds[c.kind] || c.kind || "").toLowerCase(); }
    return String(c[key] || "").toLowerCase();
  }
  function renderCases() {
    var query = $("case-search").value.trim().toLowerCase();
    var shown = allCases.filter(function (c) {
      if (!query) { return true; }
      return [c.id, caseKinds[c.kind] || c.kind, c.summary, c.assignee, lbl("statuses", c.status), fmtDate(c.created_at)]
        .join(" ").toLowerCase().indexOf(query) >= 0;
    });
    shown.sort(function (a, b) {
      var x = sortValue(a, caseSort.key), y = sortValue(b, caseSort.key);
      return x < y ? -caseSort.dir : x > y ? caseSort.dir : 0;
    });
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    casePage = Math.min(casePage, pages - 1);
    var body = $("cases"); body.innerHTML = "";
    shown.slice(casePage * PAGE, casePage * PAGE + PAGE).forEach(function (c) {
      var row = el("tr");
      if (c.priority !== "normal") { row.className = "priority-" + c.priority; }
      [c.id, fmtDate(c.created_at), caseKinds[c.kind] || lbl("kinds", c.kind), lbl("priorities", c.priority),
        lbl("statuses", c.status), c.summary, c.assignee || "–"].forEach(function (value) { item(row, "td", value); });
      var cell = el("td");
      cell.appendChild(button("Öffnen", function () { go("#/vorgaenge/" + encodeURIComponent(c.id)); }));
      cell.appendChild(button("Übernehmen", function () { changeCase(c.id, { change: "assignee" }); }));
      var next = el("select");
      next.setAttribute("aria-label", "Status von " + c.id);
      ["neu", "in_bearbeitung", "erledigt"].forEach(function (s) {
        var o = el("option", lbl("statuses", s)); o.value = s; o.selected = s === c.status; next.appendChild(o);
      });
      next.addEventListener("change", function () { changeCase(c.id, { change: "status", value: next.value }); });
      cell.appendChild(next);
      row.appendChild(cell); body.appendChild(row);
    });
    if (!shown.length) {
      var empty = el("tr", null, "empty"), td = el("td", "Keine Vorgänge gefunden."); td.colSpan = 8;
      empty.appendChild(td); body.appendChild(empty);
    }
    $("case-page").textContent = shown.length ? "Seite " + (casePage + 1) + " von " + pages + " (" + shown.length + " Vorgänge)" : "";
    $("case-prev").disabled = casePage === 0; $("case-next").disabled = casePage >= pages - 1;
    document.querySelectorAll("#cases-view th[data-sort]").forEach(function (th) {
      if (th.dataset.sort === caseSort.key) { th.setAttribute("aria-sort", caseSort.dir > 0 ? "ascending" : "descending"); }
      else { th.removeAttribute("aria-sort"); }
    });
  }
  function loadCases() {
    if (!me || me.role === "editor") { return; }
    var params = new URLSearchParams();
    ["kind", "office", "status"].forEach(function (name) {
      var value = $("case-" + name).value;
      if (value) { params.set(name, value); }
    });
    $("export-csv").href = "/api/cases/export.csv?" + params;
    $("export-json").href = "/api/cases/export.json?" + params;
    return api("/api/cases?" + params).then(function (data) {
      caseKinds = data.kinds || {}; caseOffices = data.offices || {};
      fillSelect("case-kind", caseKinds); fillSelect("case-office", caseOffices);
      allCases = data.cases || [];
      renderCases();
    });
  }
  $("case-filter").addEventListener("submit", function (event) { event.preventDefault(); casePage = 0; loadCases(); });
  $("case-search").addEventListener("input", function () { casePage = 0; renderCases(); });
  $("case-prev").addEventListener("click", function () { casePage -= 1; renderCases(); });
  $("case-next").addEventListener("click", function () { casePage += 1; renderCases(); });
  document.querySelectorAll("#cases-view th[data-sort] button").forEach(function (b) {
    b.addEventListener("click", function () {
      var key = b.parentNode.dataset.sort;
      caseSort = { key: key, dir: caseSort.key === key ? -caseSort.dir : (key === "created_at" || key === "priority" ? -1 : 1) };
      renderCases();
    });
  });
  setInterval(function () { if (me && !document.hidden) { loadCases(); } }, 30000);

  var openCaseId = null;
  function openCase(id) {
    openCaseId = id;
    return api("/api/cases/" + encodeURIComponent(id)).then(function (data) {
      if (data.status >= 400) { $("case-detail-title").textContent = data.message || "Vorgang nicht gefunden."; return; }
      var c = data.case;
      $("case-detail-title").textContent = clean(c.id + ": " + (caseKinds[c.kind] || lbl("kinds", c.kind)));
      $("case-detail-meta").textContent = clean("Status: " + lbl("statuses", c.status) + " · Priorität: " + lbl("priorities", c.priority) +
        " · erstellt am " + fmtDate(c.created_at) + " · Kanal: " + lbl("channels", c.channel || "") +
        " · Geschäftsstelle: " + (caseOffices[c.office] || c.office || "–") + (c.customer ? " · Kunde: " + c.customer : "") +
        " · Bearbeitung: " + (c.assignee || "–"));
      var fields = $("case-detail-fields"); fields.innerHTML = "";
      Object.keys(c.fields || {}).forEach(function (key) {
        var v = c.fields[key];
        if (key === "thema") { v = lbl("topics", v); } else if (key === "kanal") { v = lbl("channels", v); }
        else if (typeof v === "object" && v !== null) { v = Object.keys(v).map(function (k) { return lbl("fields", k) + ": " + v[k]; }).join("; "); }
        item(fields, "dt", lbl("fields", key)); item(fields, "dd", v);
      });
      if (c.summary) { item(fields, "dt", "Zusammenfassung"); item(fields, "dd", c.summary); }
      var transcript = $("case-detail-transcript"); transcript.innerHTML = "";
      (c.transcript || []).forEach(function (line) { item(transcript, "li", line); });
      if (!(c.transcript || []).length) { item(transcript, "li", "kein Gesprächsauszug"); }
      var history = $("case-detail-history"); history.innerHTML = "";
      (c.notes || []).forEach(function (n) { item(history, "li", fmtDate(n.at) + " " + n.by + ": Notiz: " + n.text); });
      (c.history || []).forEach(function (h) {
        var value = h.change === "status" ? lbl("statuses", h.value) : h.value;
        item(history, "li", fmtDate(h.at) + " " + h.by + ": " + lbl("changes", h.change) + " → " + value);
      });
      var consent = Object.keys(data.consent || {}).map(function (k) { return k + " " + data.consent[k]; });
      $("case-detail-consent").textContent = c.customer ? "Einwilligungen: " + (consent.length ? consent.join("; ") : "keine") : "";
      $("case-detail-xml").href = "/api/cases/" + encodeURIComponent(c.id) + "/export.xml";
      var files = $("case-detail-files"); files.innerHTML = "";
      (data.files || []).forEach(function (f) {
        var li = el("li"), a = el("a", f.name + " (" + (f.type || "Datei") + ", " + Math.ceil(f.size / 1024) + " KB)");
        a.href = "/api/cases/" + encodeURIComponent(c.id) + "/files/" + f.number;
        li.appendChild(a); files.appendChild(li);
      });
      if (!(data.files || []).length) { item(files, "li", "keine"); }
      var reply = $("case-reply");
      reply.hidden = c.channel !== "E-Mail"; reply.dataset["case"] = c.id;
      $("case-reply-result").textContent = "";
    });
  }
  $("case-detail-close").addEventListener("click", function () { go("#/vorgaenge"); });
  $("case-note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = $("case-note-text");
    if (!box.value.trim() || !openCaseId) { return; }
    changeCase(openCaseId, { change: "note", value: box.value }, function () { box.value = ""; openCase(openCaseId); });
  });
  $("case-reply").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, text = $("case-reply-text");
    if (!text.value.trim()) { return; }
    api("/api/cases/" + encodeURIComponent(form.dataset["case"]) + "/reply", { text: text.value }).then(function (r) {
      $("case-reply-result").textContent = r.ok ? "Antwort gesendet." : (r.message || "Fehler");
      if (r.ok) { text.value = ""; openCase(form.dataset["case"]); }
    });
  });

  // ---------------------------------------------------------------- statistics
  function loadStats() {
    api("/api/stats").then(function (data) {
      var summary = $("rating-summary"); summary.innerHTML = "";
      [["Bewertungen insgesamt", data.ratings.all], ["letzte 30 Tage", data.ratings.month]].forEach(function (pair) {
        var s = pair[1];
        item(summary, "dt", pair[0]);
        item(summary, "dd", s.count ? s.count + " Bewertungen, Durchschnitt " + String(s.average).replace(".", ",") + " von 5 Sternen (" +
          [5, 4, 3, 2, 1].map(function (n) { return n + " Sterne: " + (s.by_stars[n] || 0); }).join(", ") + ")" : "noch keine Bewertungen");
      });
      var recent = $("rating-recent"); recent.innerHTML = "";
      data.ratings.recent.forEach(function (r) {
        item(recent, "li", r.at + " · " + r.stars + " von 5" + (me.role === "supervisor" && r.agent ? " · " + r.agent : "") +
          (r.comment ? " · „" + r.comment + "“" : ""));
      });
      if (!data.ratings.recent.length) { item(recent, "li", "keine"); }
      var body = $("cases-by-kind"); body.innerHTML = "";
      Object.keys(data.cases.by_kind).forEach(function (kind) {
        var row = el("tr"); item(row, "td", kind); item(row, "td", String(data.cases.by_kind[kind])); body.appendChild(row);
      });
      if (!data.cases.total) { var row = el("tr"); var td = item(row, "td", "Keine Vorgänge gefunden."); td.colSpan = 2; body.appendChild(row); }
      $("cases-by-status").textContent = "Insgesamt " + data.cases.total + " Vorgänge: " + Object.keys(data.cases.by_status).map(function (s) {
        return lbl("statuses", s) + " " + data.cases.by_status[s];
      }).join(", ");
    });
  }
  // ---- campaigns (supervisors)
  var campaignStatus = {}, openCampaignId = null;
  function showCampaignFields() {
    var kind = document.getElementById("campaign-kind").value;
    document.querySelectorAll("#campaign-form [data-kinds]").forEach(function (el) {
      el.hidden = el.dataset.kinds.split(" ").indexOf(kind) < 0;
    });
  }
  function value(id) { return document.getElementById(id).value; }
  function openCampaign(id) {
    openCampaignId = id;
    api("/api/campaigns/" + encodeURIComponent(id)).then(function (data) {
      document.getElementById("campaign-detail-title").textContent = data.campaign.id + ": " + data.campaign.title;
      var list = document.getElementById("campaign-contacts"); list.innerHTML = "";
      data.contacts.forEach(function (c) {
        var li = item(list, "li", c.customer + " " + c.name + ": " + ({ email: "E-Mail", phone: "Telefon" }[c.channel] || "–") +
          ", " + (campaignStatus[c.status] || c.status) + (c.next_at && c.status === "waiting" ? " (nächster Versuch " + c.next_at + ")" : ""));
        var attempts = document.createElement("ul"); li.appendChild(attempts);
        c.attempts.forEach(function (a) { item(attempts, "li", fmtDate(a.at) + " " + (campaignStatus[a.result] || a.result) + (a.detail ? ": " + a.detail : "")); });
      });
      document.getElementById("campaign-detail").hidden = false;
    });
  }
  function loadCampaigns() {
    api("/api/campaigns").then(function (data) {
      campaignStatus = data.statuses;
      var office = document.getElementById("campaign-office");
      if (!office.options.length) {
        Object.keys(data.offices).forEach(function (key) {
          var o = document.createElement("option"); o.value = key; o.textContent = data.offices[key]; office.appendChild(o);
        });
      }
      var body = document.getElementById("campaigns"); body.innerHTML = "";
      data.campaigns.forEach(function (c) {
        var row = document.createElement("tr");
        var counts = Object.keys(c.counts).map(function (k) { return (data.statuses[k] || k) + " " + c.counts[k]; }).join(", ");
        [c.id, c.title, fmtDate(c.created_at), c.created_by, counts || "keine Kontakte"].forEach(function (v) { item(row, "td", v); });
        var cell = document.createElement("td"), show = document.createElement("button");
        show.type = "button"; show.textContent = "Kontakte"; show.addEventListener("click", function () { openCampaign(c.id); });
        cell.appendChild(show); row.appendChild(cell); body.appendChild(row);
      });
    });
  }
  document.getElementById("campaign-kind").addEventListener("change", showCampaignFields);
  setInterval(function () {  // contacts are delivered in the background: keep the open campaign current
    if (openCampaignId && me && me.role === "supervisor") { openCampaign(openCampaignId); loadCampaigns(); }
  }, 3000);
  document.getElementById("campaign-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var channels = [];
    if (document.getElementById("campaign-email").checked) { channels.push("email"); }
    if (document.getElementById("campaign-phone").checked) { channels.push("phone"); }
    var body = { kind: value("campaign-kind"), channels: channels, day: value("campaign-day"), office: value("campaign-office"),
      from: value("campaign-from"), to: value("campaign-to"), reason: value("campaign-reason"),
      within_days: value("campaign-days"), title: value("campaign-title"), when: value("campaign-when"),
      place: value("campaign-place"), details: value("campaign-details"), offices: value("campaign-offices"),
      customers: value("campaign-customers"), topic: value("campaign-topic") };
    api("/api/campaigns", body).then(function (r) {
      var result = document.getElementById("campaign-result");
      if (!r.ok) { result.textContent = r.message || "Fehler"; return; }
      result.textContent = "Kampagne " + r.campaign.id + " gestartet: " + r.campaign.contacts + " Bürger/innen, davon " +
        (r.counts.planned || 0) + " mit Einwilligung, " + (r.counts.no_consent || 0) + " ohne.";
      loadCampaigns();
    });
  });

  var REASONS = { fallback: "nicht verstanden", unsure: "unsicher erkannt", handover: "an eine Person übergeben" };
  function loadLearning() {
    api("/api/learn").then(function (data) {
      var list = document.getElementById("learn-groups");
      list.innerHTML = "";
      data.groups.forEach(function (group, index) {
        var item = document.createElement("li");
        item.className = "learn-group";
        var texts = document.createElement("ul");
        group.items.forEach(function (entry) {
          var li = document.createElement("li");
          li.textContent = clean(entry.text + " (" + entry.count + "×, " + (REASONS[entry.reason] || entry.reason) + (entry.guess ? ", erkannt: " + lbl("topics", entry.guess) : "") + ")");
          texts.appendChild(li);
        });
        item.appendChild(texts);
        var select = document.createElement("select");
        select.setAttribute("aria-label", "Anliegen für Gruppe " + (index + 1));
        data.intents.forEach(function (name) {
          var o = document.createElement("option"); o.value = name; o.textContent = lbl("topics", name); o.selected = name === group.suggestion; select.appendChild(o);
        });
        var ids = group.items.map(function (entry) { return entry.id; });
        var assign = document.createElement("button");
        assign.type = "button"; assign.textContent = "Zuordnen";
        assign.addEventListener("click", function () {
          api("/api/learn/assign", { ids: ids, intent: select.value }).then(function (r) {
            document.getElementById("learn-result").textContent = r.ok ? r.added + " Beispiel(e) für „" + lbl("topics", select.value) + "“ gespeichert." : r.message;
            loadLearning();
          });
        });
        var noise = document.createElement("button");
        noise.type = "button"; noise.textContent = "Rauschen";
        noise.addEventListener("click", function () { api("/api/learn/noise", { ids: ids }).then(loadLearning); });
        item.appendChild(select); item.appendChild(assign); item.appendChild(noise);
        list.appendChild(item);
      });
      if (!data.groups.length) { document.getElementById("learn-result").textContent = "Keine offenen Nachrichten."; }
    });
  }


  // ---------------------------------------------------------------- routes: #/warteschlange, #/gespraeche/<id>, #/vorgaenge/<id>, …
  var ROUTES = { "": "start", warteschlange: "warteschlange", gespraeche: "gespraeche", vorgaenge: "vorgaenge",
    kampagnen: "kampagnen", lernen: "lernen", statistik: "statistik" };
  var TITLES = { start: "Übersicht", warteschlange: "Warteschlange", gespraeche: "Meine Gespräche", vorgaenge: "Vorgänge",
    vorgang: "Vorgang", kampagnen: "Kampagnen", lernen: "Lernen", statistik: "Statistik" };
  function route() {
    var parts = location.hash.replace(/^#\/?/, "").split("/");
    var name = ROUTES[parts[0]] || "start", arg = parts[1] ? decodeURIComponent(parts.slice(1).join("/")) : "";
    if (name === "vorgaenge" && arg) { name = "vorgang"; }
    return { name: name, arg: arg };
  }
  function go(hash) { if (location.hash === hash) { render(); } else { location.hash = hash; } }
  function allowed(node) { return !node.dataset.roles || node.dataset.roles.split(" ").indexOf(me.role) >= 0; }
  function render() {
    if (!me) { return; }
    var r = route(), view = r.name;
    var roleViews = { editor: ["start", "lernen"] }[me.role];
    if (roleViews && roleViews.indexOf(view) < 0) { view = "start"; }
    if (me.role === "agent" && (view === "kampagnen" || view === "lernen")) { view = "start"; }
    document.querySelectorAll("[data-views]").forEach(function (node) {
      var roles = { "campaigns-view": ["supervisor"], "learn-view": ["editor", "supervisor"] }[node.id];
      var byRole = roles ? roles.indexOf(me.role) >= 0 : me.role !== "editor";
      node.hidden = !byRole || node.dataset.views.split(" ").indexOf(view) < 0;
    });
    $("agent-view").hidden = me.role === "editor" || view === "vorgaenge" || view === "vorgang" || view === "kampagnen" ||
      view === "lernen" || view === "statistik";
    document.querySelectorAll("#nav a").forEach(function (a) {
      a.hidden = !allowed(a);
      if (a.dataset.route === (view === "vorgang" ? "vorgaenge" : view)) { a.setAttribute("aria-current", "page"); }
      else { a.removeAttribute("aria-current"); }
    });
    document.title = TITLES[view] + " – " + "Agent-Desk";
    baseTitle = document.title; updateTitle();
    if (view === "gespraeche") {
      var target = r.arg || current || Object.keys(convs)[0];
      if (target) { open(target); } else { $("mine-title").focus(); }
    } else if (view === "vorgang") {
      openCase(r.arg).then(function () { $("case-detail-title").focus(); });
    } else if (view === "statistik") {
      loadStats(); $("statistics-title").focus();
    } else if (view !== "start") {
      var heading = { warteschlange: "queue-title", vorgaenge: "cases-title", kampagnen: "campaigns-title", lernen: "learn-title" }[view];
      if (heading) { $(heading).focus(); }
    }
  }
  window.addEventListener("hashchange", render);
  $("notify-on").addEventListener("click", enableNotifications);
  document.addEventListener("click", function once() {  // WebAudio may start only after a user gesture
    try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    document.removeEventListener("click", once);
  });

  // ---------------------------------------------------------------- start
  api("/api/me").then(function (data) {
    me = data; L = data.labels || {};
    seenKey = "desk.seen." + data.user;
    $("logout-csrf").value = data.csrf;  // logout is a state change: it needs the token
    $("me").textContent = clean(data.user + " (" + ({ supervisor: "Supervisor", editor: "Redaktion" }[data.role] || "Agent") +
      (data.office ? ", Geschäftsstelle " + data.office : "") + ")" +
      (data.role !== "editor" ? " · für Bürger/innen: " + data.display : ""));
    if (data.role === "editor" || data.role === "supervisor") { loadLearning(); }
    if (data.role === "editor") { render(); return; }
    showNotifyButton();
    $("canned-admin").hidden = data.role !== "supervisor";
    loadCanned(); loadColleagues(); loadCases();
    if (data.role === "supervisor") { showCampaignFields(); loadCampaigns(); }
    loadMine().then(function () {
      render();
      var first = Object.keys(convs)[0];
      if (route().name === "start" && first && !current) { open(first, false); }  // after a reload: back at work
      connect();
    });
  });
})();
