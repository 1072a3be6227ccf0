// Instructor pages: drag-and-drop (or arrow-button) reordering saved as JSON,
// and a confirmation before deleting content. No dependencies.
(function () {
  "use strict";

  const status = document.querySelector(".reorder-status");

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function ids(list) {
    return Array.from(list.querySelectorAll(":scope > .reorder-item")).map(
      (item) => Number(item.dataset.id)
    );
  }

  async function save(list, previous) {
    const body = {};
    body[list.dataset.reorderKey] = ids(list);
    try {
      const response = await fetch(list.dataset.reorderUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": list.dataset.csrf },
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
      say("Order saved.");
    } catch (error) {
      previous.forEach((item) => list.appendChild(item));
      say("Could not save the new order: " + error.message, true);
    }
  }

  document.querySelectorAll("[data-reorder-url]").forEach((list) => {
    let dragged = null;
    let before = [];

    list.addEventListener("dragstart", (event) => {
      dragged = event.target.closest(".reorder-item");
      if (!dragged || dragged.parentElement !== list) return;
      before = Array.from(list.children);
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.id);
    });

    list.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault();
      const over = event.target.closest(".reorder-item");
      if (!over || over === dragged || over.parentElement !== list) return;
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });

    list.addEventListener("drop", (event) => event.preventDefault());

    list.addEventListener("dragend", () => {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      const moved = before.some((item, index) => list.children[index] !== item);
      dragged = null;
      if (moved) save(list, before);
    });

    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-move]");
      if (!button) return;
      const item = button.closest(".reorder-item");
      const previous = Array.from(list.children);
      if (button.dataset.move === "up" && item.previousElementSibling) {
        list.insertBefore(item, item.previousElementSibling);
      } else if (button.dataset.move === "down" && item.nextElementSibling) {
        list.insertBefore(item.nextElementSibling, item);
      } else {
        return;
      }
      button.focus();
      save(list, previous);
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
