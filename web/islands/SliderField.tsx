import { useState } from "preact/hooks";

export type SliderFieldProps = {
  name: string;
  label: string;
  low: string;
  high: string;
  emptyText: string;
  value: number | null;
  notApplicable?: { name: string; label: string; checked: boolean };
};

/**
 * A 0–10 slider that starts WITHOUT a value: an untouched slider is no answer, never 0 or 5
 * (DESIGN.md §2.1). The value travels in a hidden input that stays empty until the slider is touched.
 */
export function SliderField({ name, label, low, high, emptyText, value: initial, notApplicable }: SliderFieldProps) {
  const [value, setValue] = useState<number | null>(initial);
  const [na, setNa] = useState(notApplicable?.checked ?? false);
  const id = `f-${name.replace(/[^a-z0-9]/gi, "-")}`;
  const set = (v: string) => {
    setValue(Number(v));
    setNa(false);
  };
  return (
    <div class={`slider ${value === null || na ? "empty" : "set"}`}>
      <label for={id} class="q-label">
        {label}
      </label>
      <div class="slider-row">
        <input
          id={id}
          type="range"
          min={0}
          max={10}
          step={1}
          value={value ?? 5}
          disabled={na}
          aria-valuetext={value === null || na ? emptyText : String(value)}
          onInput={(e) => set(e.currentTarget.value)}
          // A tap exactly on the initial position fires no input event; count it as an answer.
          onPointerUp={(e) => set(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (value === null && (e.key === "Enter" || e.key === " ")) set(e.currentTarget.value);
          }}
        />
        <output for={id} aria-live="polite">
          {value === null || na ? "–" : value}
        </output>
      </div>
      <div class="anchors" aria-hidden="true">
        <span>0 · {low}</span>
        <span>{high} · 10</span>
      </div>
      <input type="hidden" name={name} value={value === null || na ? "" : String(value)} />
      {notApplicable && (
        <label class="na">
          <input
            type="checkbox"
            name={notApplicable.name}
            value="1"
            checked={na}
            onChange={(e) => setNa(e.currentTarget.checked)}
          />{" "}
          {notApplicable.label}
        </label>
      )}
    </div>
  );
}
