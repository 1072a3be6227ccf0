// Course and direct chat rooms: live messages over a WebSocket that
// reconnects with ?after=<last id> so nothing is lost across a blip.
// Every message is inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("chat-config").textContent);
  const log = document.getElementById("chat");
  const form = document.getElementById("chat-input");
  const input = document.getElementById("chat-message-input");
  const status = document.getElementById("chat-status");
  const typing = document.getElementById("chat-typing");
  const presence = document.getElementById("chat-presence");
  const seen = new Set(Array.from(log.querySelectorAll("[data-id]"), (li) => Number(li.dataset.id)));
  const outbox = new Map(); // client_id -> text, until the server acks it
  let lastId = config.lastId;
  let socket = null;
  let retry = 0;
  let watchdog = null;
  let heartbeatMs = 25000;
  let lastTypingSent = 0;
  let typingTimer = null;

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // crypto.randomUUID needs a secure context; build a v4 UUID by hand.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function localTime(iso) {
    return new Date(iso).toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function append(frame) {
    if (seen.has(frame.id)) return;
    seen.add(frame.id);
    lastId = Math.max(lastId, frame.id);
    const empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    const item = document.createElement("li");
    item.className = "chat-message" + (frame.user_id === config.userId ? " mine" : "");
    item.dataset.id = frame.id;
    const avatar = document.createElement("img");
    avatar.className = "avatar chat-avatar";
    avatar.src = frame.avatar;
    avatar.alt = "";
    avatar.width = avatar.height = 24;
    const who = document.createElement("span");
    who.className = "chat-user";
    who.textContent = frame.name || frame.user;
    const when = document.createElement("time");
    when.dateTime = frame.datetime;
    when.textContent = localTime(frame.datetime);
    const body = document.createElement("span");
    body.className = "chat-body";
    body.textContent = frame.message;
    item.append(avatar, who, when, body);
    for (const file of frame.attachments || []) {
      const link = document.createElement("a");
      link.className = "chat-file";
      link.href = file.url;
      link.textContent = file.name;
      item.append(link);
    }
    log.append(item);
    item.scrollIntoView({ block: "end" });
    if (document.visibilityState === "visible" && frame.user_id !== config.userId) {
      send({ type: "read", message_id: frame.id });
    }
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function armWatchdog() {
    clearTimeout(watchdog);
    // Two missed heartbeats: the link is dead even if the browser has not noticed.
    watchdog = setTimeout(() => socket && socket.close(), heartbeatMs * 2.5);
  }

  function handle(frame) {
    switch (frame.type) {
      case "chat_message":
        append(frame);
        if (typing.dataset.userId === String(frame.user_id)) typing.textContent = "";
        break;
      case "ack":
        // Not lastId: messages stored just before ours may still be on
        // their way, and the room's copy of ours comes after them.
        outbox.delete(frame.client_id);
        break;
      case "heartbeat":
        heartbeatMs = frame.interval * 1000;
        break;
      case "typing":
        typing.textContent = `${frame.name || frame.user} is typing…`;
        typing.dataset.userId = frame.user_id;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => (typing.textContent = ""), 4000);
        break;
      case "presence": {
        const others = frame.count - frame.users.length;
        const names = frame.users.map((u) => u.user).join(", ");
        presence.textContent = `Here now: ${names}${others > 0 ? ` and ${others} more` : ""}`;
        break;
      }
      case "room_archived":
        setStatus("This room was archived.");
        if (form) form.remove();
        break;
      case "error":
        setStatus(frame.detail);
        break;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}${config.socket}?after=${lastId}`);
    socket.addEventListener("open", () => {
      retry = 0;
      setStatus("Connected");
      armWatchdog();
      // Unacknowledged sends go again; their client_id keeps them single.
      for (const [clientId, text] of outbox) send({ message: text, client_id: clientId });
    });
    socket.addEventListener("message", (event) => {
      armWatchdog();
      handle(JSON.parse(event.data));
    });
    socket.addEventListener("close", (event) => {
      clearTimeout(watchdog);
      if (event.code === 4403) {
        setStatus("You are no longer a member of this room.");
        return;
      }
      const delay = Math.min(30000, 500 * 2 ** retry) * (event.code === 4429 ? 10 : 1);
      retry += 1;
      setStatus("Reconnecting…");
      setTimeout(connect, delay);
    });
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      const clientId = newClientId();
      outbox.set(clientId, text);
      send({ message: text, client_id: clientId });
      input.value = "";
      input.focus();
    });
    input.addEventListener("input", () => {
      const now = Date.now();
      if (now - lastTypingSent > 3000) {
        lastTypingSent = now;
        send({ type: "typing" });
      }
    });
  }

  for (const time of log.querySelectorAll("time[datetime]")) {
    time.textContent = localTime(time.dateTime);
  }
  log.lastElementChild && log.lastElementChild.scrollIntoView({ block: "end" });
  connect();
})();
