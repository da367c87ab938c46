/*
 * One quiet notice per page when the companion cannot help yet: not running (with the exact
 * command to start it) or not paired (pair in the popup). Shadow DOM, text only, dismissible.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const TAG = "parcel-doctor-notice";
  let host = null;
  let dismissed = false;

  function content(state, strings) {
    const { h } = PD.dom;
    const { tr } = PD.format;
    const close = h("button", { class: "pd-close", type: "button", "aria-label": tr(strings, "notice_close") }, "×");
    close.addEventListener("click", () => {
      dismissed = true;
      hide();
    });
    const lines =
      state === PD.STATE.UNPAIRED
        ? [h("p", null, tr(strings, "notice_unpaired"))]
        : [
            h("p", null, tr(strings, "notice_offline")),
            h("p", null, tr(strings, "notice_startHint"), " ", h("code", null, PD.START_COMMAND)),
            h("p", null, tr(strings, "notice_autostartHint"), " ", h("code", null, PD.AUTOSTART_COMMAND)),
            h("p", null, h("a", { href: PD.INSTALL_URL, target: "_blank", rel: "noopener noreferrer" }, tr(strings, "notice_installLink"))),
            h("p", null, tr(strings, "notice_willRetry")),
          ];
    return h("div", { class: "pd pd-notice", role: "status" }, close, ...lines);
  }

  /** Shows (or updates) the notice for state "offline" | "unpaired". */
  function show(state, strings) {
    if (dismissed) return;
    if (!host || !host.isConnected) {
      host = PD.dom.shadowHost(TAG, PD.styles.notice).host;
      (document.body || document.documentElement).append(host);
    }
    if (host.getAttribute("data-parcel-doctor-notice") === state) return;
    host.setAttribute("data-parcel-doctor-notice", state);
    PD.dom.replaceContent(PD.dom.shadowOf(host), content(state, strings));
  }

  function hide() {
    if (host) host.remove();
    host = null;
  }

  PD.notice = Object.freeze({ show, hide, TAG });
})();
