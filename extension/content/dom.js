/*
 * The only way content scripts build DOM: createElement + textContent, never HTML strings,
 * so nothing from the page or the companion can become markup or script.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  /** h("a", {class: "x", href}, "text", child…) -> Element; null/false children are skipped. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (name === "class") el.className = value;
      else el.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child == null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const sheets = new Map(); // cssText -> its constructed sheet: overlays, notice and button differ
  /** Applies a stylesheet to a shadow root (constructed sheet, <style> as fallback). */
  function adoptStyles(shadow, cssText) {
    try {
      let sheet = sheets.get(cssText);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(cssText);
        sheets.set(cssText, sheet);
      }
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      const style = document.createElement("style");
      style.textContent = cssText;
      shadow.append(style);
    }
  }

  /** A host element with an open shadow root styled by cssText. */
  function shadowHost(tagName, cssText) {
    const host = document.createElement(tagName);
    const shadow = host.attachShadow({ mode: "open" });
    adoptStyles(shadow, cssText);
    return { host, shadow };
  }

  /** Replaces everything but <style> in a shadow root with one new node. */
  function replaceContent(shadow, node) {
    for (const child of [...shadow.childNodes]) if (child.nodeName !== "STYLE") child.remove();
    shadow.append(node);
  }

  PD.dom = Object.freeze({ h, shadowHost, replaceContent });
})();
