// Browser voice page: microphone -> gateway (WebSocket, 16-bit PCM at 48 kHz), answer audio back,
// live transcript. Protocol: docs/voice.md.
(function () {
  "use strict";
  var RATE = 48000;
  var socket = null, context = null, stream = null, playAt = 0, sources = [];
  var ready = false, pending = []; // typed text waiting for a call that is being set up
  var log = document.getElementById("log"), lines = document.getElementById("log-lines");
  var status = document.getElementById("status");

  function line(role, text) {
    var item = document.createElement("li");
    item.className = role;
    item.textContent = (role === "caller" ? "Sie: " : role === "agent" ? "Service Center: " : role === "system" ? "" : "Assistent: ") + text;
    lines.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function play(buffer) {
    if (!context) { return; } // a call without sound output: the answers are still written
    var pcm = new Int16Array(buffer), samples = new Float32Array(pcm.length);
    for (var i = 0; i < pcm.length; i++) { samples[i] = pcm[i] / 32768; }
    var audio = context.createBuffer(1, samples.length, RATE);
    audio.copyToChannel(samples, 0);
    var source = context.createBufferSource();
    source.buffer = audio;
    source.connect(context.destination);
    playAt = Math.max(playAt, context.currentTime);
    source.start(playAt);
    playAt += audio.duration;
    sources.push(source);
    source.onended = function () { sources.splice(sources.indexOf(source), 1); };
  }

  function dropAudio() {
    sources.slice().forEach(function (s) { try { s.stop(); } catch (e) { /* already stopped */ } });
    sources = [];
    playAt = context ? context.currentTime : 0;
  }

  function onEvent(event) {
    if (event.type === "ready") {
      ready = true;
      status.textContent = stream || !pending.length ? "Verbunden. Sprechen Sie einfach." : "Verbunden ohne Mikrofon. Schreiben Sie Ihre Frage.";
      pending.splice(0).forEach(sendText);
    }
    else if (event.type === "partial") { document.getElementById("partial").textContent = event.text; }
    else if (event.type === "final") { document.getElementById("partial").textContent = ""; line("caller", event.text); }
    else if (event.type === "bot") { line("bot", event.text); }
    else if (event.type === "agent") { line("agent", event.text); }
    else if (event.type === "drop-audio") { dropAudio(); }
    else if (event.type === "handover") { status.textContent = event.state === "agent" ? "Sie sprechen mit dem Service Center." : event.state === "queued" ? "Sie warten auf das Service Center." : "Sie sprechen mit dem Assistenten."; }
    else if (event.type === "error") { line("system", event.text); }
    else if (event.type === "end") { status.textContent = "Gespräch beendet."; stop(); }
  }

  function start(withMicrophone) {
    document.getElementById("start").disabled = true;
    status.textContent = "Verbindung wird hergestellt …";
    ready = false;
    try { context = new AudioContext({ sampleRate: RATE }); } catch (e) { context = null; } // no sound output
    var opened = false;
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    socket.binaryType = "arraybuffer";
    var current = socket;
    socket.onopen = function () {
      opened = true;
      socket.send(JSON.stringify({ type: "start", rate: RATE, channel: "browser" }));
      document.getElementById("stop").disabled = false;
      if (!withMicrophone) { return; }
      if (!navigator.mediaDevices || !context) { status.textContent = "Kein Mikrofon: Sie können unten schreiben."; return; }
      navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } }).then(function (media) {
        stream = media;
        return context.audioWorklet.addModule("/static/capture-worklet.js").then(function () {
          var node = new AudioWorkletNode(context, "capture");
          node.port.onmessage = function (message) { if (socket && socket.readyState === 1) { socket.send(message.data); } };
          context.createMediaStreamSource(media).connect(node);
        });
      }).catch(function () { status.textContent = "Kein Mikrofon: Sie können unten schreiben."; });
    };
    socket.onmessage = function (message) {
      if (typeof message.data === "string") { onEvent(JSON.parse(message.data)); } else { play(message.data); }
    };
    socket.onclose = function () {
      if (socket !== current) { return; } // hung up here: stop() has done the rest
      if (!opened || !ready) {
        var why = "Der Sprachassistent ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal " +
          "oder nutzen Sie den Chat auf unserer Internetseite.";
        status.textContent = why;
        if (pending.length) { line("system", why); pending = []; }
      } else {
        status.textContent = "Verbindung beendet.";
      }
      socket = null;
      stop();
    };
  }

  function sendText(text) {
    socket.send(JSON.stringify({ type: "text", text: text }));
  }

  function stop() {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify({ type: "hangup" })); socket.close(); }
    socket = null;
    ready = false;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    document.getElementById("start").disabled = false;
    document.getElementById("stop").disabled = true;
  }

  document.getElementById("start").addEventListener("click", function () { start(true); });
  document.getElementById("stop").addEventListener("click", stop);
  document.getElementById("typed").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("typed-text"), text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    if (socket && ready) { sendText(text); return; }
    pending.push(text); // without a call: one begins without the microphone, the text follows when it is ready
    if (!socket) { start(false); }
  });
})();
