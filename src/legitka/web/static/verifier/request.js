// The request page: counts down to the request's expiry, waits for the student's answer by
// long-polling the status URL (?wait=), then shows the verdict without reloading and wipes the
// data when their retention ends. Without this script the page's "Check now" link reloads it.

import { ServerClock, fill, readStrings, showResult, wipeAt, enlargeOnTap } from "./verdict.js";

const root = document.querySelector("[data-verification]");

function minutesSeconds(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

if (root) {
  const strings = readStrings(root);
  const clock = new ServerClock(root.dataset.serverNow);
  const locale = root.dataset.locale || document.documentElement.lang;
  const section = root.querySelector("[data-result]");
  const invitation = root.querySelector("[data-invitation]");
  const countdown = root.querySelector("[data-countdown]");
  const expiresAt = Date.parse(root.dataset.expiresAt);
  let ticker = null;

  enlargeOnTap(section);
  if (root.dataset.claimsUntil) wipeAt(section, Date.parse(root.dataset.claimsUntil), clock, strings);

  const tick = () => {
    const left = expiresAt - clock.now();
    if (!countdown) return;
    countdown.textContent = left > 0 ? fill(strings.time_left, "time", minutesSeconds(left)) : strings.request_over;
    if (left <= 0 && invitation) invitation.querySelector(".activation")?.setAttribute("hidden", "");
  };

  const finish = (body) => {
    window.clearInterval(ticker);
    invitation?.remove();
    root.dataset.state = body.state;
    const result = body.result;
    const until = result.claims && result.claims_until ? Date.parse(result.claims_until) : null;
    showResult(section, result, {
      strings,
      locale,
      photoUrl: root.dataset.photoUrl,
      decidedAt: result.decided_at ? Date.parse(result.decided_at) : clock.now(),
      claimsUntil: until,
    });
    if (until) wipeAt(section, until, clock, strings);
  };

  const follow = async () => {
    const url = new URL(root.dataset.statusUrl, window.location.href);
    url.searchParams.set("wait", root.dataset.wait || "25");
    url.searchParams.set("lang", locale);
    for (;;) {
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          cache: "no-store",
          referrerPolicy: "no-referrer",
        });
        if (response.ok) {
          const body = await response.json();
          if (body.state !== "pending" && body.result) {
            finish(body);
            return;
          }
          continue;
        }
        if (response.status === 404) return; // the request is gone: the page's link starts anew
      } catch {
        // Offline for a moment: try again shortly.
      }
      await new Promise((resolve) => window.setTimeout(resolve, 3000));
    }
  };

  if (root.dataset.state === "pending") {
    tick();
    ticker = window.setInterval(tick, 1000);
    follow();
  }
}
