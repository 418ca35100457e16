// The verdict of a verification, shown as templates/verifier/_result.html shows it, and wiped
// from the page when the retention time ends. The texts come from the page (data-strings).

const WARSAW = "Europe/Warsaw";

// The server's clock as this page knows it: times are compared with the server's, never with
// the phone's own clock (which may be wrong).
export class ServerClock {
  constructor(serverNow) {
    const at = Date.parse(serverNow);
    this.skew = Number.isNaN(at) ? 0 : at - Date.now();
  }

  now() {
    return Date.now() + this.skew;
  }
}

export function readStrings(element) {
  try {
    return JSON.parse(element.dataset.strings || "{}");
  } catch {
    return {};
  }
}

export function fill(template, name, value) {
  return (template || "").replace(`{${name}}`, value);
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function localDate(iso, locale) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(day);
}

export function localDateTime(moment, locale) {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone: WARSAW,
  }).format(new Date(moment));
}

function university(value, locale) {
  if (value && typeof value === "object") {
    const names = value.name;
    if (names && typeof names === "object") return String(names[locale] || names.en || names.pl || "");
    return String(value.id || "");
  }
  return String(value);
}

// The shown data as [label, text] rows, in the order of verifier/pages.py FACT_LABELS.
export function facts(claims, strings, locale) {
  const values = {};
  const name = ["given_name", "family_name"].filter((k) => claims[k]).map((k) => String(claims[k]));
  if (name.length) values.name = name.join(" ");
  for (const key of ["birthdate", "issuance_date"]) {
    if (typeof claims[key] === "string") values[key] = localDate(claims[key], locale);
  }
  for (const key of ["personal_administrative_number", "student_id"]) {
    if (claims[key] !== undefined && claims[key] !== null) values[key] = String(claims[key]);
  }
  if (claims.university !== undefined && claims.university !== null) {
    values.university = university(claims.university, locale);
  }
  if (Number.isInteger(claims.exp)) {
    // exp is the midnight after the last day of validity, Warsaw time.
    values.exp = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: WARSAW }).format(
      new Date((claims.exp - 1) * 1000),
    );
  }
  if (typeof claims.age_under_26 === "boolean") values.age_under_26 = claims.age_under_26 ? strings.yes : strings.no;
  const order = [
    "name", "birthdate", "personal_administrative_number", "student_id", "university",
    "issuance_date", "exp", "age_under_26",
  ];
  return order.filter((key) => key in values).map((key) => [strings[`fact_${key}`], values[key]]);
}

function picture(claims) {
  const value = claims && claims.picture;
  return typeof value === "string" && value.startsWith("data:image/jpeg;base64,") ? value : null;
}

// Shows ``result`` ({verdict, reasons, claims}) in ``section`` (the [data-result] element):
// the verdict in its live region (announced), the data and the time of verification below.
// ``decidedAt`` and ``claimsUntil`` are times in ms; ``extra`` is a line added under the data.
export function showResult(section, result, { strings, locale, photoUrl, decidedAt, claimsUntil, extra }) {
  const live = section.querySelector(".verdict-live");
  const body = section.querySelector(".verdict-body");
  const verdict = result.verdict;
  const banner = element("div", { class: `verdict verdict-${verdict}` });
  const word = element("p", { class: "verdict-word" });
  word.append(element("span", { class: "verdict-mark", "aria-hidden": "true" }, verdict === "valid" ? "✓" : "✗"));
  word.append(` ${strings[`verdict_${verdict}`] || verdict}`);
  banner.append(word);
  if (result.reasons && result.reasons.length) {
    const list = element("ul", { class: "reasons" });
    for (const reason of result.reasons) list.append(element("li", { "data-code": reason.code }, reason.label));
    banner.append(list);
  }
  body.replaceChildren();
  const claims = result.claims || null;
  const rows = claims ? facts(claims, strings, locale) : [];
  const photo = picture(claims);
  if (rows.length || photo) {
    const data = element("div", { class: "verdict-data" });
    if (photo) {
      const link = element("a", { class: "photo-link", href: photoUrl || photo });
      link.append(element("img", { class: "verdict-photo", src: photo, alt: strings.photo, width: "140", height: "180" }));
      link.append(element("span", { class: "photo-hint" }, strings.enlarge));
      data.append(link);
    }
    const list = element("dl", { class: "facts" });
    for (const [label, value] of rows) list.append(element("dt", {}, label), element("dd", {}, value));
    data.append(list);
    if (claimsUntil) {
      data.append(element("p", { class: "kept-until muted" }, fill(strings.kept_until, "time", localDateTime(claimsUntil, locale))));
    }
    body.append(data);
  }
  if (extra) body.append(element("p", { class: "status-age muted" }, extra));
  if (decidedAt) body.append(element("p", { class: "verified-at" }, fill(strings.verified_at, "time", localDateTime(decidedAt, locale))));
  live.replaceChildren(banner);
  enlargeOnTap(section);
}

// The data disappear at ``until`` (ms, server time): the verdict stays, the page says why.
export function wipeAt(section, until, clock, strings) {
  const wipe = () => {
    const data = section.querySelector(".verdict-data");
    const dialog = document.querySelector(".photo-dialog");
    if (dialog && dialog.open) dialog.close();
    if (dialog) dialog.querySelector("img").removeAttribute("src");
    if (!data) return;
    data.replaceWith(element("p", { class: "wiped alert alert-info" }, strings.wiped));
  };
  const delay = until - clock.now();
  if (delay <= 0) wipe();
  else return window.setTimeout(wipe, Math.min(delay, 2 ** 31 - 1));
  return null;
}

// A tap on the photo opens it large in the page's <dialog>; without one the link opens it.
export function enlargeOnTap(section) {
  const dialog = document.querySelector(".photo-dialog");
  const link = section.querySelector(".photo-link");
  if (!dialog || !link || typeof dialog.showModal !== "function" || link.dataset.bound) return;
  link.dataset.bound = "1";
  link.addEventListener("click", (event) => {
    event.preventDefault();
    dialog.querySelector("img").src = link.querySelector("img").src;
    dialog.showModal();
  });
  if (dialog.dataset.bound) return;
  dialog.dataset.bound = "1";
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a tap outside the photo closes it
  });
}
