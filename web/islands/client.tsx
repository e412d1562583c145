import { hydrate } from "preact";
import { SliderField } from "./SliderField";

// Islands by name; keep props serialisable (they are read back from data-props).
const islands: Record<string, (p: any) => any> = { SliderField };

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const C = islands[el.dataset.island ?? ""];
  if (C) hydrate(<C {...JSON.parse(el.dataset.props ?? "{}")} />, el);
}

// Quick exit: replace this page in history so "back" does not return to it. Esc twice does the same.
const exit = document.getElementById("quick-exit") as HTMLAnchorElement | null;
if (exit) {
  const leave = (e?: Event) => {
    e?.preventDefault();
    document.body.innerHTML = "";
    location.replace(exit.dataset.exit ?? "about:blank");
  };
  exit.addEventListener("click", leave);
  let lastEsc = 0;
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    if (Date.now() - lastEsc < 800) leave();
    lastEsc = Date.now();
  });
}

// Lets tests (and progressive-enhancement CSS) know the islands are live.
document.documentElement.dataset.hydrated = "1";
