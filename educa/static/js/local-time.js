// The one date format, "4 Dec 2026, 10:07", in the reader's time zone.
// The server writes the same format in UTC (templates/time.html); this
// rewrites every <time data-local> and lends the formatter to other scripts.
(function () {
  "use strict";
  const months = Array.from({ length: 12 }, (_, m) =>
    new Date(2000, m, 1).toLocaleString("en", { month: "short" })
  );
  const two = (n) => String(n).padStart(2, "0");

  function format(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return "";
    return `${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()}, ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  window.educaTime = format;
  for (const time of document.querySelectorAll("time[data-local]")) {
    time.textContent = format(time.dateTime);
  }
})();
