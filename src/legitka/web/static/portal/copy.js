// A "Copy" button for text the student needs elsewhere (the individual account number).
// Without JavaScript, or where the Clipboard API is unavailable, the button stays hidden and
// the number is ordinary selectable text.
//
// <button data-copy="text to copy" data-copy-status="id of a role=status element"
//         data-copied="message" data-copy-failed="message" hidden>

const buttons = document.querySelectorAll("button[data-copy]");

if (navigator.clipboard && window.isSecureContext) {
  for (const button of buttons) {
    const status = document.getElementById(button.dataset.copyStatus || "");
    const say = (message) => {
      if (status) status.textContent = message || "";
    };
    button.hidden = false;
    button.addEventListener("click", async () => {
      say("");
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        say(button.dataset.copied);
      } catch (error) {
        say(button.dataset.copyFailed);
      }
    });
  }
}
