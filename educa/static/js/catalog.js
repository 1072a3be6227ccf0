// The catalog: a new sort order applies at once (without JavaScript, its
// Sort button does).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
})();
