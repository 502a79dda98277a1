// The submit form: choosing another period reloads the form of the version in force for it
// (posting with another period works without this too: the service uses its version).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || field.id !== "f-period" || !field.dataset.switch) return;
  if (!/^\d{4}(Q[1-4])?$/.test(field.value.trim())) return;
  const typed = [...field.form.elements].some(
    (e) => e.dataset && e.closest("[data-input]") && (e.type === "checkbox" ? e.checked : e.value !== ""),
  );
  if (typed) return; // never throw away what was typed: the post uses the period's version
  const unit = document.getElementById("f-unit");
  const query = new URLSearchParams({ period: field.value.trim(), unit: unit ? unit.value : "" });
  window.location.assign(`${field.dataset.switch}?${query}`);
});
