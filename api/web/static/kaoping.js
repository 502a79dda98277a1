// What every page shares: htmx sends the CSRF token with each request it makes, and swaps
// the answers that carry a form's problems (422) or a conflict (409) instead of dropping them.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.htmx) return;
  htmx.config.allowEval = false;
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(403|404|409|413|422|429)", swap: true, error: false },
    { code: "[45]..", swap: true, error: true },
  ];
});
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRF-Token"] = meta.content;
});
