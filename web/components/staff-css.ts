// Styles of the staff workspace. Inlined in a <style> whose SHA-256 is put in the page's CSP.
export const STAFF_CSS =
  `:root{color-scheme:light;--fg:#1d2330;--muted:#5b6473;` +
  `--accent:#2f6f73;--bg:#f7f7f5;--card:#fff;--line:#d9dde3}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe ` +
  `UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header.staff{display:flex;gap:1rem;align-items:center;justify-content:space-between;padding:.6rem ` +
  `1rem;background:#fff;border-bottom:1px solid var(--line)}
header.staff a{color:var(--accent)}header.staff form{margin:0}
main{max-width:72rem;margin:0 auto;padding:1rem}h1{font-size:1.3rem;margin:.5rem ` +
  `0}h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
table{border-collapse:collapse;background:#fff;width:100%;font-size:.9rem}th,td{border:1px ` +
  `solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eef1f4}.occ{display:inline-block;min-width:2.2em;text-align:center;border-radius:.3rem;padding:0 ` +
  `.2rem;margin:1px;font-size:.8rem}
.st-answered{background:#d6efd8}.st-open{background:#dbe9f7}.st-overdue{background:#fde2c8}` +
  `.st-missed{background:#f6d3d8}.st-cancelled,.st-planned{background:#eceff2;color:var(--muted)}
.filters a{margin-right:.75rem}.filters a[aria-current=page]{font-weight:700}
form.stack label{display:block;margin:.6rem 0 .2rem;font-weight:600}form.stack ` +
  `input,form.stack select{font:inherit;padding:.35rem;min-width:18rem}
button{font:inherit;font-weight:600;background:var(--accent);color:#fff;border:0;border-radius:.4rem;padding:.45rem ` +
  `1rem;cursor:pointer}
button.link{background:none;color:var(--accent);padding:0;font-weight:400;text-decoration:underline}
.notice{background:#e8f3ec;border-left:4px solid #2e7d32;padding:.6rem;border-radius:.3rem}
.error{background:#fde7e9;border-left:4px solid #b3261e;padding:.6rem;border-radius:.3rem}.muted{color:var(--muted)}
.timeline li{margin:.3rem 0}.comment{font-style:italic;color:#37474f}.plots{display:flex;flex-wrap:wrap;gap:1rem}
.plots figure{margin:0;background:#fff;border:1px solid var(--line);padding:.4rem}.plots figcaption{font-size:.85rem}
fieldset{border:1px solid var(--line);background:#fff;margin:.8rem 0;padding:.6rem}legend{font-weight:600}
.choices{display:inline-flex;gap:.8rem}.choices ` +
  `label{display:inline;font-weight:400;margin:0}form.stack .choices input{min-width:0}
.small{font-size:.85rem}.field-error{display:block;color:#b3261e;font-size:.9rem;margin-top:.2rem}form.stack ` +
  `input:disabled{background:#f1f3f5;color:var(--fg)}
form.stack input[type=checkbox]{min-width:0;margin-right:.4rem}form.stack ` +
  `label.check,form.stack .choices label{font-weight:400}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 ` +
  `0 0 0);white-space:nowrap;border:0}`;
