import { hydrate, render } from "preact";
import { SliderField } from "./SliderField";

// Islands by name; keep props serialisable (they are read back from data-props).
// biome-ignore lint/suspicious/noExplicitAny: each island has its own props, parsed from JSON below
const islands: Record<string, (p: any) => any> = { SliderField };

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const name = el.dataset.island ?? "";
  const C = islands[name];
  if (!C) continue;
  const props = JSON.parse(el.dataset.props ?? "{}");
  if (name === "SliderField") {
    // The server sent a 0–10 radio group (works without JavaScript); the slider replaces it and keeps
    // whatever was chosen before the script arrived.
    const chosen = el.querySelector<HTMLInputElement>("input[type=radio]:checked");
    props.value = chosen ? Number(chosen.value) : null;
    const na = el.querySelector<HTMLInputElement>("input[type=checkbox]");
    if (props.notApplicable && na) props.notApplicable.checked = na.checked;
    el.textContent = "";
    render(<C {...props} />, el);
  } else hydrate(<C {...props} />, el);
}

// Background saves of the page she is on (worker/survey/routes.tsx, POST …/draft): debounced while she
// answers, at once when the page is hidden or left. `seq` orders this window's saves; the server keeps
// the newest save of each page, so a late or replayed one never overwrites newer answers.
const form = document.querySelector<HTMLFormElement>("form[data-draft]");
const seqField = form?.elements.namedItem("seq") as HTMLInputElement | null;
if (form && seqField) {
  let seq = Number(seqField.value) || 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  let sent = false;
  let failures = 0;
  // A save that failed for a moment (503 with Retry-After, a 5xx, no network) keeps the page unsaved and is
  // tried again after the server's Retry-After (5 s without one, at most 60 s), up to 10 times in a row;
  // her next change starts over. A refusal (4xx: the questionnaire closed or was sent) is final.
  const retry = (res?: Response) => {
    if (sent || dirty || ++failures > 10) return;
    dirty = true;
    const wait = Math.min(60, Math.max(1, Number(res?.headers.get("Retry-After")) || 5));
    clearTimeout(timer);
    timer = setTimeout(save, wait * 1000);
  };
  const save = () => {
    clearTimeout(timer);
    if (!dirty || sent) return;
    dirty = false;
    seqField.value = String(++seq);
    const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
    fetch(form.dataset.draft!, { method: "POST", body, keepalive: true, credentials: "omit" }).then(
      (res) => (res.status >= 500 ? retry(res) : (failures = 0)),
      () => retry(),
    );
  };
  const later = () => {
    dirty = true;
    failures = 0;
    clearTimeout(timer);
    timer = setTimeout(save, 1000);
  };
  for (const ev of ["input", "change", "pointerup", "keyup"]) form.addEventListener(ev, later);
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    dirty = false;
    sent = true;
    seqField.value = String(++seq);
  });
  addEventListener("pagehide", save);
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && save());
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
