/* Staff and team pages: start GOV.UK Frontend's components (error summary focus, password show/hide,
   double-click prevention, the mobile menu). A module, so old browsers that cannot run GOV.UK Frontend's
   JavaScript skip it and get the plain pages, which work without it. No inline script anywhere: the
   Content Security Policy allows only files from this site. */
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
