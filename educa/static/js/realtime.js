// The notification bell: the user's own event stream, live.
(function () {
  "use strict";
  const bell = document.getElementById("notification-bell");
  if (!bell) return;
  const badge = bell.querySelector(".badge");
  let lastId = 0;
  let retry = 0;

  function show(unread) {
    badge.textContent = unread > 0 ? String(unread) : "";
    badge.hidden = unread === 0;
    bell.setAttribute("aria-label", `Notifications: ${unread} unread`);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const after = lastId ? `?after=${lastId}` : "";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/realtime/${after}`);
    socket.addEventListener("open", () => (retry = 0));
    socket.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "notification") {
        lastId = Math.max(lastId, frame.id);
        show(frame.unread);
        bell.title = frame.kind;
      } else if (frame.type === "unread") {
        show(frame.unread);
      }
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4403) return;
      retry += 1;
      setTimeout(connect, Math.min(30000, 500 * 2 ** retry));
    });
  }
  connect();
})();
