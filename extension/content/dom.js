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

  // Our hosts' shadow roots are closed, so page scripts can neither read what we show (live
  // lookups, customs data) nor add to it; only this map, in the content script's world, holds them.
  const shadows = new WeakMap();

  /** A host element with a closed shadow root styled by cssText. */
  function shadowHost(tagName, cssText) {
    const host = document.createElement(tagName);
    const shadow = host.attachShadow({ mode: "closed" });
    adoptStyles(shadow, cssText);
    shadows.set(host, shadow);
    return { host, shadow };
  }

  /** The shadow root shadowHost made for host; null for any other element (one the page made). */
  function shadowOf(host) {
    return shadows.get(host) || null;
  }

  /** Replaces everything but <style> in a shadow root with one new node. */
  function replaceContent(shadow, node) {
    for (const child of [...shadow.childNodes]) if (child.nodeName !== "STYLE") child.remove();
    shadow.append(node);
  }

  PD.dom = Object.freeze({ h, shadowHost, shadowOf, replaceContent });
})();
