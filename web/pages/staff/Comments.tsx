// A youth's comments (issue 15): every comment in one list, newest first, with item, date and value, an
// item filter (a plain GET form) and per comment its codes with plain forms to assign and remove them.
// The panel beside her trends on the youth page shows her counts per code. For researchers only (the
// routes refuse everyone else); no script, every post carries the CSRF token. Stable ids: #comment-counts,
// #comment-filter, #comments, li[data-response], .tag[data-code].
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { t, type Lang } from "../../../core/i18n/messages";

export type CommentView = {
  responseId: number;
  instrument: string;
  item: string;
  value: number | null;
  notApplicable: boolean;
  comment: string;
  date: string;
  kind: "frequent" | "wave";
  wave: string | null;
  codes: { id: number; label: string }[];
};
export type YouthCodeCount = { id: number; label: string; tags: number };
type Pilot = { key: string; name: string };

const youthPath = (pilotKey: string, code: string) => `/staff/pilots/${pilotKey}/youths/${encodeURIComponent(code)}`;
const valueText = (c: Pick<CommentView, "value" | "notApplicable">, lang: Lang) =>
  c.notApplicable ? t("youth.notApplicable", lang) : c.value === null ? "–" : String(c.value);

function Counts({ counts, lang }: { counts: YouthCodeCount[]; lang: Lang }) {
  if (counts.length === 0) return <p id="no-code-counts">{t("staff.comments.noCounts", lang)}</p>;
  return (
    <table id="comment-counts">
      <thead>
        <tr>
          <th scope="col">{t("staff.codes.code", lang)}</th>
          <th scope="col">{t("staff.codes.tags", lang)}</th>
        </tr>
      </thead>
      <tbody>
        {counts.map((c) => (
          <tr data-code={c.id}>
            <td>{c.label}</td>
            <td>{c.tags}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Beside her trends on the youth page: how many comments she has, her counts per code, the way to the full list. */
export function CommentsPanel({
  pilotKey,
  code,
  comments,
  counts,
  lang = "nl",
}: {
  pilotKey: string;
  code: string;
  comments: number;
  counts: YouthCodeCount[];
  lang?: Lang;
}) {
  return (
    <section id="comments-panel">
      <h2>{t("staff.comments.panel", lang)}</h2>
      <p>
        {t("staff.comments.total", lang)}: <span id="comments-total">{comments}</span> ·{" "}
        <a href={`${youthPath(pilotKey, code)}/comments`} id="comments-link">
          {t("staff.comments.open", lang)}
        </a>
      </p>
      <Counts counts={counts} lang={lang} />
    </section>
  );
}

export function YouthCommentsPage({
  user,
  pilot,
  code,
  comments,
  items,
  item,
  counts,
  codes,
  notice,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: Pilot;
  code: string;
  comments: CommentView[];
  /** every item she commented on ("instrument.item"), for the filter */
  items: string[];
  item?: string;
  counts: YouthCodeCount[];
  /** the pilot's codebook */
  codes: { id: number; label: string }[];
  notice?: "tagged" | "untagged";
  lang?: Lang;
}) {
  const base = youthPath(pilot.key, code);
  const back = item ? `?item=${encodeURIComponent(item)}` : "";
  return (
    <StaffLayout lang={lang} title={t("staff.comments.title", lang).replace("{code}", code)} user={user}>
      <p>
        <a href={base} id="back-to-youth">
          {code}
        </a>{" "}
        ·{" "}
        <a href={`/staff/pilots/${pilot.key}/codebook`} id="codebook-link">
          {t("staff.codes.link", lang)}
        </a>
      </p>
      <h1 id="comments-title">{t("staff.comments.title", lang).replace("{code}", code)}</h1>
      {notice && (
        <p class="notice" id="comments-notice" role="status">
          {t(notice === "tagged" ? "staff.comments.tagged" : "staff.comments.untagged", lang)}
        </p>
      )}
      <h2>{t("staff.comments.counts", lang)}</h2>
      <Counts counts={counts} lang={lang} />
      <form method="get" action={`${base}/comments`} class="filters" id="comment-filter">
        <label for="item">{t("staff.comments.item", lang)}</label>{" "}
        <select id="item" name="item">
          <option value="">{t("staff.comments.allItems", lang)}</option>
          {items.map((i) => (
            <option value={i} selected={i === item}>
              {i}
            </option>
          ))}
        </select>{" "}
        <button type="submit" id="filter-submit">
          {t("staff.comments.filter", lang)}
        </button>
      </form>
      {codes.length === 0 && (
        <p id="no-codebook">
          <a href={`/staff/pilots/${pilot.key}/codebook`}>{t("staff.comments.noCodebook", lang)}</a>
        </p>
      )}
      {comments.length === 0 ? (
        <p id="no-comments">{t("staff.comments.none", lang)}</p>
      ) : (
        <ol class="timeline" id="comments">
          {comments.map((c) => {
            const free = codes.filter((k) => !c.codes.some((x) => x.id === k.id));
            const action = `${base}/comments/${c.responseId}/tags${back}`;
            const occasion =
              c.kind === "wave" ? `${t("staff.youth.wave", lang)} ${c.wave ?? ""}` : t("staff.youth.frequent", lang);
            return (
              <li id={`c${c.responseId}`} data-response={c.responseId} data-item={`${c.instrument}.${c.item}`}>
                <strong>{c.date}</strong> · {occasion} ·{" "}
                <span class="item">
                  {c.instrument}.{c.item}
                </span>
                : <span class="value">{valueText(c, lang)}</span>
                <p class="comment">“{c.comment}”</p>
                <div class="tags">
                  {t("staff.comments.codes", lang)}: {c.codes.length === 0 && <span class="muted">–</span>}
                  {c.codes.map((k) => (
                    <form method="post" action={action} class="tag" data-code={k.id}>
                      <CsrfField token={user?.csrf} />
                      <input type="hidden" name="code" value={String(k.id)} />
                      <input type="hidden" name="op" value="remove" />
                      <span>{k.label}</span>{" "}
                      <button
                        type="submit"
                        class="link"
                        aria-label={`${k.label}: ${t("staff.comments.removeCode", lang)}`}
                      >
                        {t("staff.comments.removeCode", lang)}
                      </button>
                    </form>
                  ))}
                </div>
                {free.length > 0 && (
                  <form method="post" action={action} class="tag-add">
                    <CsrfField token={user?.csrf} />
                    <input type="hidden" name="op" value="add" />
                    <label for={`code-${c.responseId}`}>{t("staff.comments.addCode", lang)}</label>{" "}
                    <select id={`code-${c.responseId}`} name="code">
                      {free.map((k) => (
                        <option value={String(k.id)}>{k.label}</option>
                      ))}
                    </select>{" "}
                    <button type="submit">{t("staff.comments.addCode", lang)}</button>
                  </form>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </StaffLayout>
  );
}
