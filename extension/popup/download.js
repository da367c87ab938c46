/*
 * Saves a JSON value as a file the browser downloads (the popup's diagnosis file, the dashboard's
 * history export): no "downloads" permission, only a link to a Blob, clicked.
 */
export function saveJson(value, fileName, indent = 1) {
  const blob = new Blob([JSON.stringify(value, null, indent)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
