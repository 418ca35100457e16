// Follows a semester renewal job: long-polls its progress and updates the bar and the numbers
// without a reload; when the job ends the page is loaded again to show the report.
const block = document.querySelector("[data-renewal-progress]");

if (block && block.dataset.finished !== "true") {
  const url = block.dataset.progressUrl;
  const bar = block.querySelector("progress");
  let seen = Number(block.dataset.done);
  const show = (body) => {
    for (const field of block.querySelectorAll("[data-field]")) {
      const value = body[field.dataset.field];
      if (value !== undefined) field.textContent = String(value);
    }
    if (bar) {
      bar.value = body.percent;
      bar.textContent = `${body.percent} %`;
    }
  };
  const follow = async () => {
    let delay = 250;
    try {
      const response = await fetch(`${url}?wait=1&seen=${seen}`, {
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (response.ok) {
        const body = await response.json();
        show(body);
        seen = body.done;
        if (body.finished) {
          window.location.reload();
          return;
        }
      } else {
        delay = 5000;
      }
    } catch (error) {
      delay = 5000; // offline for a moment: try again
    }
    window.setTimeout(follow, delay);
  };
  follow();
}
