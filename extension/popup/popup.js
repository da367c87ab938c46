/*
 * Popup entry: localize, then wire each section (status, pairing, summary and check-all,
 * number box, live lookups, settings). Each section lives in its own module.
 */
import { localize } from "./i18n.js";
import { fetchStatus, renderStatus } from "./status.js";
import { setupPairing } from "./pairing.js";
import { setupSummary, refreshSummary } from "./summary.js";
import { setupNumberBox } from "./number-box.js";
import { setupSettings } from "./settings.js";
import { refreshLookups } from "./lookups.js";
import { setupDashboardLink } from "./dashboard-link.js";
import { setupDiagnosisFile } from "./diagnosis-file.js";
import { setupNotify } from "./notify.js";

async function refreshAll() {
  const status = await fetchStatus();
  await localize(status.lang);
  renderStatus(status);
  await refreshLookups(status);
  await refreshSummary();
}

async function main() {
  const status = await fetchStatus();
  await localize(status.lang);
  renderStatus(status);
  setupPairing(refreshAll);
  setupNumberBox();
  setupDashboardLink();
  await setupNotify();
  setupSettings(status, refreshAll);
  await refreshLookups(status);
  await setupSummary();
  await setupDiagnosisFile();
  document.body.dataset.ready = "true"; // for tests and users' own scripts: wiring is done
}

main();
