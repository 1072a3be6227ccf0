// The signed-in user's own stream (ws/realtime/): the header's two counts
// (unread messages, unread notifications), and, on pages that show them,
// the room list's badges and previews and the latest notifications, live on
// every tab. Text is inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  const messagesLink = document.getElementById("messages-link");
  const bell = document.getElementById("notification-bell");
  if (!messagesLink || !bell) return;
  const me = Number(messagesLink.dataset.userId);
  const roomList = document.getElementById("room-list");
  const notificationList = document.getElementById("notification-list");
  // A page listing notifications asks for those stored after its newest,
  // so none made between the page and the socket is missed.
  const newest = notificationList && notificationList.dataset.live === "true" && notificationList.querySelector("[data-id]");
  let lastId = newest ? Number(newest.dataset.id) : 0;
  const replayAll = Boolean(notificationList && notificationList.dataset.live === "true" && !newest);
  let retry = 0;
  let messagesTotal = 0;

  function showCount(link, label, count) {
    const badge = link.querySelector(".badge");
    badge.textContent = count > 0 ? String(count) : "";
    badge.hidden = count <= 0;
    link.setAttribute("aria-label", `${label}: ${count} unread`);
  }

  function showMessages(total) {
    messagesTotal = Math.max(0, total);
    showCount(messagesLink, "Messages", messagesTotal);
  }

  function roomRow(roomId) {
    return roomList && roomList.querySelector(`[data-room="${roomId}"]`);
  }

  function showRoomUnread(row, unread) {
    const badge = row.querySelector(".room-unread");
    badge.textContent = String(unread);
    badge.hidden = unread <= 0;
    badge.setAttribute("aria-label", `${unread} unread`);
  }

  function readingNow(roomId) {
    // The open room's page marks what it shows as read; counting it here
    // would only flicker.
    return (
      document.visibilityState === "visible" &&
      typeof window.educaChatSeesLatest === "function" &&
      window.educaChatSeesLatest(roomId)
    );
  }

  function roomMessage(frame) {
    const mine = frame.user_id === me;
    const counted = !mine && !readingNow(frame.room);
    if (counted) showMessages(messagesTotal + 1);
    if (!roomList) return;
    const row = roomRow(frame.room);
    if (!row) {
      refreshRooms();
      return;
    }
    if (counted) {
      showRoomUnread(row, Number(row.querySelector(".room-unread").textContent || 0) + 1);
    }
    const preview = row.querySelector(".room-preview");
    preview.replaceChildren();
    const name = document.createElement("span");
    name.className = "preview-name";
    name.textContent = frame.name || frame.user;
    const text = document.createElement("span");
    text.className = "preview-text";
    const body = frame.message || (frame.attachments && frame.attachments.length ? "(a file)" : "");
    text.textContent = body.length > 80 ? `${body.slice(0, 79)}…` : body;
    preview.append(name, ": ", text);
    roomList.prepend(row);
  }

  let refreshing = null;
  function refreshRooms() {
    // A room this page has not listed yet (a new direct or group room):
    // the API says what to show.
    if (refreshing) return;
    refreshing = fetch("/api/chat/rooms/?page_size=50", { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data) return;
        const current = roomList.querySelector(".current");
        const currentId = current ? current.dataset.room : null;
        roomList.replaceChildren(...data.results.map((room) => buildRow(room, currentId)));
      })
      .finally(() => (refreshing = null));
  }

  function buildRow(room, currentId) {
    const row = document.createElement("li");
    row.className = "room-row" + (String(room.id) === currentId ? " current" : "");
    row.dataset.room = room.id;
    const link = document.createElement("a");
    link.className = "room-link";
    link.href = room.kind === "course" ? `/chat/room/${room.course_id}/` : `/chat/${room.id}/`;
    link.textContent = room.title;
    const badge = document.createElement("span");
    badge.className = "badge room-unread";
    const kind = document.createElement("span");
    kind.className = "meta room-kind";
    kind.textContent = room.kind.charAt(0).toUpperCase() + room.kind.slice(1);
    const preview = document.createElement("p");
    preview.className = "meta room-preview";
    if (room.last_message) {
      const name = document.createElement("span");
      name.className = "preview-name";
      name.textContent = room.last_message.name;
      const text = document.createElement("span");
      text.className = "preview-text";
      text.textContent = room.last_message.message.slice(0, 80) || "(a file)";
      preview.append(name, ": ", text);
    }
    row.append(link, " ", badge, " ", kind, preview);
    showRoomUnread(row, room.unread);
    return row;
  }

  function prependNotification(frame) {
    if (!notificationList || notificationList.dataset.live !== "true") return;
    if (notificationList.querySelector(`[data-id="${frame.id}"]`)) return;
    const empty = notificationList.querySelector(".empty");
    if (empty) empty.remove();
    const item = document.createElement("li");
    item.className = "notification unread";
    item.dataset.id = frame.id;
    const link = document.createElement("a");
    link.href = `/notifications/${frame.id}/`;
    link.textContent = frame.text;
    const meta = document.createElement("span");
    meta.className = "meta";
    const when = document.createElement("time");
    when.dateTime = frame.created;
    when.textContent = window.educaTime ? window.educaTime(frame.created) : frame.created;
    meta.append(when, " · new");
    item.append(link, " ", meta);
    notificationList.prepend(item);
  }

  function handle(frame) {
    switch (frame.type) {
      case "notification":
        lastId = Math.max(lastId, frame.id);
        showCount(bell, "Notifications", frame.unread);
        prependNotification(frame);
        break;
      case "unread":
        showCount(bell, "Notifications", frame.unread);
        break;
      case "unread_messages":
        showMessages(frame.total);
        break;
      case "room_unread": {
        showMessages(frame.total);
        const row = roomRow(frame.room);
        if (row) showRoomUnread(row, frame.unread);
        break;
      }
      case "chat_message":
        roomMessage(frame);
        break;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const after = lastId || replayAll ? `?after=${lastId}` : "";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/realtime/${after}`);
    socket.addEventListener("open", () => (retry = 0));
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (event.code === 4403) return;
      retry += 1;
      const delay = Math.min(30000, 500 * 2 ** retry) * (event.code === 4429 ? 10 : 1);
      setTimeout(connect, delay);
    });
  }
  connect();
})();
