import type { SliderFieldProps } from "../islands/SliderField";

/**
 * The server's rendering of a 0–10 item: a group of radio buttons that starts with none chosen, so it
 * posts as plain HTML and an untouched item sends nothing (no answer, never 0 or 5). With JavaScript the
 * island replaces it by the slider (web/islands/client.tsx), keeping what was chosen.
 */
export function ScaleField({ name, label, low, high, value, notApplicable }: SliderFieldProps) {
  return (
    <fieldset class="scale">
      <legend class="q-label">{label}</legend>
      <div class="scale-row">
        {Array.from({ length: 11 }, (_, v) => (
          <label>
            <input type="radio" name={name} value={String(v)} checked={value === v} />
            <span>{v}</span>
          </label>
        ))}
      </div>
      <div class="anchors">
        <span>0 · {low}</span>
        <span>{high} · 10</span>
      </div>
      {notApplicable && (
        <label class="na">
          <input type="checkbox" name={notApplicable.name} value="1" checked={notApplicable.checked} />{" "}
          {notApplicable.label}
        </label>
      )}
    </fieldset>
  );
}
