// The ID as the student shows it (R16, R17): photo, name, date of birth, PESEL, album number,
// university, issue and validity dates; an animated hologram that follows the phone's tilt, a
// moving flag and a clock with the date and time of showing, updated every second. An expired,
// revoked or suspended ID is covered by an unmistakable INVALID screen with the reason.

import { formatDate, formatDateTime, formatValidUntil, lang, t } from "./i18n.js";

let clockTimer = null;
let tiltListening = false;

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

export function universityName(claims) {
  const name = claims.university?.name;
  if (!name) return "";
  return typeof name === "string" ? name : name[lang] || name.pl || name.en || "";
}

function row(label, value, id) {
  return element("div", { class: "field" }, [
    element("dt", { text: label }),
    element("dd", { text: value ?? "—", id }),
  ]);
}

function reasonText(status, claims) {
  if (status === "expired") return t("reason_expired", { date: formatValidUntil(claims.exp) });
  if (status === "suspended") return t("reason_suspended");
  return t("reason_revoked");
}

function followTilt() {
  if (tiltListening) return;
  tiltListening = true;
  globalThis.addEventListener("deviceorientation", (event) => {
    const x = Math.max(-45, Math.min(45, event.gamma || 0));
    const y = Math.max(-45, Math.min(45, (event.beta || 0) - 45));
    document.documentElement.style.setProperty("--tilt-x", `${50 + x}%`);
    document.documentElement.style.setProperty("--tilt-y", `${50 + y}%`);
  });
}

/** Draw `record` into `container` with its `status` (`valid`, `expired`, `revoked`, `suspended`). */
export function render(container, record, status) {
  const { claims } = record;
  const valid = status === "valid";
  const picture = element("img", {
    class: "photo",
    src: claims.picture || "",
    alt: t("picture"),
  });
  const card = element("article", { class: `id-card ${valid ? "valid" : "invalid"}`, "aria-labelledby": "card-title" }, [
    element("div", { class: "flag", "aria-hidden": "true" }),
    element("div", { class: "hologram", "aria-hidden": "true" }),
    element("h1", { id: "card-title", text: t("card_title") }),
    element("p", { class: "card-university", text: universityName(claims) }),
    element("div", { class: "card-body" }, [
      picture,
      element("dl", {}, [
        row(t("given_name"), claims.given_name, "card-given-name"),
        row(t("family_name"), claims.family_name, "card-family-name"),
        row(t("birthdate"), formatDate(claims.birthdate), "card-birthdate"),
        row(t("pesel"), claims.personal_administrative_number, "card-pesel"),
        row(t("album"), claims.student_id, "card-album"),
        row(t("issuance_date"), formatDate(claims.issuance_date), "card-issued"),
        row(t("valid_until"), formatValidUntil(claims.exp), "card-valid-until"),
      ]),
    ]),
    element("div", { class: "shown-at" }, [
      element("span", { text: t("shown_at") }),
      element("time", { id: "clock", class: "clock" }),
    ]),
  ]);
  if (!valid) {
    card.append(element("div", { class: "invalid-banner", role: "alert", id: "invalid" }, [
      element("strong", { text: t("invalid") }),
      element("span", { id: "invalid-reason", text: reasonText(status, claims) }),
    ]));
  } else {
    card.append(element("p", { class: "valid-badge", id: "valid", text: t("valid") }));
  }
  container.replaceChildren(card);
  startClock();
  followTilt();
}

export function startClock() {
  const tick = () => {
    const clock = document.getElementById("clock");
    if (!clock) return;
    const current = new Date();
    clock.dateTime = current.toISOString();
    clock.textContent = formatDateTime(current);
  };
  clearInterval(clockTimer);
  tick();
  clockTimer = setInterval(tick, 1000);
}

/** A small tile of the ID for the document list. */
export function tile(record, status) {
  return element("button", { type: "button", class: `tile ${status === "valid" ? "valid" : "invalid"}`, id: "open-card" }, [
    element("strong", { text: t("student_id") }),
    element("span", { text: `${record.claims.given_name ?? ""} ${record.claims.family_name ?? ""}` }),
    element("span", { text: universityName(record.claims) }),
    element("span", { text: status === "valid" ? `${t("valid_until")} ${formatValidUntil(record.claims.exp)}` : t("invalid") }),
  ]);
}
