// Agent desk: live queue over a websocket, actions as JSON POSTs with the CSRF token.
(function () {
  "use strict";
  var me = null, current = null, lastLine = 0;
  var ROLE = { citizen: "Bürger/in", bot: "Assistent", agent: "Service Center", system: "System" };
  var PRIORITY = { crisis: "KRISE", urgent: "DRINGEND", high: "hoch", normal: "normal" };
  var CHANNEL = { webchat: "Chat", voice: "Anruf", rest: "Schnittstelle", "E-Mail": "E-Mail" };

  function api(path, body) {
    return fetch(path, {
      method: body ? "POST" : "GET",
      headers: body ? { "Content-Type": "application/json", "X-CSRF-Token": me.csrf } : {},
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 401) { window.location = "/login"; }
      return r.headers.get("Content-Type") && r.headers.get("Content-Type").indexOf("json") >= 0
        ? r.json().then(function (d) { d.status = r.status; return d; })
        : r.text().then(function (t) { return { ok: r.ok, status: r.status, message: t }; });
    });
  }

  function minutes(seconds) { return Math.floor(seconds / 60) + " min " + (seconds % 60) + " s"; }

  function showAlert(text) {
    var box = document.getElementById("alert");
    box.textContent = text; box.hidden = false;
  }

  function renderQueue(data) {
    var list = document.getElementById("queue");
    list.innerHTML = "";
    data.queue.forEach(function (entry) {
      var li = document.createElement("li");
      if (entry.priority === "urgent" || entry.priority === "crisis") { li.className = entry.priority; }
      var head = document.createElement("p");
      head.innerHTML = "";
      var prio = document.createElement("span");
      prio.className = "prio";
      prio.textContent = (PRIORITY[entry.priority] || entry.priority) + " · ";
      head.appendChild(prio);
      head.appendChild(document.createTextNode("wartet " + minutes(entry.waiting) + " · Thema: " + (entry.topic || "–") +
        " · " + (entry.channel === "voice" ? "Anruf" : "Chat")));
      var summary = document.createElement("p");
      summary.textContent = entry.summary;
      var claim = document.createElement("button");
      claim.type = "button";
      claim.textContent = "Übernehmen";
      claim.addEventListener("click", function () {
        api("/api/claim", { sender: entry.sender }).then(function (r) {
          if (r.ok) { open(entry.sender); } else { showAlert(r.message || "Bereits übernommen."); }
        });
      });
      li.appendChild(head); li.appendChild(summary); li.appendChild(claim);
      list.appendChild(li);
    });
    if (data.queue.length === 0) {
      var empty = document.createElement("li"); empty.textContent = "Niemand wartet."; list.appendChild(empty);
    }
    if (me && me.role === "supervisor") {
      document.getElementById("stats").hidden = false;
      document.getElementById("stat-queue").textContent = "Warteschlange: " + data.stats.queue_length;
      document.getElementById("stat-wait").textContent = "längste Wartezeit: " + minutes(data.stats.longest_wait);
      document.getElementById("stat-agents").textContent = "online: " + data.stats.agents_online.join(", ");
    }
  }

  function addLine(line) {
    if (line.id <= lastLine) { return; }
    lastLine = line.id;
    var li = document.createElement("li");
    li.className = line.role;
    var role = document.createElement("span");
    role.className = "role";
    role.textContent = (ROLE[line.role] || line.role) + (line.agent ? " (" + line.agent + ")" : "") + " " + line.ts.slice(11, 16);
    li.appendChild(role);
    li.appendChild(document.createTextNode(line.text));
    var log = document.getElementById("transcript");
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function open(sender) {
    api("/api/conversations/" + encodeURIComponent(sender)).then(function (data) {
      current = sender; lastLine = 0;
      document.getElementById("transcript").innerHTML = "";
      data.transcript.forEach(addLine);
      var mine = data.agent === me.user && data.state === "agent";
      document.getElementById("conv-info").textContent = mine ? "Sie betreuen dieses Gespräch." : "Status: " + data.state;
      document.getElementById("reply").hidden = !mine;
      if (mine) { document.getElementById("reply-text").focus(); }
    });
  }

  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    ws.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.type === "queue") { renderQueue(event); }
      if (event.sender && event.sender === current) {
        if (event.type === "citizen_message" || event.type === "to_citizen") { addLine(event.line); }
        if (event.type === "citizen_typing") { document.getElementById("citizen-typing").hidden = !event.typing; }
        if (event.type === "released" || event.type === "closed") { open(current); }
      }
      if (event.type === "supervisor_alert") { showAlert("Achtung: Drohung im Chat (Vorgang " + event.case + "): " + event.text); }
      if (event.type === "crisis_alert") {
        showAlert("KRISE: Eine Person braucht jetzt Hilfe (" + (CHANNEL[event.channel] || event.channel) + ", Vorgang " +
          event.case + ")." + (event.person === "now" ? " Sie steht oben in der Warteschlange: bitte sofort übernehmen." : ""));
      }
    };
    ws.onclose = function () { setTimeout(connect, 1000); };
    setInterval(function () { if (ws.readyState === 1) { ws.send("ping"); } }, 15000);
  }

  document.getElementById("reply").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = document.getElementById("reply-text");
    var text = box.value.trim();
    if (!text || !current) { return; }
    api("/api/send", { sender: current, text: text }).then(function (r) {
      if (r.ok) { box.value = ""; addLine(r.line); } else { showAlert(r.message); }
    });
  });
  var typingTimer = null;
  document.getElementById("reply-text").addEventListener("input", function () {
    if (!current) { return; }
    if (!typingTimer) { api("/api/typing", { sender: current, typing: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingTimer = null; api("/api/typing", { sender: current, typing: false }); }, 2500);
  });
  document.getElementById("handback").addEventListener("click", function () {
    api("/api/handback", { sender: current }).then(function (r) { if (!r.ok) { showAlert(r.message); } open(current); });
  });
  document.getElementById("close").addEventListener("click", function () {
    var note = document.getElementById("outcome").value.trim();
    if (!note) { showAlert("Bitte eine Ergebnisnotiz eingeben."); document.getElementById("outcome").focus(); return; }
    api("/api/close", { sender: current, outcome: note }).then(function (r) { if (!r.ok) { showAlert(r.message); } open(current); });
  });

  var caseKinds = {}, caseOffices = {};

  function fillSelect(id, entries) {
    var select = document.getElementById(id), chosen = select.value;
    while (select.options.length > 1) { select.remove(1); }
    Object.keys(entries).forEach(function (key) {
      var o = document.createElement("option"); o.value = key; o.textContent = entries[key]; select.appendChild(o);
    });
    select.value = chosen;
  }

  function item(parent, tag, text) {
    var el = document.createElement(tag); el.textContent = text; parent.appendChild(el); return el;
  }

  function openCase(id) {
    api("/api/cases/" + encodeURIComponent(id)).then(function (data) {
      var c = data.case, box = document.getElementById("case-detail");
      document.getElementById("case-detail-title").textContent = c.id + ": " + (caseKinds[c.kind] || c.kind);
      document.getElementById("case-detail-meta").textContent = "Priorität " + c.priority + ", Status " + c.status +
        ", erstellt " + c.created_at + ", Kunde " + (c.customer || "nicht identifiziert") +
        ", Geschäftsstelle " + (caseOffices[c.office] || c.office || "–") + ", Kanal " + (c.channel || "–");
      var fields = document.getElementById("case-detail-fields"); fields.innerHTML = "";
      Object.keys(c.fields || {}).forEach(function (key) {
        var value = c.fields[key];
        if (key === "werte") { return; }
        item(fields, "dt", key); item(fields, "dd", typeof value === "string" ? value : JSON.stringify(value));
      });
      var transcript = document.getElementById("case-detail-transcript"); transcript.innerHTML = "";
      (c.transcript || []).forEach(function (line) { item(transcript, "li", line); });
      var history = document.getElementById("case-detail-history"); history.innerHTML = "";
      (c.notes || []).forEach(function (n) { item(history, "li", n.at + " " + n.by + ": " + n.text); });
      (c.history || []).forEach(function (h) { item(history, "li", h.at + " " + h.by + ": " + h.change + " → " + h.value); });
      var consent = Object.keys(data.consent || {}).map(function (k) { return k + " " + data.consent[k]; });
      document.getElementById("case-detail-consent").textContent = c.customer
        ? "Einwilligungen: " + (consent.length ? consent.join("; ") : "keine") : "";
      var files = document.getElementById("case-detail-files"); files.innerHTML = "";
      (data.files || []).forEach(function (f) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = "/api/cases/" + encodeURIComponent(c.id) + "/files/" + f.number;
        a.textContent = f.name + " (" + Math.ceil(f.size / 1024) + " KB)";
        li.appendChild(a); files.appendChild(li);
      });
      if (!(data.files || []).length) { item(files, "li", "keine"); }
      var reply = document.getElementById("case-reply");
      reply.hidden = c.channel !== "E-Mail"; reply.dataset.case = c.id;
      document.getElementById("case-reply-result").textContent = "";
      box.hidden = false;
    });
  }
  document.getElementById("case-detail-close").addEventListener("click", function () {
    document.getElementById("case-detail").hidden = true;
  });

  document.getElementById("case-reply").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, text = document.getElementById("case-reply-text");
    if (!text.value.trim()) { return; }
    api("/api/cases/" + encodeURIComponent(form.dataset.case) + "/reply", { text: text.value }).then(function (r) {
      document.getElementById("case-reply-result").textContent = r.ok ? "Antwort gesendet." : (r.message || "Fehler");
      if (r.ok) { text.value = ""; openCase(form.dataset.case); }
    });
  });

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
        c.attempts.forEach(function (a) { item(attempts, "li", a.at + " " + a.result + (a.detail ? ": " + a.detail : "")); });
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
        [c.id, c.title, c.created_at, c.created_by, counts || "keine Kontakte"].forEach(function (v) { item(row, "td", v); });
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

  function changeCase(id, body) {  // refused changes (other office, foreign assignee) get the server's German text
    api("/api/cases/" + encodeURIComponent(id), body).then(function (r) {
      if (r.status >= 400) { showAlert(r.message || "Die Änderung wurde abgelehnt."); }
      loadCases();
    });
  }

  function loadCases() {
    var params = new URLSearchParams();
    ["kind", "office", "status"].forEach(function (name) {
      var value = document.getElementById("case-" + name).value;
      if (value) { params.set(name, value); }
    });
    document.getElementById("export-csv").href = "/api/cases/export.csv?" + params;
    document.getElementById("export-json").href = "/api/cases/export.json?" + params;
    api("/api/cases?" + params).then(function (data) {
      caseKinds = data.kinds || {}; caseOffices = data.offices || {};
      fillSelect("case-kind", caseKinds); fillSelect("case-office", caseOffices);
      var body = document.getElementById("cases");
      body.innerHTML = "";
      data.cases.forEach(function (c) {
        var row = document.createElement("tr");
        if (c.priority !== "normal") { row.className = "priority-" + c.priority; }
        [c.id, caseKinds[c.kind] || c.kind, PRIORITY[c.priority] || c.priority, c.status, c.summary, c.assignee || "–"].forEach(function (value) {
          var cell = document.createElement("td"); cell.textContent = value; row.appendChild(cell);
        });
        var cell = document.createElement("td");
        var show = document.createElement("button");
        show.type = "button"; show.textContent = "Öffnen";
        show.addEventListener("click", function () { openCase(c.id); });
        var take = document.createElement("button");
        take.type = "button"; take.textContent = "Übernehmen";
        take.addEventListener("click", function () { changeCase(c.id, { change: "assignee" }); });
        var next = document.createElement("select");
        next.setAttribute("aria-label", "Status von " + c.id);
        ["neu", "in_bearbeitung", "erledigt"].forEach(function (s) {
          var o = document.createElement("option"); o.value = s; o.textContent = s; o.selected = s === c.status; next.appendChild(o);
        });
        next.addEventListener("change", function () { changeCase(c.id, { change: "status", value: next.value }); });
        var note = document.createElement("button");
        note.type = "button"; note.textContent = "Notiz";
        note.addEventListener("click", function () {
          var text = window.prompt("Notiz zu " + c.id);
          if (text) { changeCase(c.id, { change: "note", value: text }); }
        });
        cell.appendChild(show); cell.appendChild(take); cell.appendChild(next); cell.appendChild(note);
        row.appendChild(cell);
        body.appendChild(row);
      });
    });
  }
  document.getElementById("case-filter").addEventListener("submit", function (event) { event.preventDefault(); loadCases(); });

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
          li.textContent = entry.text + " (" + entry.count + "×, " + entry.reason + (entry.guess ? ", erkannt: " + entry.guess : "") + ")";
          texts.appendChild(li);
        });
        item.appendChild(texts);
        var select = document.createElement("select");
        select.setAttribute("aria-label", "Intent für Gruppe " + (index + 1));
        data.intents.forEach(function (name) {
          var o = document.createElement("option"); o.value = name; o.textContent = name; o.selected = name === group.suggestion; select.appendChild(o);
        });
        var ids = group.items.map(function (entry) { return entry.id; });
        var assign = document.createElement("button");
        assign.type = "button"; assign.textContent = "Zuordnen";
        assign.addEventListener("click", function () {
          api("/api/learn/assign", { ids: ids, intent: select.value }).then(function (r) {
            document.getElementById("learn-result").textContent = r.ok ? r.added + " Beispiel(e) für " + select.value + " in " + r.file + " geschrieben." : r.message;
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

  api("/api/me").then(function (data) {
    me = data;
    document.getElementById("logout-csrf").value = data.csrf;  // logout is a state change: it needs the token
    document.getElementById("me").textContent = data.user + " (" + ({ supervisor: "Supervisor", editor: "Redaktion" }[data.role] || "Agent") +
      (data.office ? ", Geschäftsstelle " + data.office : "") + ")";
    if (data.role === "editor" || data.role === "supervisor") {
      document.getElementById("learn-view").hidden = false;
      loadLearning();
    }
    if (data.role === "editor") {
      document.getElementById("agent-view").hidden = true;
      document.getElementById("cases-view").hidden = true;
      return;
    }
    var quick = document.getElementById("quick");
    data.quick_texts.forEach(function (text) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = text;
      b.addEventListener("click", function () { document.getElementById("reply-text").value = text; document.getElementById("reply-text").focus(); });
      quick.appendChild(b);
    });
    connect();
    loadCases();
    if (data.role === "supervisor") {
      document.getElementById("campaigns-view").hidden = false;
      showCampaignFields();
      loadCampaigns();
    }
  });
})();
