// Instructor pages: drag-and-drop (or arrow-button) reordering saved as JSON,
// confirmations before deleting, the course slug filled in from its title,
// module rows added without a round trip, and a live Markdown preview.
// No dependencies; every page works without it.
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

  // The slug follows the title until someone edits the slug itself.
  document.querySelectorAll("input[data-slug-from]").forEach((slug) => {
    const title = document.getElementById(slug.dataset.slugFrom);
    if (!title) return;
    let follows = slug.value === "" || slug.value === slugify(title.value);
    slug.addEventListener("input", () => {
      follows = slug.value === "";
    });
    title.addEventListener("input", () => {
      if (follows) slug.value = slugify(title.value);
    });
  });

  // As Django's slugify: accents dropped, lower case, hyphens between words.
  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^\w\s-]/g, "")
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "")
      .slice(0, 200);
  }

  document.querySelectorAll("form[data-module-formset]").forEach((form) => {
    const list = form.querySelector(".module-forms");
    const template = document.getElementById("module-form-template");
    const total = form.querySelector("input[name$='-TOTAL_FORMS']");
    const add = form.querySelector("[data-add-module]");
    if (list && template && total && add) {
      add.hidden = false;
      add.addEventListener("click", () => {
        const index = Number(total.value);
        const html = template.innerHTML.replace(/__prefix__/g, String(index));
        list.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        // The first field people type in (the hidden id and course come before it).
        list.lastElementChild.querySelector("input:not([type=hidden]), textarea").focus();
      });
    }
    // Name what ticking "Delete" takes with it before it goes.
    form.addEventListener("submit", (event) => {
      const doomed = Array.from(form.querySelectorAll("[data-module-title]")).filter(
        (row) => row.querySelector("input[name$='-DELETE']:checked")
      );
      if (!doomed.length) return;
      const lines = doomed.map((row) => {
        const count = Number(row.dataset.moduleContents);
        const contents = count === 1 ? "1 content" : count + " contents";
        return "• " + row.dataset.moduleTitle + " (with its " + contents + ")";
      });
      const question =
        "Delete " + (doomed.length === 1 ? "this module" : "these modules") +
        "? This cannot be undone.\n\n" + lines.join("\n");
      if (!window.confirm(question)) event.preventDefault();
    });
  });

  // The text content's Markdown, rendered by the server's one renderer.
  document.querySelectorAll("[data-preview-url]").forEach((preview) => {
    const source = preview.closest("form").querySelector("textarea[data-markdown-preview]");
    const body = preview.querySelector(".preview-body");
    if (!source || !body) return;
    let timer = null;
    let sent = 0;
    async function render() {
      const number = ++sent;
      const data = new FormData();
      data.append("text", source.value);
      try {
        const response = await fetch(preview.dataset.previewUrl, {
          method: "POST",
          headers: { "X-CSRFToken": preview.dataset.csrf },
          body: data,
          credentials: "same-origin",
        });
        const answer = await response.json();
        if (number !== sent) return; // a newer preview is on its way
        if (!response.ok) throw new Error(answer.detail || response.statusText);
        body.innerHTML = answer.html; // sanitized by the server (nh3)
        body.classList.remove("error");
      } catch (error) {
        if (number !== sent) return;
        body.textContent = "No preview: " + error.message;
        body.classList.add("error");
      }
    }
    source.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(render, 250);
    });
  });
})();
