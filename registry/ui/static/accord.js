// Accord UI: copy buttons and the "/" shortcut. Pages work without it.
"use strict";

function announce(message) {
  const region = document.getElementById("announcer");
  if (region) {
    region.textContent = "";
    window.setTimeout(() => { region.textContent = message; }, 50);
  }
}

function copyWithSelection(text) {
  // Clipboard API needs a secure context (https or localhost); plain http elsewhere falls back to this.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  return copied;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return true;
  }
  return copyWithSelection(text);
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy-target], button[data-copy-text]");
  if (!button) {
    return;
  }
  const source = button.dataset.copyTarget ? document.getElementById(button.dataset.copyTarget) : null;
  const text = source ? source.textContent : button.dataset.copyText;
  let copied = false;
  try {
    copied = await copyText(text);
  } catch (error) {
    copied = copyWithSelection(text);
  }
  const label = button.textContent;
  button.textContent = copied ? "Copied" : "Copy failed";
  announce(copied ? "Copied to the clipboard" : "Could not copy to the clipboard");
  window.setTimeout(() => { button.textContent = label; }, 2000);
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (event.target.closest("input, textarea, select, [contenteditable]")) {
    return;
  }
  const search = document.querySelector("[data-search]");
  if (search) {
    event.preventDefault();
    search.focus();
    search.select();
  }
});
