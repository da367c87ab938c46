/*
 * "이 페이지 진단 파일 저장": what this tab would send for a diagnosis goes to the companion,
 * which answers the diagnosis file without names, phones, addresses or 개인통관고유부호; the
 * popup saves it as JSON for the user to attach to a bug report.
 */
import { MSG, toWorker, toTab, setResult } from "./runtime.js";
import { t } from "./i18n.js";
import { targetTab } from "./target-tab.js";
import { saveJson } from "./download.js";

function fileName(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  return `parcel-doctor-diagnosis-${day}-${pad(now.getHours())}${pad(now.getMinutes())}.json`;
}

async function saveDiagnosisFile() {
  const text = document.getElementById("diagnosis-file-text");
  const tab = await targetTab();
  const reply = tab ? await toTab(tab.id, MSG.POPUP_TO_CS_GET_CAPTURE) : null;
  const capture = reply && reply.capture;
  const answer = capture ? await toWorker(MSG.POPUP_TO_SW_DIAGNOSIS_FILE, { capture }) : null;
  if (!answer || !answer.ok || !answer.file) {
    setResult(text, t("popup_saveDiagnosisFileFailed"), true);
    return;
  }
  saveJson(answer.file, fileName());
  setResult(text, t("popup_saveDiagnosisFileDone"));
}

export async function setupDiagnosisFile() {
  const button = document.getElementById("save-diagnosis-file");
  button.addEventListener("click", () => {
    button.disabled = true;
    saveDiagnosisFile().finally(() => {
      button.disabled = false;
    });
  });
  button.disabled = !(await targetTab());
}
