/*
 * The overlay and notice styles, scoped to their shadow roots. :host resets what the page's
 * CSS could otherwise pass down by inheritance.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  const base = `
:host { all: initial; display: block; }
* { box-sizing: border-box; }
.pd { font: 13px/1.45 "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", "Noto Sans CJK KR", system-ui, sans-serif;
  color: #1f2328; }
`;

  PD.styles = Object.freeze({
    overlay:
      base +
      `
.pd-badge { margin: 8px 0; padding: 8px 12px; border-radius: 8px; border: 1px solid #d0d7de;
  border-left: 4px solid var(--sev); background: #fff; }
.pd-badge[data-severity="ok"] { --sev: #1a7f37; }
.pd-badge[data-severity="info"] { --sev: #0969da; }
.pd-badge[data-severity="wait"] { --sev: #bf8700; }
.pd-badge[data-severity="action"] { --sev: #cf222e; }
.pd-head { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.pd-brand { font-size: 11px; color: #57606a; }
.pd-title { font-weight: 700; color: var(--sev); }
.pd-wait { margin: 2px 0 0; }
.pd-explanation { margin: 6px 0 0; color: #424a53; }
.pd-actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.pd-btn { display: inline-block; padding: 3px 10px; border-radius: 999px; border: 1px solid #d0d7de;
  color: #0969da; text-decoration: none; font-size: 12px; background: #f6f8fa; }
.pd-btn:hover { background: #eaeef2; }
.pd-section { margin: 8px 0 0; font-size: 12px; font-weight: 700; color: #57606a; }
.pd-list { margin: 2px 0 0; padding-left: 18px; font-size: 12px; color: #424a53; }
.pd-number { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; }
.pd-age { margin: 2px 0 0; color: #424a53; }
.pd-numbox { display: inline-flex; align-items: center; gap: 4px; }
.pd-copy { font: inherit; font-size: 11px; padding: 0 6px; border-radius: 4px; border: 1px solid #d0d7de;
  background: #f6f8fa; color: #424a53; cursor: pointer; }
.pd-details { margin-top: 6px; font-size: 12px; color: #57606a; }
.pd-details summary { cursor: pointer; }
.pd-small { display: inline-block; margin: 4px 0; padding: 2px 10px; border-left-width: 1px; border-radius: 999px; }
.pd-small .pd-title { font-weight: 600; font-size: 12px; }
.pd-stale { filter: grayscale(1); opacity: .7; }
.pd-checked { margin: 2px 0 0; font-size: 12px; color: #57606a; }
.pd-full { padding: 12px 16px; }
.pd-full .pd-title { font-size: 15px; }
`,
    checkAll:
      base +
      `
.pd-checkall { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin: 8px 0; }
.pd-checkall button { font: inherit; font-weight: 600; padding: 4px 12px; border-radius: 999px; cursor: pointer;
  border: 1px solid #0969da; color: #0969da; background: #fff; }
.pd-checkall button:disabled { cursor: default; border-color: #d0d7de; color: #57606a; }
.pd-checkall progress { width: 120px; }
.pd-checkall .pd-brand { font-size: 11px; color: #57606a; }
`,
    notice:
      base +
      `
.pd-notice { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; max-width: 340px;
  padding: 10px 12px; border-radius: 8px; background: #fff; border: 1px solid #d0d7de;
  box-shadow: 0 4px 12px rgba(0,0,0,.12); }
.pd-notice p { margin: 0 0 4px; }
.pd-notice code { font-family: ui-monospace, Menlo, monospace; background: #f6f8fa; padding: 1px 4px;
  border-radius: 4px; user-select: all; }
.pd-close { float: right; border: 0; background: none; font-size: 14px; cursor: pointer; color: #57606a; }
`,
  });
})();
