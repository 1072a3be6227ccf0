// A chat room: live messages over a WebSocket that reconnects with
// ?after=<last id> so nothing is lost across a blip; scroll-back through the
// history API; the read marker moved as messages are seen; every message
// typed shown at once and kept until the server stores it (pending, then
// confirmed by its ack, resent with its client_id after a reconnect, paced
// under the rate limit, failed with Retry when refused); files with upload
// progress; edits and deletions seen live.
//
// Message bodies are the server's sanitized Markdown (`html`, one renderer:
// educa/markdown.py; absent when it is only the text in a paragraph);
// everything else is inserted as text. `edited` and `deleted` are absent
// when not set.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("chat-config").textContent);
  const history = JSON.parse(document.getElementById("chat-history").textContent);
  const log = document.getElementById("chat-log");
  const list = document.getElementById("chat");
  const form = document.getElementById("chat-input");
  const input = document.getElementById("chat-message-input");
  const fileInput = document.getElementById("chat-file");
  const uploadsList = document.getElementById("chat-uploads");
  const status = document.getElementById("chat-status");
  const typing = document.getElementById("chat-typing");
  const presence = document.getElementById("chat-presence");
  const earlierButton = document.getElementById("chat-earlier");
  const beginning = document.getElementById("chat-beginning");
  const jumpButton = document.getElementById("chat-jump");
  const directForm = document.getElementById("chat-direct-form");
  const csrfToken = directForm.querySelector("[name=csrfmiddlewaretoken]").value;

  const frames = new Map(); // message id -> its latest chat_message frame
  const elements = new Map(); // message id -> its <li>
  const outbox = new Map(); // client_id -> {text, attachments, element, state}
  const queue = []; // client_ids waiting to go out, in the order typed
  const sentTimes = []; // when recent messages went out (rate pacing)
  const uploads = new Set(); // files being uploaded or ready to send
  let lastId = config.lastId;
  // The room's edits and deletions this page has (their change numbers
  // come in order): a reconnect asks for the later ones with ?changes=.
  let changes = config.changes;
  let oldestId = null;
  let socket = null;
  let retry = 0;
  let watchdog = null;
  let heartbeatMs = 25000;
  let lastTypingSent = 0;
  let typingTimer = null;
  let pumpTimer = null;
  let inFlight = null; // the client_id sent and not yet answered
  let pausedUntil = 0; // after a rate_limited refusal
  let loadingEarlier = null;
  let readSent = config.lastRead;
  let readWanted = config.lastRead;
  let readTimer = null;
  let readAt = 0;
  const visible = new Set(); // ids of others' messages in view

  // ---- small helpers -------------------------------------------------------

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // crypto.randomUUID needs a secure context; build a v4 UUID by hand.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function formatTime(iso) {
    return window.educaTime ? window.educaTime(iso) : iso;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(label, className, onClick) {
    const node = element("button", className, label);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function atBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
  }

  // The header's live counts leave alone what this page shows and reads.
  window.educaChatSeesLatest = (roomId) => roomId === config.room && atBottom();
  document.documentElement.dataset.openRoom = config.room;

  // ---- rendering -------------------------------------------------------------

  function avatarOf(frame) {
    const picture = element("img", "avatar chat-avatar");
    picture.src = frame.avatar || config.avatar;
    picture.alt = "";
    picture.width = picture.height = 24;
    return picture;
  }

  function personName(frame) {
    const mine = frame.user_id === config.userId;
    if (mine) return element("span", "chat-user", frame.name || frame.user);
    // Another person's name opens (or finds) a direct room with them.
    const name = button(frame.name || frame.user, "chat-user link", () => startDirect(frame.user_id));
    name.title = `Send ${frame.name || frame.user} a direct message`;
    return name;
  }

  function startDirect(userId) {
    directForm.action = `${config.directUrl}${userId}/`;
    directForm.submit();
  }

  function filesOf(attachments) {
    const files = element("ul", "chat-files");
    for (const file of attachments || []) {
      const item = element("li", file.image ? "chat-file chat-image" : "chat-file");
      const link = element("a");
      link.href = file.url;
      if (file.image) {
        const image = element("img");
        image.src = file.url;
        image.alt = file.name;
        image.loading = "lazy";
        link.append(image);
        item.append(link, element("span", "meta", `${file.name} · ${formatSize(file.size)}`));
      } else {
        link.className = "chat-file-card";
        link.append(element("span", "chat-file-name", file.name), element("span", "meta", formatSize(file.size)));
        item.append(link);
      }
      files.append(item);
    }
    return files;
  }

  function mayEdit(frame) {
    return (
      !config.archived &&
      frame.user_id === config.userId &&
      Date.now() - new Date(frame.datetime).getTime() < config.editWindowSeconds * 1000
    );
  }

  function actionsFor(frame) {
    const actions = element("div", "chat-actions");
    if (frame.deleted) return actions;
    const label = `message from ${frame.name || frame.user} at ${formatTime(frame.datetime)}`;
    if (mayEdit(frame)) {
      const edit = button("Edit", "link", () => startEdit(frame.id));
      edit.setAttribute("aria-label", `Edit ${label}`);
      actions.append(edit);
    }
    if (mayEdit(frame) || config.moderator) {
      const remove = button("Delete", "link danger-text", () => confirmDelete(frame.id));
      remove.setAttribute("aria-label", `Delete ${label}`);
      actions.append(remove);
    }
    return actions;
  }

  function fillBody(body, frame) {
    if (frame.deleted) {
      body.textContent = frame.moderated ? "This message was removed by a moderator." : "This message was deleted.";
      body.classList.add("chat-deleted-note");
    } else if (frame.html === undefined) {
      // The socket leaves `html` out when it is only the text in a paragraph.
      body.replaceChildren(element("p", "", frame.message));
    } else {
      body.innerHTML = frame.html; // sanitized by the server's one renderer
    }
  }

  function render(frame) {
    const item = element("li", "chat-message");
    if (frame.user_id === config.userId) item.classList.add("mine");
    if (frame.deleted) item.classList.add("deleted");
    item.id = `message-${frame.id}`;
    item.dataset.id = frame.id;
    item.dataset.userId = frame.user_id;
    const meta = element("div", "chat-meta");
    const when = element("time", "", formatTime(frame.datetime));
    when.dateTime = frame.datetime;
    const edited = element("span", "chat-edited meta", "(edited)");
    edited.hidden = !frame.edited || frame.deleted;
    meta.append(avatarOf(frame), personName(frame), " ", when, " ", edited, element("span", "chat-state meta"));
    const body = element("div", "chat-body");
    fillBody(body, frame);
    item.append(meta, body);
    if (!frame.deleted) item.append(filesOf(frame.attachments));
    item.append(actionsFor(frame));
    return item;
  }

  function remember(frame, item) {
    frames.set(frame.id, frame);
    elements.set(frame.id, item);
    oldestId = oldestId === null ? frame.id : Math.min(oldestId, frame.id);
    if (frame.user_id !== config.userId && frame.id > readSent) observer.observe(item);
  }

  function firstPending() {
    return list.querySelector(".chat-message.pending");
  }

  // ---- incoming messages -------------------------------------------------------

  function receive(frame) {
    // Every chat_message comes in id order: the highest id seen is the
    // cursor a reconnect replays after (an ack is not: see handle).
    lastId = Math.max(lastId, frame.id);
    const own = frame.client_id && outbox.get(frame.client_id);
    if (elements.has(frame.id) && !own) return;
    const follow = atBottom() || own;
    const empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    const item = render(frame);
    if (own) {
      own.element.replaceWith(item);
      outbox.delete(frame.client_id);
    } else {
      list.insertBefore(item, firstPending());
    }
    remember(frame, item);
    if (follow) scrollToBottom();
    if (typing.dataset.userId === String(frame.user_id)) typing.textContent = "";
  }

  function prependHistory(older) {
    const before = log.scrollHeight;
    const anchor = list.firstElementChild;
    for (const frame of older) {
      if (elements.has(frame.id)) continue;
      const item = render(frame);
      list.insertBefore(item, anchor);
      remember(frame, item);
    }
    log.scrollTop += log.scrollHeight - before;
  }

  function showEarlierControls(more) {
    earlierButton.hidden = !more;
    beginning.hidden = more;
  }

  function loadEarlier() {
    if (loadingEarlier) return loadingEarlier;
    if (oldestId === null || earlierButton.hidden) return Promise.resolve(false);
    earlierButton.disabled = true;
    const url = `${config.historyUrl}?before=${oldestId}&limit=${config.pageSize}`;
    loadingEarlier = fetch(url, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(response.statusText);
        return response.json();
      })
      .then((data) => {
        prependHistory(data.results);
        showEarlierControls(data.results.length === config.pageSize);
        return data.results.length > 0;
      })
      .catch(() => {
        setStatus("Could not load earlier messages; scroll up to try again.");
        return false;
      })
      .finally(() => {
        earlierButton.disabled = false;
        loadingEarlier = null;
      });
    return loadingEarlier;
  }

  async function reveal(id) {
    // Load earlier pages until message `id` is on the page (a few at most).
    for (let pages = 0; !elements.has(id) && oldestId !== null && oldestId > id && pages < 20; pages++) {
      if (!(await loadEarlier())) break;
    }
    return elements.get(id) || null;
  }

  function markFirstUnread(item) {
    const divider = element("li", "chat-divider", "New messages");
    divider.id = "chat-unread-divider";
    list.insertBefore(divider, item);
    return divider;
  }

  async function openAtStart() {
    const wanted = /^#message-(\d+)$/.exec(location.hash);
    if (wanted) {
      const item = await reveal(Number(wanted[1]));
      if (item) {
        item.classList.add("highlight");
        item.scrollIntoView({ block: "center" });
        return;
      }
    }
    if (config.firstUnreadId) {
      const item = await reveal(config.firstUnreadId);
      if (item) {
        const divider = markFirstUnread(item);
        divider.scrollIntoView({ block: "start" });
        updateJump();
        return;
      }
    }
    scrollToBottom();
  }

  function updateJump() {
    const divider = document.getElementById("chat-unread-divider");
    if (!divider) {
      jumpButton.hidden = true;
      return;
    }
    const box = divider.getBoundingClientRect();
    const view = log.getBoundingClientRect();
    jumpButton.hidden = box.bottom >= view.top && box.top <= view.bottom;
  }

  // ---- the read marker -------------------------------------------------------

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const id = Number(entry.target.dataset.id);
        if (entry.isIntersecting) visible.add(id);
        else visible.delete(id);
      }
      noteSeen();
    },
    { root: log, threshold: 0.5 }
  );

  function noteSeen() {
    if (document.visibilityState !== "visible" || visible.size === 0) return;
    const newest = Math.max(...visible);
    if (newest <= readWanted) return;
    readWanted = newest;
    for (const id of visible) {
      if (id <= readWanted) {
        observer.unobserve(elements.get(id));
        visible.delete(id);
      }
    }
    flushRead();
  }

  function flushRead() {
    // At most one `read` frame a second, the newest seen id.
    clearTimeout(readTimer);
    if (readWanted <= readSent) return;
    const wait = readAt + 1000 - Date.now();
    if (wait > 0) {
      readTimer = setTimeout(flushRead, wait);
      return;
    }
    if (send({ type: "read", message_id: readWanted })) {
      readSent = readWanted;
      readAt = Date.now();
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") noteSeen();
  });

  // ---- sending: pending, paced, acknowledged, retried ---------------------------

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function setPendingState(entry, state, detail) {
    entry.state = state;
    const item = entry.element;
    item.classList.toggle("pending", state !== "acked");
    item.classList.toggle("failed", state === "failed");
    const label = item.querySelector(".chat-state");
    const actions = item.querySelector(".chat-actions");
    actions.replaceChildren();
    if (state === "failed") {
      label.textContent = `Not sent: ${detail}`;
      actions.append(
        button("Retry", "link", () => retryMessage(entry.clientId)),
        button("Discard", "link danger-text", () => discardMessage(entry.clientId))
      );
    } else if (state === "acked") {
      label.textContent = "";
    } else {
      label.textContent = socket && socket.readyState === WebSocket.OPEN ? "Sending…" : "Waiting for the connection…";
    }
  }

  function pendingElement(text, attachments) {
    const item = element("li", "chat-message mine pending");
    const meta = element("div", "chat-meta");
    meta.append(element("span", "chat-user", "You"), " ", element("span", "chat-state meta", "Sending…"));
    const body = element("div", "chat-body chat-plain", text);
    item.append(meta, body, filesOf(attachments), element("div", "chat-actions"));
    return item;
  }

  function enqueue(text, attachments) {
    const clientId = newClientId();
    const entry = { clientId, text, attachments, element: pendingElement(text, attachments), state: "queued" };
    outbox.set(clientId, entry);
    const empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    list.append(entry.element);
    scrollToBottom();
    queue.push(clientId);
    setPendingState(entry, "queued");
    pump();
  }

  function pump() {
    // One message in flight at a time, in the order typed (the next goes
    // when the server has answered), and no faster than the server's
    // per-second allowance.
    clearTimeout(pumpTimer);
    pumpTimer = null;
    while (!inFlight && queue.length && socket && socket.readyState === WebSocket.OPEN) {
      const now = Date.now();
      while (sentTimes.length && now - sentTimes[0] >= 1000) sentTimes.shift();
      const wait = Math.max(
        pausedUntil - now,
        sentTimes.length >= config.messagesPerSecond ? 1000 - (now - sentTimes[0]) + 20 : 0
      );
      if (wait > 0) {
        pumpTimer = setTimeout(pump, wait);
        return;
      }
      const entry = outbox.get(queue.shift());
      if (!entry || entry.state !== "queued") continue;
      const frame = { message: entry.text, client_id: entry.clientId };
      if (entry.attachments.length) frame.attachments = entry.attachments.map((file) => file.id);
      if (!send(frame)) {
        queue.unshift(entry.clientId);
        return;
      }
      sentTimes.push(now);
      inFlight = entry.clientId;
      setPendingState(entry, "sent");
    }
  }

  function answered(clientId) {
    if (inFlight === clientId) {
      inFlight = null;
      pump();
    }
  }

  function requeue(entry) {
    setPendingState(entry, "queued");
    if (outbox.get(entry.clientId) === entry && !queue.includes(entry.clientId)) {
      queue.push(entry.clientId);
      queue.sort((a, b) => order(a) - order(b));
    }
  }

  function order(clientId) {
    return Array.prototype.indexOf.call(list.children, outbox.get(clientId).element);
  }

  function retryMessage(clientId) {
    const entry = outbox.get(clientId);
    if (!entry) return;
    requeue(entry);
    pump();
  }

  function discardMessage(clientId) {
    const entry = outbox.get(clientId);
    if (!entry) return;
    entry.element.remove();
    outbox.delete(clientId);
  }

  function refused(frame) {
    const entry = outbox.get(frame.client_id);
    if (!entry) return;
    if (frame.code === "rate_limited") {
      // It waits in the page, first in line, and goes out when allowed.
      requeue(entry);
      pausedUntil = Date.now() + 1000;
    } else {
      setPendingState(entry, "failed", frame.detail);
    }
    answered(frame.client_id);
  }

  // ---- edits and deletions ---------------------------------------------------

  function messageNote(id, text) {
    const item = elements.get(id);
    if (item) item.querySelector(".chat-state").textContent = text;
  }

  function startEdit(id) {
    const item = elements.get(id);
    const frame = frames.get(id);
    if (!item || !frame || item.querySelector(".chat-edit")) return;
    const body = item.querySelector(".chat-body");
    const editor = element("form", "chat-edit");
    const label = element("label", "visually-hidden", "Edit message");
    const area = element("textarea");
    area.id = `edit-${id}`;
    label.htmlFor = area.id;
    area.value = frame.message;
    area.maxLength = config.maxLength;
    area.rows = Math.min(8, frame.message.split("\n").length + 1);
    const cancel = () => {
      editor.remove();
      body.hidden = false;
      messageNote(id, "");
    };
    editor.append(label, area, element("button", "", "Save"), button("Cancel", "link", cancel));
    editor.addEventListener("submit", (event) => {
      event.preventDefault();
      if (send({ type: "edit", message_id: id, message: area.value })) messageNote(id, "Saving…");
      else messageNote(id, "Not connected: try again in a moment.");
    });
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape") cancel();
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        editor.requestSubmit();
      }
    });
    body.hidden = true;
    body.after(editor);
    area.focus();
  }

  function confirmDelete(id) {
    const item = elements.get(id);
    if (!item) return;
    const actions = item.querySelector(".chat-actions");
    const frame = frames.get(id);
    actions.replaceChildren(
      element("span", "meta", "Delete this message for everyone?"),
      " ",
      button("Delete", "link danger-text", () => {
        if (send({ type: "delete", message_id: id })) messageNote(id, "Deleting…");
        else messageNote(id, "Not connected: try again in a moment.");
      }),
      " ",
      button("Cancel", "link", () => actions.replaceWith(actionsFor(frame)))
    );
  }

  function applyEdit(frame) {
    const known = frames.get(frame.id);
    const item = elements.get(frame.id);
    if (!known || !item) return;
    Object.assign(known, { message: frame.message, html: frame.html, mentions: frame.mentions, edited: frame.edited });
    const editor = item.querySelector(".chat-edit");
    if (editor) editor.remove();
    const body = item.querySelector(".chat-body");
    body.hidden = false;
    fillBody(body, known);
    item.querySelector(".chat-edited").hidden = false;
    item.querySelector(".chat-state").textContent = "";
  }

  function applyDelete(frame) {
    const known = frames.get(frame.id);
    const item = elements.get(frame.id);
    if (!known || !item) return;
    Object.assign(known, { deleted: true, moderated: frame.moderated, message: "", html: "", attachments: [] });
    const fresh = render(known);
    item.replaceWith(fresh);
    elements.set(frame.id, fresh);
  }

  // ---- attachments -------------------------------------------------------------

  function uploadFile(file) {
    const item = element("li", "chat-upload");
    const name = element("span", "chat-upload-name", `${file.name} (${formatSize(file.size)})`);
    const bar = element("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", `Uploading ${file.name}`);
    const note = element("span", "meta");
    const upload = { file, attachment: null, done: false, element: item };
    const remove = button("Remove", "link", () => {
      request.abort();
      uploads.delete(upload);
      item.remove();
    });
    remove.setAttribute("aria-label", `Remove ${file.name}`);
    item.append(name, " ", bar, " ", note, " ", remove);
    uploadsList.append(item);
    uploads.add(upload);
    const request = new XMLHttpRequest();
    if (file.size > config.maxUploadBytes) {
      bar.remove();
      note.textContent = `Too large (at most ${formatSize(config.maxUploadBytes)}).`;
      upload.failed = true;
      return;
    }
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
    });
    request.addEventListener("load", () => {
      let data = {};
      try {
        data = JSON.parse(request.responseText);
      } catch (error) {
        data = {};
      }
      if (request.status === 201) {
        upload.attachment = data;
        upload.done = true;
        bar.value = 100;
        note.textContent = "Ready";
      } else {
        upload.failed = true;
        const detail = data.detail || (data.file && data.file.join(" ")) || request.statusText;
        note.textContent = `Not uploaded: ${detail}`;
      }
    });
    request.addEventListener("error", () => {
      upload.failed = true;
      note.textContent = "Not uploaded: the connection failed.";
    });
    request.open("POST", config.uploadUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken);
    const body = new FormData();
    body.append("file", file);
    request.send(body);
  }

  // ---- the socket ------------------------------------------------------------

  function armWatchdog() {
    clearTimeout(watchdog);
    // Two missed heartbeats: the link is dead even if the browser has not noticed.
    watchdog = setTimeout(() => socket && socket.close(), heartbeatMs * 2.5);
  }

  function showPresence(frame) {
    presence.replaceChildren("Here now: ");
    frame.users.forEach((user, index) => {
      if (index) presence.append(", ");
      const name = user.name || user.user;
      if (user.id === config.userId) presence.append(element("span", "", name));
      else {
        const person = button(name, "link", () => startDirect(user.id));
        person.title = `Send ${name} a direct message`;
        presence.append(person);
      }
    });
    const others = frame.count - frame.users.length;
    if (others > 0) presence.append(` and ${others} more`);
  }

  function handle(frame) {
    switch (frame.type) {
      case "chat_message":
        receive(frame);
        break;
      case "ack": {
        // Not lastId: messages stored just before ours may still be on
        // their way, and the room's copy of ours comes after them.
        const entry = outbox.get(frame.client_id);
        if (entry) {
          setPendingState(entry, "acked");
          entry.element.dataset.id = frame.id;
        }
        answered(frame.client_id);
        break;
      }
      case "message_edited":
        changes = Math.max(changes, frame.change);
        applyEdit(frame);
        break;
      case "message_deleted":
        changes = Math.max(changes, frame.change);
        applyDelete(frame);
        break;
      case "caught_up":
        changes = frame.changes; // the server's word: every change up to it is here
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
      case "presence":
        showPresence(frame);
        break;
      case "room_archived":
        config.archived = true;
        setStatus("This room was archived.");
        if (form) form.remove();
        break;
      case "error":
        if (frame.client_id) refused(frame);
        else if (frame.message_id) messageNote(frame.message_id, frame.detail);
        else setStatus(frame.detail);
        break;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}${config.socket}?after=${lastId}&changes=${changes}`);
    socket.addEventListener("open", () => {
      retry = 0;
      setStatus("Connected");
      armWatchdog();
      // Unacknowledged sends go again, in order; their client_id keeps
      // them single.
      for (const entry of outbox.values()) {
        if (entry.state === "sent") entry.state = "queued";
        if (entry.state === "queued") {
          if (!queue.includes(entry.clientId)) queue.push(entry.clientId);
          setPendingState(entry, "queued");
        }
      }
      queue.sort((a, b) => order(a) - order(b));
      pump();
      flushRead();
    });
    socket.addEventListener("message", (event) => {
      armWatchdog();
      handle(JSON.parse(event.data));
    });
    socket.addEventListener("close", (event) => {
      clearTimeout(watchdog);
      inFlight = null;
      for (const entry of outbox.values()) {
        if (entry.state === "sent" || entry.state === "queued") setPendingState(entry, "queued");
      }
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

  // ---- the composer ------------------------------------------------------------

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const busy = [...uploads].some((upload) => !upload.done && !upload.failed);
      if (busy) {
        setStatus("Waiting for the files to finish uploading…");
        return;
      }
      const ready = [...uploads].filter((upload) => upload.done);
      const text = input.value.trim();
      if (!text && !ready.length) return;
      enqueue(text, ready.map((upload) => upload.attachment));
      for (const upload of [...uploads]) {
        uploads.delete(upload);
        upload.element.remove();
      }
      input.value = "";
      grow();
      input.focus();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    input.addEventListener("input", () => {
      grow();
      const now = Date.now();
      if (now - lastTypingSent > 3000) {
        lastTypingSent = now;
        send({ type: "typing" });
      }
    });
    fileInput.addEventListener("change", () => {
      for (const file of fileInput.files) uploadFile(file);
      fileInput.value = "";
    });
  }

  function grow() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  window.addEventListener("beforeunload", (event) => {
    if ([...outbox.values()].some((entry) => entry.state !== "acked")) event.preventDefault();
  });

  earlierButton.addEventListener("click", loadEarlier);
  jumpButton.addEventListener("click", () => {
    const divider = document.getElementById("chat-unread-divider");
    if (divider) divider.scrollIntoView({ block: "start" });
    updateJump();
  });
  log.addEventListener("scroll", () => {
    if (log.scrollTop < 80 && !earlierButton.hidden) loadEarlier();
    updateJump();
  });
  setInterval(() => {
    // The edit window closes: hide what the server would now refuse.
    for (const [id, frame] of frames) {
      const item = elements.get(id);
      const actions = item && item.querySelector(".chat-actions");
      if (actions && actions.children.length && frame.user_id === config.userId && !mayEdit(frame) && !config.moderator) {
        actions.replaceChildren();
      }
    }
  }, 30000);

  for (const frame of history) {
    const item = render(frame);
    list.append(item);
    remember(frame, item);
  }
  if (!history.length) {
    const empty = element("li", "empty", "No messages yet. Say hello!");
    empty.id = "chat-empty";
    list.append(empty);
  }
  showEarlierControls(history.length === config.pageSize);
  openAtStart().then(noteSeen);
  connect();
})();
