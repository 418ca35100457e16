// Follows an order that is being prepared and reloads the page when its status changes,
// so the student sees the QR code and activation code without reloading by hand.
const block = document.querySelector("[data-order-status]");
const waiting = new Set(["pending", "processing"]);

if (block && waiting.has(block.dataset.orderStatus)) {
  const url = block.dataset.statusUrl;
  const label = block.querySelector(".order-status");
  const started = Date.now();
  const follow = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) {
        const body = await response.json();
        if (body.status && body.status !== block.dataset.orderStatus) {
          if (label && body.status_label) label.textContent = body.status_label;
          // Reload without the one-off message of the action that led here (?done=…).
          const url = new URL(window.location.href);
          url.searchParams.delete("done");
          window.location.replace(url.toString());
          return;
        }
      }
    } catch (error) {
      // Offline for a moment: try again on the next tick.
    }
    const delay = Date.now() - started < 60000 ? 1500 : 10000;
    window.setTimeout(follow, delay);
  };
  window.setTimeout(follow, 1000);
}
