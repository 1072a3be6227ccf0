// A quiz attempt: the server set the deadline and says how many seconds are
// left; this counts them down and submits the form when they run out. What
// the student has entered is kept in sessionStorage, so a reload (which
// resumes the attempt with the time left) keeps it too.
(function () {
  "use strict";
  const form = document.getElementById("quiz-form");
  if (!form) return;
  const key = "educa-attempt-" + form.dataset.attempt;

  function save() {
    const entered = {};
    for (const field of form.elements) {
      if (!field.name || !field.name.startsWith("q-")) continue;
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) continue;
      (entered[field.name] = entered[field.name] || []).push(field.value);
    }
    sessionStorage.setItem(key, JSON.stringify(entered));
  }

  function restore() {
    let entered;
    try {
      entered = JSON.parse(sessionStorage.getItem(key) || "null");
    } catch (error) {
      entered = null;
    }
    if (!entered) return;
    for (const field of form.elements) {
      const values = entered[field.name];
      if (!values) continue;
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = values.includes(field.value);
      } else if (!field.value) {
        field.value = values[0];
      }
    }
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () { sessionStorage.removeItem(key); });

  if (form.dataset.secondsLeft === undefined) return;
  const shown = document.getElementById("time-left");
  const deadline = Date.now() + Number(form.dataset.secondsLeft) * 1000;
  let sent = false;
  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    shown.textContent = minutes + ":" + String(left % 60).padStart(2, "0");
    if (left === 0 && !sent) {
      sent = true;
      sessionStorage.removeItem(key);
      form.requestSubmit();
      return;
    }
    if (!sent) setTimeout(tick, 250);
  }
  tick();
})();
