/* "모든 주문 보기": the service worker opens the dashboard page in a new tab. */
import "../common/messages.js";

const { MSG } = globalThis.ParcelDoctor;

export function setupDashboardLink() {
  document.getElementById("open-dashboard").addEventListener("click", async () => {
    await chrome.runtime.sendMessage({ type: MSG.ANY_TO_SW_OPEN_DASHBOARD }).catch(() => null);
    window.close();
  });
}
