// Small behaviours that need no framework. Everything works without them too.
document.addEventListener("click", function (event) {
  // Quick due dates: a chip fills the date input it names.
  var chip = event.target.closest("[data-date][data-for]");
  if (chip) {
    var input = document.getElementById(chip.dataset.for);
    if (input) { input.value = chip.dataset.date; input.focus(); }
  }
});
document.addEventListener("submit", function (event) {
  // One click is enough: a second click on a form that is already sending does nothing.
  var form = event.target;
  if (form.dataset.once !== undefined) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  }
});

// The compact menu: folded on a phone, always open on a wider screen. Without this script the
// menu is simply open everywhere.
(function () {
  var menu = document.querySelector("details[data-compact-menu]");
  if (!menu || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 640px)");
  function fit() { menu.open = !phone.matches; }
  fit();
  phone.addEventListener("change", fit);
})();

document.addEventListener("DOMContentLoaded", function () {
  // Suggest the browser's own time zone for an empty time zone field; the person can change it.
  document.querySelectorAll("[data-guess-time-zone]").forEach(function (marker) {
    var field = document.getElementById(marker.dataset.guessTimeZone);
    if (field && !field.value) {
      try { field.value = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
    }
  });
});
