// The wallet's screens and how the student moves between them.

import * as card from "./card.js";
import { apply, formatDateTime, formatValidUntil, has, lang, setLang, t } from "./i18n.js";
import * as issuance from "./issuance.js";
import * as offline from "./offline.js";
import * as pin from "./pin.js";
import * as presentation from "./presentation.js";
import { Scanner } from "./scanner.js";
import * as status from "./status.js";
import * as store from "./store.js";

const $ = (id) => document.getElementById(id);

const state = {
  unlocked: false,
  offerText: null, // from a wallet link (?credential_offer_uri=…) or the scanner
  offer: null,
  opened: null, // the verifier request the consent screen shows
  scanner: null,
  offlineTimer: null,
  lastActivity: Date.now(),
  screen: "loading",
};

// -- screens and messages ----------------------------------------------------------------------

function show(name, { keepAlert = false } = {}) {
  stopCamera();
  if (name !== "offline") clearInterval(state.offlineTimer);
  if (!keepAlert) alert(null);
  for (const section of document.querySelectorAll("main > .screen")) {
    section.hidden = section.id !== `screen-${name}`;
  }
  state.screen = name;
  const heading = $(`screen-${name}`).querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: false });
  }
}

function alert(message, kind = "error") {
  const box = $("alert");
  box.hidden = !message;
  box.textContent = message || "";
  box.className = `alert ${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
}

function explain(error) {
  const code = error?.code || "unknown";
  if (has(`err_${code}`)) return t(`err_${code}`);
  if (error?.serverMessage) return error.serverMessage;
  console.error(error); // a fault of the wallet itself; never personal data
  return t("err_unknown", { code });
}

function working(text) {
  show("working");
  $("working-text").textContent = text;
}

// -- locking -------------------------------------------------------------------------------

function lock() {
  state.unlocked = false;
  show("lock");
  $("pin").value = "";
}

function touch() {
  state.lastActivity = Date.now();
}

function watchInactivity() {
  for (const event of ["pointerdown", "keydown", "touchstart"]) {
    document.addEventListener(event, touch, { passive: true });
  }
  setInterval(() => {
    if (state.unlocked && Date.now() - state.lastActivity > pin.LOCK_AFTER_MS) lock();
  }, 1000);
}

async function unlocked() {
  state.unlocked = true;
  touch();
  if (state.offerText) {
    show("terms");
    return;
  }
  await home();
}

// -- documents -----------------------------------------------------------------------------

async function home(message) {
  const record = await store.get("credential");
  const holder = $("home-card");
  if (record) {
    const value = currentStatus(record);
    holder.replaceChildren(card.tile(record, value));
    $("open-card").addEventListener("click", () => openCard());
  } else {
    const empty = document.createElement("p");
    empty.textContent = t("no_documents");
    holder.replaceChildren(empty);
  }
  show("home");
  if (message) alert(message, "success");
}

function currentStatus(record) {
  if (record.claims.exp && record.claims.exp * 1000 < Date.now()) return "expired";
  return record.status?.value || "valid";
}

function describeUpdate(record, online) {
  const updated = t("updated_at", { time: formatDateTime(record.updatedAt) });
  const checkedAt = formatDateTime(record.status?.checkedAt || record.updatedAt);
  const checked = online ? t("status_checked", { time: checkedAt }) : t("status_not_checked", { time: checkedAt });
  return `${updated}. ${checked}.`;
}

async function openCard(message) {
  const record = await store.get("credential");
  if (!record) return home();
  card.render($("card"), record, currentStatus(record));
  $("card-updated").textContent = describeUpdate(record, navigator.onLine);
  show("card");
  if (message) alert(message, "success");
  const checked = await status.check(record).catch(() => ({ ...(record.status || {}), online: false }));
  const latest = await store.get("credential");
  if (!latest || latest.credential !== record.credential || state.screen !== "card") return;
  if (checked.online) {
    latest.status = { value: checked.value, checkedAt: checked.checkedAt };
    await store.put("credential", latest);
  }
  card.render($("card"), latest, currentStatus(latest));
  $("card-updated").textContent = describeUpdate(latest, checked.online);
}

// -- activation ----------------------------------------------------------------------------

async function offerScanned(text) {
  working(t("loading"));
  try {
    state.offer = await issuance.resolveOffer(text);
    state.offerText = text;
  } catch (error) {
    state.offerText = null;
    show("scan-offer", { keepAlert: true });
    alert(explain(error));
    return;
  }
  const txCode = state.offer.grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].tx_code;
  const input = $("activation-code");
  input.value = "";
  input.maxLength = txCode?.length || 8;
  show("code");
}

async function activate(code) {
  working(t("activating"));
  try {
    const record = await issuance.activate(state.offerText, code);
    state.offerText = null;
    state.offer = null;
    await openCard(t("activated", { date: formatValidUntil(record.claims.exp) }));
  } catch (error) {
    show("code", { keepAlert: true });
    alert(explain(error));
  }
}

// -- renewal -------------------------------------------------------------------------------

async function refresh() {
  const record = await store.get("credential");
  const key = await store.get("device-key");
  working(t("refreshing"));
  try {
    const { record: renewed, extended } = await issuance.renew(record, key);
    const date = formatValidUntil(renewed.claims.exp);
    await openCard(t(extended ? "renewed" : "not_renewed", { date }));
  } catch (error) {
    await openCard();
    alert(explain(error));
  }
}

// -- sharing -------------------------------------------------------------------------------

async function requestScanned(text) {
  working(t("connecting"));
  try {
    state.opened = await presentation.open(text, await store.get("credential"));
  } catch (error) {
    show("share-scan", { keepAlert: true });
    alert(explain(error));
    return;
  }
  $("consent-who").textContent = state.opened.who;
  $("consent-host").textContent = state.opened.host;
  const list = $("consent-claims");
  list.replaceChildren(...state.opened.names.map((name) => {
    const item = document.createElement("li");
    item.textContent = has(`claim_${name}`) ? t(`claim_${name}`) : name;
    return item;
  }));
  const expiry = document.createElement("li");
  expiry.textContent = t("claim_expiry");
  list.append(expiry);
  show("consent");
}

async function answerRequest(agree) {
  const opened = state.opened;
  state.opened = null;
  working(t("sharing"));
  try {
    const answer = agree
      ? await presentation.share(opened, await store.get("credential"), await store.get("device-key"))
      : await presentation.decline(opened);
    $("share-result-title").textContent = t(agree ? "shared_title" : "declined_title");
    $("share-result-text").textContent = t(agree ? "shared_text" : "declined_text");
    show("share-result");
    if (answer?.redirect_uri) globalThis.location.assign(answer.redirect_uri);
  } catch (error) {
    await openCard();
    alert(explain(error));
  }
}

// -- offline QR ----------------------------------------------------------------------------

async function showOffline() {
  const record = await store.get("credential");
  const key = await store.get("device-key");
  const draw = async () => {
    const bytes = await offline.payload(record, key);
    offline.draw($("offline-qr"), bytes);
    $("offline-qr").setAttribute("aria-label", t("offline_title"));
    $("offline-time").textContent = t("offline_time", { time: formatDateTime(new Date()) });
  };
  show("offline");
  await draw();
  state.offlineTimer = setInterval(draw, offline.REFRESH_SECONDS * 1000);
}

// -- camera --------------------------------------------------------------------------------

function startCamera(videoId, boxId, onText) {
  stopCamera();
  $(boxId).hidden = false;
  state.scanner = new Scanner($(videoId), onText);
  state.scanner.start().catch((error) => {
    $(boxId).hidden = true;
    state.scanner = null;
    alert(t("camera_denied", { reason: error?.name || "error" }));
  });
}

function stopCamera() {
  state.scanner?.stop();
  state.scanner = null;
  for (const id of ["offer-camera", "share-camera"]) $(id).hidden = true;
}

// -- wiring --------------------------------------------------------------------------------

function on(id, event, handler) {
  $(id).addEventListener(event, (e) => {
    if (event === "submit") e.preventDefault();
    handler(e);
  });
}

function wire() {
  on("lang-switch", "click", async () => {
    setLang(lang === "pl" ? "en" : "pl");
    if (state.screen === "card") await openCard();
    if (state.screen === "home") await home();
  });
  for (const button of document.querySelectorAll("[data-go]")) {
    button.addEventListener("click", () => (button.dataset.go === "card" ? openCard() : home()));
  }
  on("setup-pin-form", "submit", async () => {
    const value = $("new-pin").value;
    if (!pin.valid(value)) return alert(t("pin_invalid"));
    if (value !== $("new-pin-again").value) return alert(t("pin_mismatch"));
    await pin.set(value);
    await unlocked();
  });
  on("unlock-form", "submit", async () => {
    const result = await pin.check($("pin").value);
    $("pin").value = "";
    if (result.ok) return unlocked();
    alert(result.wait ? t("pin_wait", { seconds: result.wait }) : t("pin_wrong", { left: result.left }));
  });
  on("add-document", "click", () => show("add"));
  on("choose-student-id", "click", () => show("terms"));
  on("terms-form", "submit", () => {
    if (!$("accept-terms").checked) return alert(t("accept_required"));
    if (state.offerText) return offerScanned(state.offerText);
    $("offer-text").value = "";
    show("scan-offer");
  });
  on("offer-camera-start", "click", () => startCamera("offer-video", "offer-camera", offerScanned));
  on("offer-form", "submit", () => {
    const text = $("offer-text").value.trim();
    if (!text) return alert(t("offer_empty"));
    offerScanned(text);
  });
  on("code-form", "submit", () => {
    const code = $("activation-code").value.trim();
    if (!/^[0-9]+$/.test(code) || code.length !== $("activation-code").maxLength) {
      return alert(t("activation_code_invalid"));
    }
    activate(code);
  });
  on("share", "click", () => {
    $("share-code").value = "";
    show("share-scan");
  });
  on("share-camera-start", "click", () => startCamera("share-video", "share-camera", requestScanned));
  on("share-form", "submit", () => {
    const text = $("share-code").value.trim();
    if (!/^\d{6}$/.test(text) && !text.startsWith("openid4vp:")) return alert(t("share_code_invalid"));
    requestScanned(text);
  });
  on("consent-share", "click", () => answerRequest(true));
  on("consent-decline", "click", () => answerRequest(false));
  on("show-offline", "click", showOffline);
  on("refresh", "click", refresh);
  on("remove", "click", () => show("remove"));
  on("remove-confirm", "click", async () => {
    await store.putAll({ credential: undefined, "device-key": undefined });
    await home(t("removed"));
  });
  const connection = () => {
    $("connection").hidden = navigator.onLine;
    $("connection").textContent = navigator.onLine ? "" : t("offline_notice");
  };
  globalThis.addEventListener("online", connection);
  globalThis.addEventListener("offline", connection);
  connection();
}

async function start() {
  apply();
  if (!globalThis.isSecureContext || !globalThis.crypto?.subtle || !globalThis.indexedDB) {
    show("unsupported");
    return;
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/wallet/sw.js", { scope: "/wallet/" }).catch(() => {});
  }
  const params = new URLSearchParams(globalThis.location.search);
  if (params.has("credential_offer_uri") || params.has("credential_offer")) {
    state.offerText = globalThis.location.href;
    globalThis.history.replaceState(null, "", "/wallet/");
  }
  wire();
  watchInactivity();
  if (await pin.isSet()) lock();
  else show("setup-pin");
}

start();
