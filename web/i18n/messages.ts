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

  // --- Staff workspace (issue 4: studies, participants and staff access) ---
  "staff.app": { nl: "Monitor (medewerkers)", en: "Monitor (staff)" },
  "staff.signOut": { nl: "Afmelden", en: "Sign out" },
  "staff.signIn.title": { nl: "Aanmelden", en: "Sign in" },
  "staff.signIn.intro": {
    nl: "Vul je werk-e-mailadres in. Je krijgt een link waarmee je je 15 minuten lang één keer kunt aanmelden.",
    en: "Enter your work e-mail address. You will receive a link that signs you in once within 15 minutes.",
  },
  "staff.signIn.email": { nl: "E-mailadres", en: "E-mail address" },
  "staff.signIn.submit": { nl: "Stuur mij een aanmeldlink", en: "Send me a sign-in link" },
  "staff.signIn.sent": {
    nl: "Als dit adres bij ons bekend is, is er een aanmeldlink naartoe gestuurd. Kijk in je inbox.",
    en: "If this address is known to us, a sign-in link has been sent to it. Check your inbox.",
  },
  "staff.signIn.invalidEmail": { nl: "Vul een geldig e-mailadres in.", en: "Enter a valid e-mail address." },
  "staff.signIn.required": { nl: "Meld je eerst aan.", en: "Please sign in first." },
  "staff.link.invalid.title": { nl: "Deze aanmeldlink werkt niet", en: "This sign-in link does not work" },
  "staff.link.invalid.body": {
    nl: "De link is verlopen, al gebruikt of niet juist. Vraag een nieuwe link aan.",
    en: "The link has expired, has been used already or is not correct. Request a new link.",
  },
  "staff.mail.subject": { nl: "Je aanmeldlink", en: "Your sign-in link" },
  "staff.mail.body": {
    nl: "Met de link hieronder meld je je aan. De link werkt één keer en 15 minuten lang.",
    en: "Use the link below to sign in. It works once and for 15 minutes.",
  },
  "staff.mail.ignore": {
    nl: "Heb je niet om deze link gevraagd? Dan kun je deze e-mail negeren.",
    en: "Did you not ask for this link? Then you can ignore this e-mail.",
  },
  "staff.error.title": { nl: "Dat lukte niet", en: "That did not work" },
  "staff.home.title": { nl: "Mijn pilots", en: "My pilots" },
  "staff.home.none": { nl: "Je hebt nog geen toegang tot een pilot.", en: "You have no access to any pilot yet." },
  "staff.role.researcher": { nl: "onderzoeker", en: "researcher" },
  "staff.role.coordinator": { nl: "coördinator", en: "coordinator" },
  "staff.role.project_coordinator": { nl: "projectcoördinator", en: "project coordinator" },
  "staff.role.admin": { nl: "beheerder", en: "admin" },
  "staff.pilot.youths": { nl: "Jongeren en metingen", en: "Youths and occasions" },
  "staff.pilot.enrol": { nl: "Jongere aanmelden", en: "Enrol a youth" },
  "staff.filter.all": { nl: "Alle", en: "All" },
  "staff.filter.overdue": { nl: "Te laat", en: "Overdue" },
  "staff.filter.leftCare": { nl: "Uit zorg", en: "Left care" },
  "staff.col.code": { nl: "Code", en: "Code" },
  "staff.col.status": { nl: "Status", en: "Status" },
  "staff.col.start": { nl: "Start pilot", en: "Pilot start" },
  "staff.col.occasions": { nl: "Metingen", en: "Occasions" },
  "staff.col.lastContact": { nl: "Laatste contact", en: "Last contact" },
  "staff.col.nextReminder": { nl: "Volgende herinnering", en: "Next reminder" },
  "staff.none": { nl: "—", en: "—" },
  "staff.noYouths": { nl: "Geen jongeren in deze selectie.", en: "No youths in this selection." },
  "staff.occ.answered": { nl: "ingevuld", en: "answered" },
  "staff.occ.open": { nl: "open", en: "open" },
  "staff.occ.overdue": { nl: "te laat", en: "overdue" },
  "staff.occ.missed": { nl: "gemist", en: "missed" },
  "staff.occ.cancelled": { nl: "vervallen", en: "cancelled" },
  "staff.occ.planned": { nl: "gepland", en: "scheduled" },
  "staff.status.active": { nl: "actief", en: "active" },
  "staff.status.paused": { nl: "gepauzeerd", en: "paused" },
  "staff.status.left_care": { nl: "uit zorg (wordt gevolgd)", en: "left care (still followed)" },
  "staff.status.withdrawn": { nl: "teruggetrokken", en: "withdrawn" },
  "staff.status.completed": { nl: "afgerond", en: "completed" },
  "staff.youth.title": { nl: "Jongere", en: "Youth" },
  "staff.youth.scheduled": { nl: "Geplande metingen", en: "Scheduled occasions" },
  "staff.youth.timeline": { nl: "Tijdlijn van antwoorden", en: "Timeline of answers" },
  "staff.youth.trends": { nl: "Verloop", en: "Trends" },
  "staff.youth.noAnswers": { nl: "Nog geen antwoorden.", en: "No answers yet." },
  "staff.youth.enrolled": { nl: "De jongere is aangemeld. Hieronder staan haar geplande metingen.", en: "The youth has been enrolled. Her scheduled occasions are below." },
  "staff.youth.due": { nl: "Datum", en: "Date" },
  "staff.youth.kind": { nl: "Soort", en: "Kind" },
  "staff.youth.frequent": { nl: "frequente meting", en: "frequent measurement" },
  "staff.youth.wave": { nl: "meetmoment", en: "wave" },
  "staff.youth.consent": { nl: "Toestemming", en: "Consent" },
  "staff.youth.consent.self": { nl: "jongere zelf (16+)", en: "youth herself (16+)" },
  "staff.youth.consent.guardian": { nl: "ouder/voogd", en: "parent/guardian" },
  "staff.enrol.title": { nl: "Jongere aanmelden", en: "Enrol a youth" },
  "staff.enrol.code": { nl: "Code (pseudoniem, geen naam)", en: "Code (pseudonym, no name)" },
  "staff.enrol.start": { nl: "Startdatum pilot", en: "Pilot start date" },
  "staff.enrol.consentBy": { nl: "Toestemming gegeven door", en: "Consent given by" },
  "staff.enrol.age16": { nl: "De jongere is 16 jaar of ouder", en: "The youth is 16 or older" },
  "staff.enrol.consentDate": { nl: "Datum toestemming", en: "Date of consent" },
  "staff.enrol.email": { nl: "E-mailadres jongere", en: "Youth's e-mail address" },
  "staff.enrol.mentorEmail": { nl: "E-mailadres mentor (optioneel)", en: "Mentor's e-mail address (optional)" },
  "staff.enrol.submit": { nl: "Aanmelden", en: "Enrol" },
  "staff.enrol.invalid": { nl: "Controleer de invoer:", en: "Please check the input:" },
  "staff.enrol.duplicate": { nl: "Deze code bestaat al in deze pilot.", en: "This code already exists in this pilot." },
  "staff.trend.up": { nl: "significant omhoog", en: "significantly up" },
  "staff.trend.down": { nl: "significant omlaag", en: "significantly down" },

  // Errors (API envelope messages)
  "error.not_found": { nl: "Niet gevonden", en: "Not found" },
  "error.unauthorized": { nl: "Niet aangemeld", en: "Not signed in" },
  "error.forbidden": { nl: "Geen toegang", en: "No access" },
  "error.validation": { nl: "Ongeldige invoer", en: "Invalid input" },
  "error.conflict": { nl: "Conflict met bestaande gegevens", en: "Conflicts with existing data" },
  "error.payload_too_large": { nl: "Verzoek te groot", en: "Request too large" },
  "error.internal": { nl: "Er ging iets mis", en: "Something went wrong" },

  // Reports and summaries for coordinators (issue 3; worker/reports, web/pages/reports)
  "report.title": { nl: "Samenvatting", en: "Summary" },
  "report.allPilots": { nl: "Alle pilots", en: "All pilots" },
  "report.pilot": { nl: "Pilot", en: "Pilot" },
  "report.youths": { nl: "Jongeren", en: "Youths" },
  "report.generated": { nl: "Gemaakt op", en: "Generated on" },
  "report.codesOnly": {
    nl: "Jongeren staan hier alleen onder hun code. Geen namen, contactgegevens of geboortedata.",
    en: "Youths appear under their code only. No names, contact data or dates of birth.",
  },
  "report.integral": { nl: "Integrale tabel", en: "Integral table" },
  "report.groupMean": { nl: "Groepsgemiddelde", en: "Group mean" },
  "report.code": { nl: "Code", en: "Code" },
  "report.legend": { nl: "Legenda", en: "Legend" },
  "report.band.high": { nl: "hoog (groen)", en: "high (green)" },
  "report.band.middle": { nl: "gemiddeld (geel)", en: "middle (yellow)" },
  "report.band.low": { nl: "laag (roze)", en: "low (pink)" },
  "report.flag.up": { nl: "++ significante verandering in de gewenste richting", en: "++ significant change in the desired direction" },
  "report.flag.down": { nl: "-- significante verandering in de ongewenste richting", en: "-- significant change in the undesired direction" },
  "report.waveMark": {
    nl: "Golfscores komen van de laatste ingevulde golf (T2 of T3, tussen haakjes); alleen T1 = leeg.",
    en: "Wave scores come from the last completed wave (T2 or T3, in brackets); only T1 = empty.",
  },
  "report.bandRules": {
    nl: "Kleuren: welzijn, basisbehoeften en pilot-items ≥ 7 hoog, ≤ 5 laag; GCI-R ±1 SD van de norm; ATMQ 25e/75e percentiel van de norm; TASC ±1 SD van de eigen groep op T1; RIS-L 25e/75e percentiel van de groep. Groen is altijd gunstig (bij Repressie en RIS-L-risico's is een lage score groen).",
    en: "Colours: wellbeing, basic needs and pilot items ≥ 7 high, ≤ 5 low; GCI-R ±1 SD of the norm; ATMQ norm 25th/75th percentile; TASC ±1 SD of the own group at T1; RIS-L group 25th/75th percentile. Green is always favourable (for Repression and RIS-L risks a low score is green).",
  },
  "report.waves": { nl: "Scores per golf (Bijlage 1)", en: "Scores per wave (Appendix 1)" },
  "report.nonResponse": { nl: "nr", en: "nr" },
  "report.nonResponseNote": { nl: "nr = non-respons (golf niet ingevuld, nooit als 0 geteld)", en: "nr = non-response (wave not answered, never counted as 0)" },
  "report.rciNote": {
    nl: "↑/↓ = betrouwbare verbetering/verslechtering (|RCI| > 1,96) ten opzichte van de vorige golf; tussen haakjes ten opzichte van T1.",
    en: "↑/↓ = reliable improvement/deterioration (|RCI| > 1.96) against the previous wave; in brackets against T1.",
  },
  "report.frequent": { nl: "Frequente metingen en pilot-items", en: "Frequent measurements and pilot items" },
  "report.col.n": { nl: "n", en: "n" },
  "report.col.min": { nl: "min", en: "min" },
  "report.col.max": { nl: "max", en: "max" },
  "report.col.mean": { nl: "gem.", en: "mean" },
  "report.col.slope": { nl: "helling/meting", en: "slope/measurement" },
  "report.col.slopeDay": { nl: "helling/dag", en: "slope/day" },
  "report.col.p": { nl: "p", en: "p" },
  "report.col.flag": { nl: "verloop", en: "change" },
  "report.fewNote": { nl: "Geen helling en geen toets bij minder dan 5 metingen.", en: "No slope and no test with fewer than 5 measurements." },
  "report.response": { nl: "Respons", en: "Response" },
  "report.response.wave": { nl: "Golf", en: "Wave" },
  "report.response.invited": { nl: "uitgenodigd", en: "invited" },
  "report.response.completed": { nl: "ingevuld", en: "completed" },
  "report.response.scheduled": { nl: "frequent gepland", en: "frequent scheduled" },
  "report.response.frequentDone": { nl: "frequent ingevuld", en: "frequent completed" },
  "report.response.status": { nl: "status", en: "status" },
  "report.response.median": { nl: "Mediane invultijd frequente vragenlijst (minuten)", en: "Median time to complete the frequent questionnaire (minutes)" },
  "report.background": { nl: "Achtergrondkenmerken", en: "Background characteristics" },
  "report.background.empty": { nl: "Nog geen achtergrondformulieren ingevuld.", en: "No background forms filled in yet." },
  "report.background.field": { nl: "kenmerk", en: "characteristic" },
  "report.background.sd": { nl: "sd", en: "sd" },
  "report.background.counts": { nl: "aantallen", en: "counts" },
  "report.plots": { nl: "Verloop per jongere", en: "Course per youth" },
  "report.comments": { nl: "Toelichtingen", en: "Comments" },
  "report.noData": { nl: "Nog geen gegevens.", en: "No data yet." },
  "report.warnings": { nl: "Let op", en: "Note" },
  "report.downloads": { nl: "Downloads", en: "Downloads" },
  "report.download.indicators": { nl: "Indicatoren (CSV)", en: "Indicators (CSV)" },
  "report.download.wide": { nl: "Breed bestand voor SPSS/R (CSV)", en: "Wide file for SPSS/R (CSV)" },
  "report.download.codebook": { nl: "Codeboek (CSV)", en: "Codebook (CSV)" },
  "report.download.answers": { nl: "Alle antwoorden, lang formaat (CSV)", en: "All answers, long format (CSV)" },
  "report.download.html": { nl: "Rapport (HTML, af te drukken als PDF)", en: "Report (HTML, prints to PDF)" },
  "report.download.htmlComments": { nl: "Rapport met toelichtingen", en: "Report with comments" },
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
