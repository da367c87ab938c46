/*
 * One parcel's journey as an inline SVG: 결제 → 출고 → 출국 → 한국 도착 → 통관 → 국내 택배 → 배달 완료.
 * Built with DOM APIs only (no innerHTML). Each stage mark carries data-stage and, when known,
 * data-date; a stage that lasted longer than usual is drawn as a red dashed track, and every
 * colour has a text beside it (the caption says the same in words).
 */
import { t } from "../popup/i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 700;
const MARGIN = 40;

function svg(name, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** "9/27" for the mark; the full date is in the mark's title. */
function shortDate(iso) {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(iso || "");
  return m ? `${Number(m[1])}/${Number(m[2])}` : "";
}

function caption(journey) {
  const current = journey.stages.find((s) => s.state === "current");
  if (!current) return { text: t("dashboard_journeyUnknown"), long: false };
  if (current.stage === "delivered") return { text: t("dashboard_journeyDelivered", [current.label]), long: false };
  const days = journey.days_in_stage ?? 0;
  // "N일째": the day a stage began is its day 1, as the companion counts "통관 2일째"
  const nth = String(days + 1);
  if (!journey.usual) return { text: t("dashboard_journeyDays", [current.label, nth]), long: false };
  const { low, high, count } = journey.usual;
  const range = low === high ? String(low) : `${low}–${high}`;
  const basis = count > 0 ? t("dashboard_usualMine", [String(count)]) : t("dashboard_usualDefault");
  const long = days > high;
  const key = long ? "dashboard_journeyDaysLong" : "dashboard_journeyDaysUsual";
  return { text: t(key, [current.label, nth, range, basis]), long };
}

/** A <div> holding the parcel's number, the SVG and the caption. */
export function timeline(parcel) {
  const box = document.createElement("div");
  box.className = "timeline";
  const number = parcel.tracking_number || parcel.domestic_number || "";
  box.dataset.parcelDoctorTimeline = number;

  if (number) {
    const label = document.createElement("p");
    label.className = "number";
    label.textContent = parcel.domestic_number && parcel.tracking_number
      ? t("dashboard_numbers", [parcel.tracking_number, parcel.domestic_number])
      : number;
    box.append(label);
  }

  const { stages } = parcel.journey;
  const step = (WIDTH - 2 * MARGIN) / (stages.length - 1);
  const x = (i) => MARGIN + i * step;
  const said = caption(parcel.journey);
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} 74`, role: "img", "aria-label": said.text });

  for (let i = 0; i < stages.length - 1; i++) {
    const stage = stages[i];
    const reachedNext = stages[i + 1].state !== "ahead";
    const classes = ["track"];
    if (stage.long) classes.push("long");
    else if (reachedNext) classes.push("done");
    const line = svg("line", { class: classes.join(" "), x1: x(i), y1: 30, x2: x(i + 1), y2: 30 });
    if (stage.long) line.append(svg("title", {}, t("dashboard_stageLong", [stage.label, String(stage.days)])));
    root.append(line);
  }
  stages.forEach((stage, i) => {
    const mark = svg("g", { class: "mark", "data-stage": stage.stage, "data-state": stage.state });
    if (stage.date) mark.setAttribute("data-date", stage.date);
    const said = stage.date ? `${stage.label} ${stage.date}` : stage.label;
    mark.append(svg("title", {}, said));
    mark.append(svg("circle", { cx: x(i), cy: 30, r: stage.state === "current" ? 8 : 6 }));
    mark.append(svg("text", { x: x(i), y: 14, class: "date" }, shortDate(stage.date)));
    mark.append(svg("text", { x: x(i), y: 56 }, stage.label));
    root.append(mark);
  });
  box.append(root);

  const words = document.createElement("p");
  words.className = "caption";
  words.dataset.long = String(said.long);
  words.textContent = said.text;
  box.append(words);
  return box;
}
