// The respondent's pages work without JavaScript; this only makes two
// things smoother where it runs.
// 1. Enter in a one-line answer moves to the next field instead of doing
//    nothing (the form's default button is disabled, so Enter never sends a
//    half-filled survey).
// 2. "Leave this page" replaces the page in the history, so Back does not
//    bring it up again.
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || !(field instanceof HTMLInputElement) || !field.form) return;
  if (["submit", "button", "reset"].includes(field.type)) return;
  event.preventDefault();
  const fields = Array.from(field.form.elements).filter(
    (element) => !element.disabled && element.type !== "hidden" && element.tabIndex >= 0 && element.offsetParent !== null,
  );
  const next = fields[fields.indexOf(field) + 1];
  if (next) next.focus();
});
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.quick-exit");
  if (!link) return;
  event.preventDefault();
  window.location.replace(link.href);
});
