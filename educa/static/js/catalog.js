// The catalog: a new sort order applies at once. Without JavaScript the
// Search button applies it.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
})();
