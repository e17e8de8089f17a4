// Starts GOV.UK Frontend's components (details, error summary focus, navigation toggle...).
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

if (document.body.classList.contains("govuk-frontend-supported")) {
  initAll();
}
