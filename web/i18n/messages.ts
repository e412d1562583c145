// The one message catalogue: everything a youth or staff member reads, Dutch first, English second.
// Youth-facing texts are deliberately neutral (DESIGN.md §4): no organisation, no topic, nothing that
// tells a reader of her phone what this is about.

export type Lang = "nl" | "en";
export const LANGS: Lang[] = ["nl", "en"];

const catalogue = {
  // Youth pages
  "youth.title": { nl: "Vragenlijst", en: "Questionnaire" },
  "youth.intro": {
    nl: "Een paar korte vragen, ongeveer een minuut. Schuif het bolletje naar wat bij jou past. Een vraag overslaan mag.",
    en: "A few short questions, about one minute. Slide the dot to what fits you. You may skip a question.",
  },
  "youth.noValue": { nl: "nog niet ingevuld", en: "not answered yet" },
  "youth.notApplicable": { nl: "niet van toepassing", en: "not applicable" },
  "youth.comment": { nl: "Toelichting (mag leeg blijven)", en: "Comment (optional)" },
  "youth.yes": { nl: "Ja", en: "Yes" },
  "youth.no": { nl: "Nee", en: "No" },
  "youth.submit": { nl: "Versturen", en: "Send" },
  "youth.quickExit": { nl: "Snel weg", en: "Leave quickly" },
  "youth.quickExitHint": {
    nl: "Druk op 'Snel weg' of twee keer op Esc om deze pagina direct te verlaten.",
    en: "Press 'Leave quickly' or Esc twice to leave this page at once.",
  },
  "youth.thanks.title": { nl: "Dank je wel!", en: "Thank you!" },
  "youth.thanks.body": {
    nl: "Je antwoorden zijn goed aangekomen. Je kunt deze pagina nu sluiten.",
    en: "Your answers have arrived. You can close this page now.",
  },
  "youth.already.title": { nl: "Al ingevuld", en: "Already filled in" },
  "youth.already.body": {
    nl: "Deze vragenlijst is al ingevuld. Dank je wel! Je krijgt vanzelf een nieuwe link als het weer tijd is.",
    en: "This questionnaire has already been filled in. Thank you! You will get a new link when it is time again.",
  },
  "youth.invalid.title": { nl: "Deze link werkt niet (meer)", en: "This link does not work (any more)" },
  "youth.invalid.body": {
    nl: "De link is verlopen of niet juist. Je krijgt vanzelf een nieuwe link als het weer tijd is.",
    en: "The link has expired or is not correct. You will get a new link when it is time again.",
  },
  "youth.error.fix": { nl: "Er ging iets mis met je antwoorden. Kijk ze nog even na.", en: "Something was wrong with your answers. Please check them." },
  "youth.error.tooLarge": { nl: "Dit is te veel tekst. Maak je toelichting korter.", en: "This is too much text. Please shorten your comment." },
  "youth.error.empty": { nl: "Vul minstens één vraag in.", en: "Please answer at least one question." },
  "youth.error.range": { nl: "Kies een waarde van 0 tot 10.", en: "Choose a value from 0 to 10." },
  "youth.error.choice": { nl: "Kies een van de antwoorden.", en: "Choose one of the answers." },
  "youth.error.comment": { nl: "De toelichting is te lang (maximaal 500 tekens).", en: "The comment is too long (at most 500 characters)." },
  "youth.scale.of": { nl: "van 10", en: "of 10" },
  "youth.pause.title": { nl: "Even geen herinneringen", en: "No reminders for a while" },
  "youth.pause.body": {
    nl: "Goed. Je krijgt twee weken geen herinneringen meer.",
    en: "Fine. You will not get reminders for two weeks.",
  },
  "youth.pause.button": { nl: "Twee weken geen herinneringen", en: "No reminders for two weeks" },
  // Pause page and reminder outbox (issue 6)
  "pause.confirm": {
    nl: "Wil je de komende twee weken geen herinneringen krijgen? De vragenlijst invullen kan daarna nog steeds.",
    en: "Would you rather get no reminders for the next two weeks? You can still fill in the questionnaire afterwards.",
  },
  "pause.until": { nl: "Geen herinneringen tot en met", en: "No reminders until" },
  "pause.already": { nl: "Je herinneringen staan al op pauze.", en: "Your reminders are already paused." },
  "pause.invalid": { nl: "Deze link werkt niet. Er is niets veranderd.", en: "This link does not work. Nothing was changed." },

  // E-mails to youths: neutral sender, subject and body
  "mail.invitation.subject": { nl: "Je korte vragenlijst staat klaar", en: "Your short questionnaire is ready" },
  "mail.reminder.subject": { nl: "Herinnering: je korte vragenlijst", en: "Reminder: your short questionnaire" },
  "mail.greeting": { nl: "Hoi,", en: "Hi," },
  "mail.invitation.body": {
    nl: "Er staat een korte vragenlijst voor je klaar. Het invullen duurt ongeveer een minuut.",
    en: "A short questionnaire is ready for you. It takes about one minute.",
  },
  "mail.reminder.body": {
    nl: "Je korte vragenlijst staat nog voor je klaar. Het invullen duurt ongeveer een minuut.",
    en: "Your short questionnaire is still waiting for you. It takes about one minute.",
  },
  "mail.open": { nl: "Open de vragenlijst", en: "Open the questionnaire" },
  "mail.pause": { nl: "Liever twee weken geen herinneringen? Dat kan via deze link:", en: "Rather no reminders for two weeks? Use this link:" },
  "mail.closing": { nl: "Dank je wel!", en: "Thank you!" },
  "mail.mentor.subject": { nl: "Vragenlijst nog niet ingevuld", en: "Questionnaire not yet filled in" },
  "mail.mentor.body": {
    nl: "Een jongere die u begeleidt heeft de korte vragenlijst nog niet ingevuld. Wilt u haar of hem helpen deze in te vullen via onderstaande link?",
    en: "A young person you support has not yet filled in the short questionnaire. Could you help them fill it in using the link below?",
  },

  // Errors (API envelope messages)
  "error.not_found": { nl: "Niet gevonden", en: "Not found" },
  "error.unauthorized": { nl: "Niet aangemeld", en: "Not signed in" },
  "error.forbidden": { nl: "Geen toegang", en: "No access" },
  "error.validation": { nl: "Ongeldige invoer", en: "Invalid input" },
  "error.conflict": { nl: "Conflict met bestaande gegevens", en: "Conflicts with existing data" },
  "error.payload_too_large": { nl: "Verzoek te groot", en: "Request too large" },
  "error.internal": { nl: "Er ging iets mis", en: "Something went wrong" },
} as const satisfies Record<string, { nl: string; en: string }>;

export type MessageKey = keyof typeof catalogue;

export function t(key: MessageKey, lang: Lang = "nl"): string {
  return catalogue[key][lang];
}

/** "Nederlands / English" for texts shown to staff in both languages at once (CSV headers, errors). */
export function both(key: MessageKey): string {
  return `${catalogue[key].nl} / ${catalogue[key].en}`;
}

export function pickLang(q: string | undefined | null): Lang {
  return q === "en" ? "en" : "nl";
}
