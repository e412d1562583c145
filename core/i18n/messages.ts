// The one message catalogue: everything a youth or staff member reads, Dutch first, English second.
// Youth-facing texts are deliberately neutral (DESIGN.md §4): no organisation, no topic, nothing that
// tells a reader of her phone what this is about.

export type Lang = "nl" | "en";
export const LANGS: Lang[] = ["nl", "en"];

export const catalogue = {
  // Youth pages
  "youth.title": { nl: "Vragenlijst", en: "Questionnaire" },
  "youth.intro": {
    nl: "Een paar korte vragen. Kies bij elke vraag wat bij jou past. Een vraag overslaan mag.",
    en: "A few short questions. Choose what fits you for each question. You may skip a question.",
  },
  "youth.length.one": { nl: "Het invullen duurt ongeveer 1 minuut.", en: "It takes about 1 minute." },
  "youth.length.many": { nl: "Het invullen duurt ongeveer {n} minuten.", en: "It takes about {n} minutes." },
  "youth.progress": { nl: "Stap {n} van {m}", en: "Step {n} of {m}" },
  "youth.next": { nl: "Volgende", en: "Next" },
  "youth.back": { nl: "Vorige", en: "Back" },
  "youth.resumeHint": {
    nl: "Je antwoorden worden bewaard als je verder gaat. Je kunt later verder met dezelfde link.",
    en: "Your answers are kept when you go on. You can continue later with the same link.",
  },
  "youth.stale": {
    nl: "Deze vragen zijn intussen in een ander venster aangepast. Hieronder staan de nieuwste antwoorden.",
    en: "These questions were changed in another window meanwhile. The newest answers are shown below.",
  },
  "youth.root.body": {
    nl: "Hier is niets te zien. Heb je een persoonlijke link gekregen? Open die dan.",
    en: "There is nothing to see here. Did you get a personal link? Then please open that one.",
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
  "youth.revoked.body": {
    nl: "Je hebt een nieuwe link gekregen, of je krijgt die binnenkort. Gebruik de link uit je nieuwste mail.",
    en: "You have received a new link, or you will soon. Please use the link in your most recent e-mail.",
  },
  "youth.next.notice": {
    nl: "Dank je wel! Er staat nog een vragenlijst voor je klaar.",
    en: "Thank you! There is one more questionnaire for you.",
  },
  "youth.kiosk.ended.title": { nl: "Deze pagina is gesloten", en: "This page has been closed" },
  "youth.kiosk.ended.body": {
    nl: "Dank je wel. Er staat hier niets meer.",
    en: "Thank you. There is nothing here any more.",
  },
  "youth.error.fix": {
    nl: "Er ging iets mis met je antwoorden. Kijk ze nog even na.",
    en: "Something was wrong with your answers. Please check them.",
  },
  "youth.error.tooLarge": {
    nl: "Dit is te veel tekst. Maak je toelichting korter.",
    en: "This is too much text. Please shorten your comment.",
  },
  // A moment's failure behind her page (D1 unavailable; worker/survey/youth-error.tsx): sending again is safe.
  "youth.retry.title": { nl: "Dat lukte even niet", en: "That did not work just now" },
  "youth.retry.body": { nl: "Probeer het zo nog eens.", en: "Please try again in a moment." },
  "youth.error.empty": { nl: "Vul minstens één vraag in.", en: "Please answer at least one question." },
  "youth.error.range": { nl: "Kies een waarde van 0 tot 10.", en: "Choose a value from 0 to 10." },
  "youth.error.choice": { nl: "Kies een van de antwoorden.", en: "Choose one of the answers." },
  "youth.error.comment": {
    nl: "De toelichting is te lang (maximaal 500 tekens).",
    en: "The comment is too long (at most 500 characters).",
  },
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
  "pause.invalid": {
    nl: "Deze link werkt niet. Er is niets veranderd.",
    en: "This link does not work. Nothing was changed.",
  },
  "reminders.link": { nl: "Herinneringen en verzendlijst", en: "Reminders and outbox" },
  "reminders.title": { nl: "Herinneringen", en: "Reminders" },
  "reminders.intro": {
    nl:
      "Uitnodigingen en herinneringen gaan automatisch (elk kwartier). Met een proefdraai zie " +
      "je wat er nu verstuurd zou worden, en waarom anderen wachten of worden overgeslagen.",
    en:
      "Invitations and reminders go out automatically (every quarter of an hour). " +
      "A dry run shows what would be sent now, and why others wait or are skipped.",
  },
  "reminders.dryRun": { nl: "Proefdraai", en: "Dry run" },
  "reminders.realRun": { nl: "Nu versturen", en: "Send now" },
  "reminders.preview.title": { nl: "Proefdraai: er is niets verstuurd", en: "Dry run: nothing was sent" },
  "reminders.result.title": { nl: "Run uitgevoerd", en: "Run done" },
  "reminders.col.action": { nl: "Actie", en: "Action" },
  "reminders.col.kind": { nl: "Bericht", en: "Message" },
  "reminders.col.reason": { nl: "Reden", en: "Reason" },
  "reminders.col.until": { nl: "Niet voor", en: "Not before" },
  "reminders.col.attempts": { nl: "Pogingen", en: "Attempts" },
  "reminders.col.when": { nl: "Tijdstip", en: "Time" },
  "reminders.col.by": { nl: "Door", en: "By" },
  "reminders.col.counts": { nl: "Aantallen", en: "Counts" },
  "reminders.action.send": { nl: "versturen", en: "send" },
  "reminders.action.wait": { nl: "wacht", en: "waits" },
  "reminders.action.skip": { nl: "overgeslagen", en: "skipped" },
  "reminders.kind.invitation": { nl: "uitnodiging", en: "invitation" },
  "reminders.kind.reminder": { nl: "herinnering", en: "reminder" },
  "reminders.kind.mentor": { nl: "bericht aan mentor", en: "message to mentor" },
  "reminders.runs": { nl: "Eerdere runs", en: "Earlier runs" },
  "reminders.runs.dry": { nl: "proefdraai", en: "dry run" },
  "reminders.runs.real": { nl: "verzending", en: "sending" },
  "reminders.outbox": { nl: "Verzendlijst", en: "Outbox" },
  "reminders.outbox.empty": { nl: "Geen berichten.", en: "No messages." },
  "reminders.status.all": { nl: "alle", en: "all" },
  "reminders.status.queued": { nl: "in de wachtrij", en: "queued" },
  "reminders.status.sending": { nl: "wordt verstuurd", en: "sending" },
  "reminders.status.sent": { nl: "verstuurd", en: "sent" },
  "reminders.status.failed": { nl: "mislukt", en: "failed" },
  "reminders.status.cancelled": { nl: "vervallen", en: "cancelled" },
  "reminders.retry": { nl: "Opnieuw proberen", en: "Retry" },
  "reminders.retried": {
    nl: "Het bericht is opnieuw geprobeerd. Nieuwe status:",
    en: "The message was tried again. New status:",
  },
  "reminders.pauses": { nl: "Gepauzeerde herinneringen", en: "Paused reminders" },
  "reminders.pauses.empty": { nl: "Niemand heeft herinneringen gepauzeerd.", en: "Nobody paused reminders." },
  "reminders.pauses.until": { nl: "gepauzeerd tot", en: "paused until" },
  "reminders.nothing": { nl: "Geen open metingen of berichten.", en: "No open occasions or messages." },
  "reminders.reason.invitation_due": { nl: "uitnodiging is aan de beurt", en: "invitation is due" },
  "reminders.reason.reminder_due": { nl: "herinnering is aan de beurt", en: "reminder is due" },
  "reminders.reason.mentor_due": { nl: "bericht aan mentor is aan de beurt", en: "message to mentor is due" },
  "reminders.reason.retry_due": { nl: "nieuwe poging na eerdere fout", en: "new attempt after an earlier failure" },
  "reminders.reason.queued": { nl: "staat al in de wachtrij", en: "already queued" },
  "reminders.reason.not_yet_open": { nl: "meting nog niet open", en: "occasion not open yet" },
  "reminders.reason.not_yet_due": { nl: "nog niet aan de beurt", en: "not due yet" },
  "reminders.reason.reminders_paused": { nl: "jongere heeft herinneringen gepauzeerd", en: "youth paused reminders" },
  "reminders.reason.quiet_hours": { nl: "stille uren", en: "quiet hours" },
  "reminders.reason.quiet_day": { nl: "stille dag", en: "quiet day" },
  "reminders.reason.completed": { nl: "al ingevuld", en: "already answered" },
  "reminders.reason.missed": { nl: "meting gemist", en: "occasion missed" },
  "reminders.reason.cancelled": { nl: "meting vervallen", en: "occasion cancelled" },
  "reminders.reason.withdrawn": { nl: "teruggetrokken", en: "withdrawn" },
  "reminders.reason.participant_paused": { nl: "deelname gepauzeerd", en: "participation paused" },
  "reminders.reason.participant_completed": { nl: "deelname afgerond", en: "participation completed" },
  "reminders.reason.closed": { nl: "meting is gesloten", en: "occasion closed" },
  "reminders.reason.no_email": { nl: "geen e-mailadres", en: "no e-mail address" },
  "reminders.reason.no_mentor_email": { nl: "geen e-mailadres van mentor", en: "no mentor e-mail address" },
  "reminders.reason.max_reminders_reached": {
    nl: "maximum aantal herinneringen bereikt",
    en: "maximum number of reminders reached",
  },
  "reminders.reason.mentor_sent": { nl: "mentor al benaderd", en: "mentor already contacted" },
  "reminders.reason.closes_before_next": {
    nl: "meting sluit voor het volgende bericht",
    en: "occasion closes before the next message",
  },
  "reminders.reason.paused_past_close": {
    nl: "gepauzeerd tot na het sluiten van de meting",
    en: "paused until after the occasion closes",
  },
  "reminders.reason.other": { nl: "zie code", en: "see code" },
  // Repeated failures of one kind (worker/reminders/outbox.ts repeatedFailures): a warning above the outbox
  "reminders.warning.title": {
    nl: "Let op: berichten mislukken steeds om dezelfde reden",
    en: "Attention: messages keep failing for the same reason",
  },
  "reminders.warning.count": {
    nl: "{count} berichten in de afgelopen 24 uur:",
    en: "{count} messages in the last 24 hours:",
  },
  "reminders.warning.last": { nl: "laatste keer", en: "last time" },
  "reminders.warning.help": {
    nl:
      "Mislukte berichten worden niet vanzelf opnieuw verstuurd. Laat de oorzaak oplossen (bij een " +
      "mailserver- of sleutelprobleem door de beheerder) en kies daarna 'Opnieuw proberen' in de verzendlijst.",
    en:
      "Failed messages are not resent automatically. Have the cause fixed (the " +
      "administrator, for a mail server or key problem), then choose 'Retry' in the outbox.",
  },
  "reminders.failure.undecryptable_address": {
    nl: "e-mailadres is niet leesbaar (is de sleutel voor contactgegevens gewijzigd?)",
    en: "e-mail address cannot be read (was the contact data key changed?)",
  },
  "reminders.failure.build_failed": {
    nl: "bericht kon niet worden opgesteld (ongeldig e-mailadres?)",
    en: "message could not be built (invalid e-mail address?)",
  },
  "reminders.failure.outcome_unknown": {
    nl: "onbekend of het bericht is aangekomen",
    en: "unknown whether the message arrived",
  },
  "reminders.failure.smtp_tls_required": {
    nl: "mailserver biedt geen versleutelde verbinding; er is niets verstuurd",
    en: "mail server offers no encrypted connection; nothing was sent",
  },
  "reminders.failure.smtp_5xx": { nl: "mailserver weigert het bericht", en: "mail server refuses the message" },
  "reminders.failure.http_4xx": { nl: "mail-API weigert het bericht", en: "mail API refuses the message" },
  "reminders.failure.no_address": { nl: "geen e-mailadres", en: "no e-mail address" },
  "reminders.failure.max_attempts": { nl: "maximum aantal pogingen bereikt", en: "maximum number of attempts reached" },

  // E-mails to youths: neutral sender, subject and body
  "mail.invitation.subject": { nl: "Je korte vragenlijst staat klaar", en: "Your short questionnaire is ready" },
  "mail.reminder.subject": { nl: "Herinnering: je korte vragenlijst", en: "Reminder: your short questionnaire" },
  "mail.greeting": { nl: "Hoi,", en: "Hi," },
  "mail.invitation.body": {
    nl: "Er staat een korte vragenlijst voor je klaar.",
    en: "A short questionnaire is ready for you.",
  },
  "mail.reminder.body": {
    nl: "Je korte vragenlijst staat nog voor je klaar.",
    en: "Your short questionnaire is still waiting for you.",
  },
  "mail.invitation.bodyMany": {
    nl: "Er staan {n} korte vragenlijsten voor je klaar. Met de link hieronder vul je ze na elkaar in.",
    en: "{n} short questionnaires are ready for you. The link below takes you through them one after the other.",
  },
  "mail.reminder.bodyMany": {
    nl: "Er staan nog {n} korte vragenlijsten voor je klaar. Met de link hieronder vul je ze na elkaar in.",
    en:
      "{n} short questionnaires are still waiting for you. The " +
      "link below takes you through them one after the other.",
  },
  "mail.resend.body": {
    nl: "Hier is je link naar de vragenlijst nog een keer.",
    en: "Here is your link to the questionnaire once more.",
  },
  "mail.resend.bodyMany": {
    nl:
      "Hier is je link nog een keer: er staan {n} korte vragenlijsten " +
      "voor je klaar. Met de link hieronder vul je ze na elkaar in.",
    en:
      "Here is your link once more: {n} short questionnaires are ready " +
      "for you. The link below takes you through them one after the other.",
  },
  "mail.length.together": {
    nl: "Samen duurt het invullen ongeveer {n} minuten.",
    en: "Together they take about {n} minutes.",
  },
  "mail.open": { nl: "Open de vragenlijst", en: "Open the questionnaire" },
  "mail.pause": {
    nl: "Liever twee weken geen herinneringen? Dat kan via deze link:",
    en: "Rather no reminders for two weeks? Use this link:",
  },
  "mail.closing": { nl: "Dank je wel!", en: "Thank you!" },
  "mail.mentor.subject": { nl: "Vragenlijst nog niet ingevuld", en: "Questionnaire not yet filled in" },
  "mail.mentor.body": {
    nl:
      "Een jongere die u begeleidt heeft de korte vragenlijst nog niet ingevuld. " +
      "Wilt u haar of hem helpen deze in te vullen via onderstaande link?",
    en:
      "A young person you support has not yet filled in the short " +
      "questionnaire. Could you help them fill it in using the link below?",
  },

  // --- Staff workspace (issue 4: studies, participants and staff access) ---
  // Her link, re-send and revoke; assisted entry on a group computer (kiosk) and by phone (issue 14, items 4 and 5)
  "staff.youth.linksLink": { nl: "Link, kiosk en telefoon", en: "Link, kiosk and phone" },
  "staff.links.title": { nl: "Link en invullen met hulp", en: "Link and assisted entry" },
  "staff.links.open": { nl: "Open vragenlijsten", en: "Open questionnaires" },
  "staff.links.none": { nl: "Er staat nu geen vragenlijst open.", en: "No questionnaire is open now." },
  "staff.links.generation": { nl: "Linkversie", en: "Link version" },
  "staff.links.lastSent": { nl: "Laatst verstuurd", en: "Last sent" },
  "staff.links.never": { nl: "nog niet", en: "not yet" },
  "staff.links.resend": { nl: "Huidige link opnieuw sturen", en: "Re-send the current link" },
  "staff.links.revoke": { nl: "Link intrekken en een nieuwe sturen", en: "Revoke the link and send a new one" },
  "staff.links.revokeConfirm": { nl: "Ja, de oude link werkt daarna niet meer", en: "Yes, the old link stops working" },
  "staff.links.resent": {
    nl: "De link gaat opnieuw naar haar toe (via de verzendlijst).",
    en: "The link is being sent again (through the outbox).",
  },
  "staff.links.revoked": {
    nl: "De oude link is ingetrokken; een nieuwe link gaat naar haar toe.",
    en: "The old link is revoked; a new link is being sent.",
  },
  "staff.links.noAddress": {
    nl: "Er is geen e-mailadres bekend: er is niets verstuurd.",
    en: "No e-mail address is known: nothing was sent.",
  },
  "staff.links.kiosk": { nl: "Openen op deze computer (kiosk)", en: "Open on this computer (kiosk)" },
  "staff.links.kioskHint": {
    nl: "Voor een groepscomputer: de pagina wordt leeggemaakt na het versturen of na 5 minuten zonder invoer.",
    en: "For a group computer: the page clears after sending or after 5 minutes without input.",
  },
  "staff.links.phone": { nl: "Antwoorden invoeren (telefoon)", en: "Enter answers (phone)" },
  "staff.phone.title": {
    nl: "Antwoorden invoeren tijdens een telefoongesprek",
    en: "Enter answers during a phone call",
  },
  "staff.phone.save": { nl: "Antwoorden opslaan", en: "Save answers" },
  "staff.phone.saved": { nl: "De antwoorden zijn opgeslagen (telefoon).", en: "The answers were saved (phone)." },
  "staff.phone.kioskDone": { nl: "De kiosk is gesloten.", en: "The kiosk has been closed." },
  "staff.phone.na": { nl: "n.v.t.", en: "n/a" },
  "staff.phone.noAnswer": { nl: "geen antwoord", en: "no answer" },
  "staff.phone.comment": { nl: "Toelichting", en: "Comment" },
  "staff.phone.closed": {
    nl: "Deze vragenlijst staat niet (meer) open.",
    en: "This questionnaire is not (or no longer) open.",
  },
  "staff.phone.invalid": {
    nl: "Kijk de antwoorden na: niet alles is geldig.",
    en: "Please check the answers: not everything is valid.",
  },
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
  "staff.signIn.tooMany": {
    nl: "Te veel aanvragen vanaf dit adres. Probeer het over een minuut opnieuw.",
    en: "Too many requests from this address. Please try again in a minute.",
  },
  "staff.auth.confirm.title": { nl: "Aanmelden bevestigen", en: "Confirm sign-in" },
  "staff.auth.confirm.body": {
    nl:
      "Klik op de knop om je aan te melden. Deze extra stap zorgt dat een " +
      "virusscanner die de links in je mail opent, je aanmeldlink niet opmaakt.",
    en:
      "Click the button to sign in. This extra step keeps a virus scanner " +
      "that opens the links in your mail from using up your sign-in link.",
  },
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
  // Comment timeline and light coding (issue 15; worker/comments/README.md)
  "staff.comments.panel": { nl: "Toelichtingen en codes", en: "Comments and codes" },
  "staff.comments.open": { nl: "Alle toelichtingen: filteren en coderen", en: "All comments: filter and code" },
  "staff.comments.total": { nl: "Toelichtingen", en: "Comments" },
  "staff.comments.title": { nl: "Toelichtingen van {code}", en: "Comments of {code}" },
  "staff.comments.counts": { nl: "Codes bij deze jongere", en: "Codes of this youth" },
  "staff.comments.noCounts": { nl: "Nog geen codes toegekend.", en: "No codes assigned yet." },
  "staff.comments.none": { nl: "Geen toelichtingen.", en: "No comments." },
  "staff.comments.item": { nl: "Item", en: "Item" },
  "staff.comments.allItems": { nl: "Alle items", en: "All items" },
  "staff.comments.filter": { nl: "Filteren", en: "Filter" },
  "staff.comments.value": { nl: "Waarde", en: "Value" },
  "staff.comments.date": { nl: "Datum", en: "Date" },
  "staff.comments.comment": { nl: "Toelichting", en: "Comment" },
  "staff.comments.codes": { nl: "Codes", en: "Codes" },
  "staff.comments.addCode": { nl: "Code toekennen", en: "Assign code" },
  "staff.comments.removeCode": { nl: "weghalen", en: "remove" },
  "staff.comments.noCodebook": {
    nl: "Het codeboek is nog leeg: maak eerst codes aan.",
    en: "The codebook is empty: create codes first.",
  },
  "staff.comments.tagged": { nl: "Code toegekend.", en: "Code assigned." },
  "staff.comments.untagged": { nl: "Code weggehaald.", en: "Code removed." },
  "staff.codes.title": { nl: "Codeboek voor toelichtingen", en: "Codebook for comments" },
  "staff.codes.link": { nl: "Codeboek toelichtingen", en: "Comment codebook" },
  "staff.codes.code": { nl: "Code", en: "Code" },
  "staff.codes.description": { nl: "Omschrijving", en: "Description" },
  "staff.codes.tags": { nl: "Toelichtingen", en: "Comments" },
  "staff.codes.youths": { nl: "Jongeren", en: "Youths" },
  "staff.codes.empty": { nl: "Nog geen codes.", en: "No codes yet." },
  "staff.codes.add": { nl: "Code toevoegen", en: "Add code" },
  "staff.codes.save": { nl: "Opslaan", en: "Save" },
  "staff.codes.delete": { nl: "Verwijderen", en: "Delete" },
  "staff.codes.removeTags": {
    nl: "Ook de toekenningen aan toelichtingen weghalen",
    en: "Also remove its tags from comments",
  },
  "staff.codes.rules": {
    nl:
      "Een code is 1 tot 40 tekens: letters, cijfers, spaties, - en _, en begint met een " +
      "letter of cijfer. Hoofdletters tellen niet mee: 'Stage' en 'stage' zijn dezelfde code.",
    en:
      "A code is 1 to 40 characters: letters, digits, spaces, - and _, starting with " +
      "a letter or digit. Case does not count: 'Stage' and 'stage' are the same code.",
  },
  "staff.codes.import": { nl: "Codeboek importeren (CSV)", en: "Import codebook (CSV)" },
  "staff.codes.importHint": {
    nl:
      "Kolommen code en omschrijving (code;omschrijving of code,description). " +
      "Nieuwe codes worden toegevoegd, bestaande krijgen de omschrijving uit het " +
      "bestand; er wordt niets verwijderd. Bij één fout wordt niets opgeslagen.",
    en:
      "Columns code and description (code;omschrijving or code,description). New codes are added, " +
      "existing ones get the file's description; nothing is deleted. One error and nothing is stored.",
  },
  "staff.codes.importSubmit": { nl: "Importeren", en: "Import" },
  "staff.codes.export": { nl: "Codeboek downloaden (CSV)", en: "Download codebook (CSV)" },
  "staff.codes.exportCoded": { nl: "Gecodeerde toelichtingen downloaden (CSV)", en: "Download coded comments (CSV)" },
  "staff.codes.created": { nl: "Code toegevoegd.", en: "Code added." },
  "staff.codes.updated": { nl: "Code opgeslagen.", en: "Code saved." },
  "staff.codes.deleted": { nl: "Code verwijderd.", en: "Code deleted." },
  "staff.codes.imported": {
    nl: "Codeboek geïmporteerd: {created} nieuw, {updated} bijgewerkt, {unchanged} ongewijzigd.",
    en: "Codebook imported: {created} new, {updated} updated, {unchanged} unchanged.",
  },
  "staff.codes.refused": { nl: "Niet opgeslagen", en: "Not stored" },
  "staff.codes.noFile": { nl: "Kies een CSV-bestand.", en: "Choose a CSV file." },
  // Why a code, description or codebook file is refused (worker/comments/rules.ts); {placeholders} filled in.
  "staff.coding.label.missing": { nl: "de code ontbreekt", en: "the code is missing" },
  "staff.coding.label.empty": { nl: "de code is leeg", en: "the code is empty" },
  "staff.coding.label.long": {
    nl: "de code is langer dan {max} tekens",
    en: "the code is longer than {max} characters",
  },
  "staff.coding.label.chars": {
    nl:
      "een code bevat alleen letters, cijfers, spaties, - en _, en begint " +
      "met een letter of cijfer (geen opmaak, aanhalingstekens of leestekens)",
    en:
      "a code holds only letters, digits, spaces, - and _, and starts " +
      "with a letter or digit (no markup, quotes or punctuation)",
  },
  "staff.coding.description.type": { nl: "de omschrijving moet tekst zijn", en: "the description must be text" },
  "staff.coding.description.long": {
    nl: "de omschrijving is langer dan {max} tekens",
    en: "the description is longer than {max} characters",
  },
  "staff.coding.description.chars": {
    nl: "de omschrijving mag geen < of > (opmaak) of stuurtekens bevatten",
    en: "the description may not hold < or > (markup) or control characters",
  },
  "staff.coding.csv.syntax": { nl: "geen geldige CSV ({reason})", en: "not valid CSV ({reason})" },
  "staff.coding.csv.empty": {
    nl: "het bestand is leeg: de eerste regel moet code,omschrijving zijn",
    en: "the file is empty: it needs a header line code,description",
  },
  "staff.coding.csv.unknown": {
    nl: "onbekende kolom(men) {columns}; toegestaan zijn code (of label) en omschrijving (of description)",
    en: "unknown column(s) {columns}; allowed: code (or label) and description (or omschrijving)",
  },
  "staff.coding.csv.columnTwice": {
    nl: "een kolom staat twee keer in de eerste regel",
    en: "a column appears twice in the header",
  },
  "staff.coding.csv.noCode": { nl: "de eerste regel heeft geen kolom code", en: "the header has no code column" },
  "staff.coding.csv.noRows": { nl: "het bestand bevat geen codes", en: "the file holds no codes" },
  "staff.coding.csv.tooMany": { nl: "meer dan {max} codes", en: "more than {max} codes" },
  "staff.coding.csv.cells": {
    nl: "{n} cellen waar de eerste regel er {m} heeft",
    en: "{n} cells where the header has {m}",
  },
  "staff.coding.csv.twice": {
    nl: 'de code "{label}" staat twee keer in het bestand (ook op regel {line}; hoofdletters tellen niet mee)',
    en: 'the code "{label}" appears twice (also on line {line}; case does not count)',
  },
  "staff.coding.csv.tooLarge": { nl: "het bestand is groter dan {max} KiB", en: "the file is larger than {max} KiB" },
  "staff.coding.line": { nl: "regel {line}: {reason}", en: "line {line}: {reason}" },
  "staff.coding.duplicate": {
    nl: 'de code "{label}" bestaat al in deze pilot (hoofdletters tellen niet mee)',
    en: 'the code "{label}" already exists in this pilot (case does not count)',
  },
  "staff.coding.inUse": {
    nl: 'de code "{label}" is toegekend aan {n} toelichting(en); bevestig dat die toekenningen ook weggaan',
    en: 'the code "{label}" is in use on {n} comment(s); confirm that its tags are removed too',
  },
  "staff.coding.raced": {
    nl: "een code uit het bestand is intussen door iemand anders toegevoegd; er is niets opgeslagen, importeer opnieuw",
    en: "a code of the file was added meanwhile by someone else; nothing was stored, import again",
  },
  "staff.youth.noAnswers": { nl: "Nog geen antwoorden.", en: "No answers yet." },
  "staff.youth.enrolled": {
    nl: "De jongere is aangemeld. Hieronder staan haar geplande metingen.",
    en: "The youth has been enrolled. Her scheduled occasions are below.",
  },
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
  "staff.import.title": { nl: "CSV importeren", en: "Import CSV" },
  "staff.settings.title": { nl: "Instellingen", en: "Settings" },
  "staff.settings.saved": { nl: "De instellingen zijn opgeslagen.", en: "The settings have been saved." },
  "staff.settings.unchanged": {
    nl: "Er was niets veranderd; er is niets opgeslagen.",
    en: "Nothing had changed; nothing was saved.",
  },
  "staff.settings.readOnly": {
    nl: "Je kunt deze instellingen bekijken; alleen onderzoekers van deze pilot kunnen ze wijzigen.",
    en: "You can view these settings; only researchers of this pilot can change them.",
  },
  "staff.settings.youthFacing": { nl: "Wat de jongere ziet", en: "What the youth sees" },
  "staff.settings.senderName": {
    nl: "Naam van de afzender in e-mails (neutraal)",
    en: "Sender name in e-mails (neutral)",
  },
  "staff.settings.quickExit": { nl: "Adres van de snelle uitgang", en: "Quick-exit address" },
  "staff.settings.schedule": { nl: "Planning", en: "Schedule" },
  "staff.settings.scheduleNote": {
    nl: "Wijzigingen gelden voor metingen die vanaf nu opengaan; metingen die al bestaan blijven zoals ze zijn.",
    en: "Changes apply to occasions that open from now on; existing occasions stay as they are.",
  },
  "staff.settings.frequentIntervalDays": {
    nl: "Dagen tussen twee korte metingen",
    en: "Days between two short questionnaires",
  },
  "staff.settings.frequentWindowDays": {
    nl: "Dagen dat een korte meting openstaat",
    en: "Days a short questionnaire stays open",
  },
  "staff.settings.waveT2": { nl: "T2: dagen na de start", en: "T2: days after the start" },
  "staff.settings.waveT3": { nl: "T3: dagen na de start", en: "T3: days after the start" },
  "staff.settings.waveWindowDays": {
    nl: "Dagen dat een lange meting (T1/T2/T3) openstaat",
    en: "Days a long questionnaire (T1/T2/T3) stays open",
  },
  "staff.settings.studyLengthDays": {
    nl: "Duur van de pilot per jongere (dagen)",
    en: "Length of the pilot per youth (days)",
  },
  "staff.settings.firstReminderAfterDays": { nl: "Eerste herinnering na (dagen)", en: "First reminder after (days)" },
  "staff.settings.maxReminders": {
    nl: "Hoogstens zoveel herinneringen per meting",
    en: "At most this many reminders per occasion",
  },
  "staff.settings.minSpacingDays": {
    nl: "Minstens zoveel dagen tussen herinneringen",
    en: "At least this many days between reminders",
  },
  "staff.settings.quietHours": { nl: "Geen berichten tussen", en: "No messages between" },
  "staff.settings.until": { nl: "en", en: "and" },
  "staff.settings.quietEnd": { nl: "Einde van de stille uren", en: "End of the quiet hours" },
  "staff.settings.quietWeekdays": { nl: "Geen berichten op", en: "No messages on" },
  "staff.settings.weekday.1": { nl: "ma", en: "Mon" },
  "staff.settings.weekday.2": { nl: "di", en: "Tue" },
  "staff.settings.weekday.3": { nl: "wo", en: "Wed" },
  "staff.settings.weekday.4": { nl: "do", en: "Thu" },
  "staff.settings.weekday.5": { nl: "vr", en: "Fri" },
  "staff.settings.weekday.6": { nl: "za", en: "Sat" },
  "staff.settings.weekday.7": { nl: "zo", en: "Sun" },
  "staff.settings.mentorAfterLastReminder": {
    nl: "De mentor een bericht sturen als de jongere na de laatste herinnering niet heeft gereageerd",
    en: "Message the mentor when the youth has not responded after the last reminder",
  },
  "staff.settings.mentorAfterDays": {
    nl: "Bericht aan de mentor na (dagen na de laatste herinnering)",
    en: "Mentor message after (days after the last reminder)",
  },
  "staff.settings.submit": { nl: "Opslaan", en: "Save" },
  "staff.settings.fixed": { nl: "Vast voor deze pilot", en: "Fixed for this pilot" },
  "staff.settings.fixedNote": {
    nl: "Een beheerder wijzigt deze onder Beheer → Pilots (of via PATCH /api/v1/pilots/{pilot}).",
    en: "An admin changes these under Administration → Pilots (or through PATCH /api/v1/pilots/{pilot}).",
  },
  "staff.settings.timezone": { nl: "Tijdzone", en: "Time zone" },
  "staff.settings.frequentInstruments": {
    nl: "Vragenlijsten bij korte metingen",
    en: "Questionnaires at short occasions",
  },
  "staff.settings.waveInstruments": { nl: "Vragenlijsten bij T1/T2/T3", en: "Questionnaires at T1/T2/T3" },
  "staff.settings.stale": {
    nl:
      "Iemand anders heeft deze instellingen gewijzigd nadat je ze opende. Je wijziging is niet " +
      "opgeslagen; hieronder staan de huidige waarden. Breng je wijziging opnieuw aan en sla op.",
    en:
      "Someone else changed these settings after you opened them. Your change was " +
      "not saved; the current values are shown below. Make your change again and save.",
  },
  "staff.settings.error.number": {
    nl: "Vul een heel getal in van {min} tot en met {max}.",
    en: "Enter a whole number from {min} to {max}.",
  },
  "staff.settings.error.window": {
    nl: "Niet langer dan het aantal dagen tussen twee metingen.",
    en: "No longer than the days between two questionnaires.",
  },
  "staff.settings.error.waveOrder": { nl: "T3 komt na T2.", en: "T3 comes after T2." },
  "staff.settings.error.senderName": {
    nl:
      '1 tot 60 tekens, zonder <, >, aanhalingstekens (") of regeleinden en andere ' +
      "stuurtekens, en zonder woorden die iets over de reden van begeleiding verraden.",
    en:
      '1 to 60 characters, without <, >, quotes (") or line breaks and other ' +
      "control characters, and without words that reveal why the youth receives care.",
  },
  "staff.settings.error.quickExit": {
    nl: "Een volledig webadres dat begint met https:// of http://.",
    en: "A full web address starting with https:// or http://.",
  },
  "staff.settings.error.time": { nl: "Een tijd als 21:00.", en: "A time such as 21:00." },
  "staff.settings.error.weekdays": {
    nl: "Laat minstens één dag over waarop berichten verstuurd worden.",
    en: "Leave at least one day on which messages are sent.",
  },
  "staff.settings.frequency": { nl: "Hoe vaak per vragenlijst", en: "How often per questionnaire" },
  "staff.settings.frequencyNote": {
    nl: "Een korte vragenlijst kan minder vaak gevraagd worden, een lange vragenlijst ook tussen T1/T2/T3 door.",
    en: "A short questionnaire can be asked less often, a long questionnaire also in between T1/T2/T3.",
  },
  "staff.settings.instrumentEvery": {
    nl: "{name}: bij elke zoveelste korte meting (leeg of 1 = elke keer)",
    en: "{name}: at every k-th short questionnaire (empty or 1 = every time)",
  },
  "staff.settings.waveEvery": {
    nl: "{name}: ook elke zoveel weken (leeg = alleen bij T1/T2/T3)",
    en: "{name}: also every this many weeks (empty = only at T1/T2/T3)",
  },
  "staff.settings.error.orEmpty": { nl: "Of laat het veld leeg.", en: "Or leave the field empty." },
  "staff.settings.error.notAsked": {
    nl: "Deze pilot vraagt deze vragenlijst niet.",
    en: "This pilot does not ask this questionnaire.",
  },
  "staff.settings.error.beyondStudy": {
    nl: "Komt niet één keer binnen de duur van de pilot per jongere.",
    en: "Does not come once within the length of the pilot per youth.",
  },
  "staff.pilot.settings": { nl: "Instellingen", en: "Settings" },
  "staff.import.kind": { nl: "Wat importeer je?", en: "What are you importing?" },
  "staff.import.kind.participants": { nl: "Jongeren", en: "Youths" },
  "staff.import.kind.measurements": { nl: "Eerdere metingen (lang formaat)", en: "Earlier measurements (long format)" },
  "staff.import.columns": { nl: "Kolommen (eerste regel)", en: "Columns (first line)" },
  "staff.import.file": {
    nl: "CSV-bestand (';' of ',', UTF-8 of Excel's gewone CSV, max. 2 MB)",
    en: "CSV file (';' or ',', UTF-8 or Excel's plain CSV, max. 2 MB)",
  },
  "staff.import.dryRun": { nl: "Controleren (er wordt niets opgeslagen)", en: "Check (nothing is stored)" },
  "staff.import.commit": { nl: "Importeren (alles of niets)", en: "Import (all or nothing)" },
  "staff.import.ok": { nl: "Alle regels zijn in orde.", en: "All rows are fine." },
  "staff.import.committed": {
    nl: "Geïmporteerd: alle regels zijn opgeslagen.",
    en: "Imported: every row has been stored.",
  },
  "staff.import.bad": {
    nl: "Deze regels zijn niet in orde. Er is niets opgeslagen.",
    en: "These rows are not fine. Nothing has been stored.",
  },
  "staff.import.rows": { nl: "Regels", en: "Rows" },
  "staff.import.line": { nl: "Regel", en: "Line" },
  "staff.import.column": { nl: "Kolom", en: "Column" },
  "staff.import.reason": { nl: "Reden", en: "Reason" },
  "staff.import.noFile": { nl: "Kies een CSV-bestand.", en: "Choose a CSV file." },
  "staff.import.template": { nl: "Sjabloon downloaden", en: "Download template" },
  "staff.import.formats": {
    nl:
      "Opgeslagen uit Excel mag: ';' of ',' als scheidingsteken, " +
      "datums als dd-mm-jjjj of jjjj-mm-dd, decimale komma of punt.",
    en: "Saved from Excel is fine: ';' or ',' as separator, dates as dd-mm-yyyy or yyyy-mm-dd, decimal comma or point.",
  },
  // Import errors (worker/studies/import.ts): shown as "Regel n, kolom c: Dutch / English"; {x} are filled in.
  "import.error.at": { nl: "Regel {line}, kolom {column}", en: "line {line}, column {column}" },
  "import.error.atLine": { nl: "Regel {line}", en: "line {line}" },
  "import.error.columns": {
    nl: "{found} kolommen in plaats van {expected}",
    en: "expected {expected} columns, found {found}",
  },
  "import.error.otherSeparator": {
    nl: "deze regel gebruikt '{other}' als scheidingsteken, de kopregel '{sep}'",
    en: "this row is separated by '{other}', the header by '{sep}' (expected {expected} columns, found {found})",
  },
  "import.error.decimalComma": {
    nl:
      "{found} kolommen in plaats van {expected}: staat er een decimale komma in een waarde? " +
      "Zet die waarde tussen aanhalingstekens of sla het bestand op met ';' als scheidingsteken",
    en:
      "expected {expected} columns, found {found}: is there a decimal comma " +
      "in a value? Quote that value or save the file with ';' as separator",
  },
  "import.error.code": {
    nl: "een code heeft 2–32 letters, cijfers, - of _",
    en: "code must be 2–32 letters, digits, - or _",
  },
  "import.error.codeExists": {
    nl: "dubbel: {code} bestaat al in deze pilot",
    en: "duplicate: {code} already exists in this pilot",
  },
  "import.error.codeTwice": {
    nl: "dubbel: {code} staat ook op regel {other}",
    en: "duplicate: {code} also on line {other}",
  },
  "import.error.date": {
    nl: "geen datum; gebruik dd-mm-jjjj of jjjj-mm-dd",
    en: "not a date; use dd-mm-yyyy or yyyy-mm-dd (YYYY-MM-DD)",
  },
  "import.error.dateTime": {
    nl: "geen datum; gebruik dd-mm-jjjj of jjjj-mm-dd, eventueel met een tijd uu:mm",
    en: "not a date; use dd-mm-yyyy or yyyy-mm-dd (YYYY-MM-DD), optionally with a time hh:mm",
  },
  "import.error.noSuchDate": {
    nl: "{value} bestaat niet als datum",
    en: "{value} is not a calendar date (not a date)",
  },
  "import.error.startPast": {
    nl: "buiten bereik: startdatum meer dan {days} dagen geleden",
    en: "out of range: pilot start date more than {days} days ago",
  },
  "import.error.startFuture": {
    nl: "buiten bereik: startdatum meer dan {days} dagen vooruit",
    en: "out of range: pilot start date more than {days} days ahead",
  },
  "import.error.consentFuture": {
    nl: "buiten bereik: toestemming in de toekomst",
    en: "out of range: consent date in the future",
  },
  "import.error.consentOld": {
    nl: "buiten bereik: toestemming meer dan drie jaar geleden",
    en: "out of range: consent date more than three years ago",
  },
  "import.error.consentBy": {
    nl: "vul self (jongere van 16+) of guardian (ouder/voogd) in",
    en: "must be self (youth 16+) or guardian",
  },
  "import.error.email": { nl: "geen e-mailadres", en: "not an e-mail address" },
  "import.error.unknownParticipant": {
    nl: "onbekende jongere {code} in deze pilot",
    en: "unknown participant {code} in this pilot",
  },
  "import.error.withdrawn": {
    nl: "deze jongere neemt niet meer deel (teruggetrokken)",
    en: "participant has withdrawn",
  },
  "import.error.unknownInstrument": { nl: "onbekende vragenlijst {instrument}", en: "unknown instrument {instrument}" },
  "import.error.unknownItem": {
    nl: "onbekende vraag {item} in vragenlijst {instrument} (bekend: {known})",
    en: "unknown item {item} for instrument {instrument} (known: {known})",
  },
  "import.error.future": { nl: "buiten bereik: in de toekomst", en: "out of range: in the future" },
  "import.error.beforeStart": {
    nl: "buiten bereik: voor de startdatum {date}",
    en: "out of range: before the pilot start date {date}",
  },
  "import.error.valueEmpty": { nl: "geen waarde", en: "value is empty" },
  "import.error.yesNo": { nl: "vul 1/ja/yes of 0/nee/no in", en: "must be 1/ja/yes or 0/nee/no" },
  "import.error.number": {
    nl: "geen getal (decimale komma of punt, hoogstens twee decimalen)",
    en: "not a number (decimal comma or point, at most two decimals)",
  },
  "import.error.slider": { nl: "buiten bereik 0–10", en: "out of range 0–10" },
  "import.error.scale": {
    nl: "buiten bereik {min}–{max} (hele getallen)",
    en: "out of range {min}–{max} (whole numbers)",
  },
  "import.error.comment": { nl: "langer dan {max} tekens", en: "longer than {max} characters" },
  "import.error.sameDay": {
    nl: "dubbel met regel {other} (zelfde jongere, vragenlijst, vraag en dag)",
    en: "duplicate of line {other} (same youth, instrument, item and day)",
  },
  "import.error.stored": {
    nl: "dubbel: al opgeslagen voor deze jongere, vragenlijst, vraag en dag",
    en: "duplicate: already stored for this youth, instrument, item and day",
  },
  "import.error.malformed": {
    nl: "Geen geldige CSV op regel {line}: {reason}",
    en: "Malformed CSV at line {line}: {reason}",
  },
  "import.error.csv.nul": {
    nl: "binaire gegevens (NUL-byte), geen CSV-bestand",
    en: "binary data (NUL byte) is not a CSV file",
  },
  "import.error.csv.quoteInField": {
    nl: "een aanhalingsteken midden in een veld zonder aanhalingstekens",
    en: "a quote inside an unquoted field",
  },
  "import.error.csv.afterQuote": { nl: "tekst na een sluitend aanhalingsteken", en: "text after a closing quote" },
  "import.error.csv.unclosed": {
    nl: "een veld tussen aanhalingstekens wordt niet gesloten",
    en: "a quoted field is not closed",
  },
  "import.error.empty": { nl: "Het bestand is leeg.", en: "The file is empty." },
  "import.error.header": {
    nl: "Regel 1 (kopregel) moet precies deze kolommen hebben: {columns}",
    en: "The header (line 1) must be exactly: {columns}",
  },
  "import.error.headerMixed": {
    nl: "De kopregel bevat zowel ';' als ','; gebruik één scheidingsteken",
    en: "The header contains both ';' and ','; use one separator",
  },
  "import.error.tooManyRows": { nl: "Hoogstens {max} regels per import", en: "At most {max} rows per import" },
  "import.error.noRows": { nl: "Geen regels om te importeren", en: "No rows to import" },
  "import.error.contentType": { nl: "Stuur het bestand als text/csv", en: "Send the file as text/csv" },
  "import.error.tooLarge": {
    nl: "Het CSV-bestand is groter dan {mib} MiB",
    en: "CSV larger than {mib} MiB (CSV too large)",
  },
  "import.error.rejected": {
    nl: "{n} regels niet in orde; er is niets opgeslagen",
    en: "{n} bad rows; nothing was stored",
  },
  "staff.youth.change": { nl: "Status wijzigen", en: "Change status" },
  "staff.youth.newStatus": { nl: "Nieuwe status", en: "New status" },
  "staff.youth.save": { nl: "Opslaan", en: "Save" },
  "staff.youth.withdraw": { nl: "Deelname beëindigen (terugtrekken)", en: "End participation (withdraw)" },
  "staff.youth.withdrawConfirm": {
    nl: "Ik weet dat hiermee direct alle contact stopt en haar e-mailadressen worden gewist.",
    en: "I understand that this stops all contact at once and erases her e-mail addresses.",
  },
  "staff.youth.withdrawn": {
    nl: "Deelname beëindigd: er wordt geen contact meer opgenomen en de contactgegevens zijn gewist.",
    en: "Participation ended: no further contact, contact data erased.",
  },
  "staff.youth.updated": { nl: "De status is gewijzigd.", en: "The status has been changed." },
  "staff.form.background": { nl: "Achtergrondkenmerken", en: "Background characteristics" },
  "staff.form.risl": { nl: "RIS-L (signalen en risico's)", en: "RIS-L (signals and risks)" },
  "staff.form.saved": { nl: "Het formulier is opgeslagen.", en: "The form has been saved." },
  "staff.form.notFilled": { nl: "nog niet ingevuld", en: "not filled in yet" },
  "staff.form.save": { nl: "Formulier opslaan", en: "Save form" },
  "staff.form.scores": { nl: "Scores (aantal 'ja')", en: "Scores (number of 'yes')" },
  "staff.form.yes": { nl: "ja", en: "yes" },
  "staff.form.no": { nl: "nee", en: "no" },
  "staff.form.unknown": { nl: "onbekend", en: "unknown" },
  "staff.form.listHint": { nl: "meerdere: scheiden met komma's", en: "several: separate with commas" },
  "staff.risl.a6": { nl: "Deel 1A6", en: "Part 1A6" },
  "staff.risl.signals": { nl: "1C signalen", en: "1C signals" },
  "staff.risl.risks": { nl: "1D risico's", en: "1D risks" },
  "staff.risl.protective": { nl: "Beschermende factoren", en: "Protective factors" },
  "staff.risl.item": { nl: "item", en: "item" },
  "staff.bg.ageAtPilotStart": { nl: "Leeftijd bij start pilot", en: "Age at pilot start" },
  "staff.bg.careStartDate": { nl: "Startdatum zorg", en: "Care start date" },
  "staff.bg.pilotStartDate": { nl: "Startdatum pilot", en: "Pilot start date" },
  "staff.bg.pilotEndDate": {
    nl: "Einddatum pilot (leeg: nog in de pilot)",
    en: "Pilot end date (empty: still in the pilot)",
  },
  "staff.bg.otherText": { nl: "anders, namelijk", en: "other, namely" },
  "staff.bg.referralReason": { nl: "Reden van aanmelding", en: "Reason for referral" },
  "staff.bg.referralProblems": { nl: "Problematiek bij aanmelding", en: "Problems at referral" },
  "staff.bg.dsmCodes": { nl: "DSM/CAP-J-codes (optioneel)", en: "DSM/CAP-J codes (optional)" },
  "staff.bg.educationLevel": { nl: "Opleidingsniveau", en: "Education level" },
  "staff.bg.countryOfOrigin": { nl: "Land van herkomst", en: "Country of origin" },
  "staff.bg.country.nl": { nl: "Nederland", en: "The Netherlands" },
  "staff.bg.country.west_european": { nl: "West-Europees", en: "West European" },
  "staff.bg.country.non_west_european": { nl: "Niet-West-Europees", en: "Non-West European" },
  "staff.bg.dayActivityBefore": { nl: "Dagbesteding voor opname", en: "Day activity before admission" },
  "staff.bg.livingSituationBefore": { nl: "Woonsituatie voor opname", en: "Living situation before admission" },
  "staff.bg.careBefore": { nl: "Ingezette zorg voor opname", en: "Care before admission" },
  "staff.bg.income": { nl: "Inkomen", en: "Income" },
  "staff.bg.debts": { nl: "Schulden", en: "Debts" },
  "staff.audit.title": { nl: "Auditlog", en: "Audit log" },
  "staff.audit.at": { nl: "Tijdstip", en: "Time" },
  "staff.audit.actor": { nl: "Wie", en: "Who" },
  "staff.audit.action": { nl: "Actie", en: "Action" },
  "staff.audit.pilot": { nl: "Pilot", en: "Pilot" },
  "staff.audit.target": { nl: "Betreft", en: "Concerns" },
  "staff.audit.details": { nl: "Details", en: "Details" },
  "staff.audit.filter": { nl: "Filteren", en: "Filter" },
  "staff.audit.older": { nl: "Oudere regels", en: "Older entries" },
  // Whole-study archive (admins; worker/studies/ARCHIVE.md)
  "staff.archive.title": { nl: "Archief van de studie", en: "Study archive" },
  "staff.archive.intro": {
    nl:
      "Eén bestand met de hele studie: pilots en instellingen, vragenlijsten, jongeren (onder " +
      "hun code), metingen, antwoorden, formulieren, verzendgeschiedenis zonder adressen, " +
      "medewerkers met hun rollen en het auditlog. Niet erin: sessies, aanmeldlinks en API-tokens.",
    en:
      "One file with the whole study: pilots and settings, questionnaires, youths (under " +
      "their code), occasions, answers, forms, sending history without addresses, staff with " +
      "their roles and the audit log. Not included: sessions, sign-in links and API tokens.",
  },
  "staff.archive.download.title": { nl: "Archief downloaden", en: "Download the archive" },
  "staff.archive.contacts": { nl: "Contactgegevens meenemen (versleuteld)", en: "Include contact data (encrypted)" },
  "staff.archive.contactsWarning": {
    nl:
      "Alleen aanvinken als het archief wordt teruggezet in een installatie met " +
      "dezelfde sleutel (CONTACT_KEY, of die sleutel in CONTACT_KEYS_PREVIOUS). De " +
      "adressen blijven versleuteld, maar bewaar het bestand dan extra zorgvuldig.",
    en:
      "Only tick this when the archive is restored into an installation with the same key (CONTACT_KEY, or that " +
      "key in CONTACT_KEYS_PREVIOUS). The addresses stay encrypted, but keep the file all the more carefully.",
  },
  "staff.archive.download": { nl: "Archief downloaden", en: "Download archive" },
  "staff.archive.restore.title": { nl: "Archief terugzetten", en: "Restore an archive" },
  "staff.archive.restore.intro": {
    nl:
      "Alleen in een lege installatie: na de setup, voordat er pilots of jongeren " +
      "zijn. Medewerkers die er al zijn worden op e-mailadres samengevoegd, " +
      "ingebouwde vragenlijsten op naam. Gaat er iets mis, dan wordt niets bewaard.",
    en:
      "Only into an empty installation: after setup, before there are pilots or youths. Staff already present " +
      "are merged by e-mail address, built-in questionnaires by key. If anything goes wrong, nothing is kept.",
  },
  "staff.archive.file": {
    nl: "Archiefbestand (.ndjson.gz, hooguit {max} MB hier; grotere via de API)",
    en: "Archive file (.ndjson.gz, at most {max} MB here; larger ones through the API)",
  },
  "staff.archive.restore.submit": { nl: "Terugzetten", en: "Restore" },
  "staff.archive.restored": { nl: "Het archief is teruggezet.", en: "The archive has been restored." },
  "staff.archive.failed": {
    nl: "Het archief is niet teruggezet; er is niets veranderd.",
    en: "The archive was not restored; nothing was changed.",
  },
  "staff.archive.noFile": { nl: "Kies een archiefbestand.", en: "Choose an archive file." },
  "staff.archive.col.table": { nl: "Tabel", en: "Table" },
  "staff.archive.col.rows": { nl: "Rijen", en: "Rows" },
  // Admin screens (issue 11): pilots, staff users and API tokens (worker/staff/admin-pages.tsx)
  "staff.admin.title": { nl: "Beheer", en: "Administration" },
  "staff.admin.intro": {
    nl: "Pilots, medewerkers en API-sleutels van deze installatie.",
    en: "Pilots, staff and API tokens of this installation.",
  },
  "staff.admin.archive": { nl: "Export en herstel van de studie", en: "Study export and restore" },
  "staff.admin.pilots": { nl: "Pilots", en: "Pilots" },
  "staff.admin.staff": { nl: "Medewerkers", en: "Staff" },
  "staff.admin.tokens": { nl: "API-sleutels", en: "API tokens" },
  "staff.admin.back": { nl: "Terug naar Beheer", en: "Back to Administration" },
  "staff.admin.never": { nl: "nooit", en: "never" },
  "staff.admin.col.key": { nl: "Sleutel", en: "Key" },
  "staff.admin.col.name": { nl: "Naam", en: "Name" },
  "staff.admin.col.organisation": { nl: "Organisatie", en: "Organisation" },
  "staff.admin.col.email": { nl: "E-mailadres", en: "E-mail address" },
  "staff.admin.col.roles": { nl: "Rollen", en: "Roles" },
  "staff.admin.col.status": { nl: "Status", en: "Status" },
  "staff.admin.col.role": { nl: "Rol", en: "Role" },
  "staff.admin.col.pilots": { nl: "Pilots", en: "Pilots" },
  "staff.admin.col.created": { nl: "Gemaakt", en: "Created" },
  "staff.admin.col.lastUsed": { nl: "Laatst gebruikt", en: "Last used" },
  "staff.admin.col.expires": { nl: "Verloopt", en: "Expires" },
  "staff.admin.col.actions": { nl: "Actie", en: "Action" },
  "staff.admin.pilots.none": { nl: "Er zijn nog geen pilots.", en: "There are no pilots yet." },
  "staff.admin.pilots.new": { nl: "Nieuwe pilot", en: "New pilot" },
  "staff.admin.pilot.key": {
    nl: "Sleutel (2 tot 40 kleine letters, cijfers of -; staat in adressen en verandert later niet)",
    en: "Key (2 to 40 lowercase letters, digits or -; used in addresses, cannot change later)",
  },
  "staff.admin.pilot.name": { nl: "Naam", en: "Name" },
  "staff.admin.pilot.organisation": { nl: "Organisatie", en: "Organisation" },
  "staff.admin.pilot.timezone": {
    nl: "Tijdzone (bijvoorbeeld Europe/Amsterdam)",
    en: "Time zone (for example Europe/Amsterdam)",
  },
  "staff.admin.pilot.create": { nl: "Pilot aanmaken", en: "Create pilot" },
  "staff.admin.pilot.created": {
    nl: "De pilot is aangemaakt. Voeg nu medewerkers toe en stel de planning in.",
    en: "The pilot has been created. Now add staff and set up its schedule.",
  },
  "staff.admin.pilot.saved": {
    nl: "De gegevens van de pilot zijn opgeslagen.",
    en: "The pilot's details have been saved.",
  },
  "staff.admin.pilot.details": { nl: "Gegevens en vragenlijsten", en: "Details and questionnaires" },
  "staff.admin.pilot.instrumentsNote": {
    nl:
      "Wijzigingen gelden voor metingen die vanaf nu opengaan. Een vragenlijst " +
      "met licentie is pas te kiezen als de definitie is geïmporteerd.",
    en:
      "Changes apply to occasions that open from now on. A licensed " +
      "questionnaire can be chosen once its definition has been imported.",
  },
  "staff.admin.pilot.incomplete": { nl: "nog niet volledig geïmporteerd", en: "not fully imported yet" },
  "staff.admin.pilot.missing": { nl: "niet geïnstalleerd", en: "not installed" },
  "staff.admin.pilot.settingsLink": {
    nl: "Planning en herinneringen van deze pilot",
    en: "Schedule and reminders of this pilot",
  },
  "staff.admin.items.title": { nl: "Eigen vragen van de pilot", en: "The pilot's own items" },
  "staff.admin.items.intro": {
    nl:
      "Elke wijziging maakt een nieuwe versie; eerdere antwoorden houden hun versie. Laat sleutel en teksten " +
      "leeg om een vraag weg te laten. Vink daarna de eigen vragen aan bij de vragenlijsten hierboven.",
    en:
      "Every change makes a new version; earlier answers keep theirs. Leave key and texts " +
      "empty to drop an item. Then tick the pilot's own items among the questionnaires above.",
  },
  "staff.admin.items.item": { nl: "Vraag {n}", en: "Item {n}" },
  "staff.admin.items.key": { nl: "Sleutel (kleine letters, cijfers of _)", en: "Key (lowercase letters, digits or _)" },
  "staff.admin.items.type": { nl: "Soort antwoord", en: "Kind of answer" },
  "staff.admin.items.slider": { nl: "schuifje van 0 tot 10", en: "slider from 0 to 10" },
  "staff.admin.items.yesno": { nl: "ja of nee", en: "yes or no" },
  "staff.admin.items.textNl": { nl: "Vraag in het Nederlands", en: "Question in Dutch" },
  "staff.admin.items.textEn": { nl: "Vraag in het Engels", en: "Question in English" },
  "staff.admin.items.lowNl": {
    nl: "Tekst links bij het schuifje, Nederlands (mag leeg)",
    en: "Text at the slider's left end, Dutch (optional)",
  },
  "staff.admin.items.lowEn": {
    nl: "Tekst links bij het schuifje, Engels (mag leeg)",
    en: "Text at the slider's left end, English (optional)",
  },
  "staff.admin.items.highNl": {
    nl: "Tekst rechts bij het schuifje, Nederlands (mag leeg)",
    en: "Text at the slider's right end, Dutch (optional)",
  },
  "staff.admin.items.highEn": {
    nl: "Tekst rechts bij het schuifje, Engels (mag leeg)",
    en: "Text at the slider's right end, English (optional)",
  },
  "staff.admin.items.leftCare": {
    nl: "Alleen vragen als de jongere uit zorg is (schuifje)",
    en: "Only ask once the youth has left care (slider)",
  },
  "staff.admin.items.save": { nl: "Vragen opslaan", en: "Save items" },
  "staff.admin.items.saved": {
    nl: "De vragen zijn opgeslagen als versie {version}.",
    en: "The items have been saved as version {version}.",
  },
  "staff.admin.items.unchanged": {
    nl: "De vragen waren niet veranderd; er is geen nieuwe versie gemaakt.",
    en: "The items had not changed; no new version was made.",
  },
  "staff.admin.staff.new": { nl: "Medewerker toevoegen", en: "Add staff member" },
  "staff.admin.staff.email": { nl: "E-mailadres", en: "E-mail address" },
  "staff.admin.staff.name": { nl: "Naam", en: "Name" },
  "staff.admin.staff.admin": {
    nl: "Beheerder: mag pilots, medewerkers en API-sleutels beheren",
    en: "Admin: may manage pilots, staff and API tokens",
  },
  "staff.admin.staff.roles": { nl: "Rollen", en: "Roles" },
  "staff.admin.staff.rolesNote": {
    nl:
      "Een onderzoeker werkt met de jongeren van haar pilot; een coördinator leest " +
      "de samenvattingen van haar pilot; een projectcoördinator leest alle pilots.",
    en:
      "A researcher works with the youths of her pilot; a coordinator " +
      "reads her pilot's summaries; a project coordinator reads every pilot.",
  },
  "staff.admin.staff.roleAt": { nl: "Rol bij {pilot}", en: "Role at {pilot}" },
  "staff.admin.staff.noRole": { nl: "geen", en: "none" },
  "staff.admin.staff.both": { nl: "onderzoeker en coördinator", en: "researcher and coordinator" },
  "staff.admin.staff.projectCoordinator": {
    nl: "Projectcoördinator (leest alle pilots)",
    en: "Project coordinator (reads every pilot)",
  },
  "staff.admin.staff.noRoles": { nl: "geen rollen", en: "no roles" },
  "staff.admin.staff.active": { nl: "actief", en: "active" },
  "staff.admin.staff.disabledState": { nl: "uitgeschakeld", en: "disabled" },
  "staff.admin.staff.created": {
    nl: "De medewerker is toegevoegd. Ze meldt zich aan op de aanmeldpagina met een link die ze per e-mail krijgt.",
    en: "The staff member has been added. She signs in on the sign-in page with a link she receives by e-mail.",
  },
  "staff.admin.staff.rolesSaved": { nl: "De rollen zijn opgeslagen.", en: "The roles have been saved." },
  "staff.admin.staff.saveRoles": { nl: "Rollen opslaan", en: "Save roles" },
  "staff.admin.staff.disable.title": { nl: "Account uitschakelen", en: "Disable the account" },
  "staff.admin.staff.disable.intro": {
    nl:
      "Uitschakelen beëindigt meteen alle sessies van deze medewerker, maakt haar aanmeldlinks " +
      "ongeldig en trekt haar API-sleutels in. Dit kan niet ongedaan worden gemaakt.",
    en:
      "Disabling ends all of this staff member's sessions at once, invalidates " +
      "her sign-in links and revokes her API tokens. This cannot be undone.",
  },
  "staff.admin.staff.disable.confirm": { nl: "Ja, schakel dit account uit", en: "Yes, disable this account" },
  "staff.admin.staff.disable.submit": { nl: "Account uitschakelen", en: "Disable account" },
  "staff.admin.staff.disabled": {
    nl: "Het account is uitgeschakeld; de medewerker kan niet meer aanmelden.",
    en: "The account has been disabled; the staff member can no longer sign in.",
  },
  "staff.admin.staff.disabledAt": { nl: "Uitgeschakeld op {date}.", en: "Disabled on {date}." },
  "staff.admin.tokens.intro": {
    nl:
      "Een API-sleutel geeft een script toegang tot de JSON-API (/api/v1) met de rol en " +
      "pilots van de sleutel. Het geheim wordt één keer getoond; bewaard wordt alleen een hash.",
    en:
      "An API token gives a script access to the JSON API (/api/v1) with the " +
      "token's role and pilots. The secret is shown once; only a hash is stored.",
  },
  "staff.admin.tokens.none": { nl: "Er zijn nog geen API-sleutels.", en: "There are no API tokens yet." },
  "staff.admin.tokens.new": { nl: "Nieuwe API-sleutel", en: "New API token" },
  "staff.admin.tokens.name": { nl: "Naam van de sleutel (waarvoor hij dient)", en: "Token name (what it is for)" },
  "staff.admin.tokens.role": { nl: "Rol van de sleutel", en: "Token role" },
  "staff.admin.tokens.pilots": {
    nl: "Pilots (alleen voor onderzoeker en coördinator)",
    en: "Pilots (researcher and coordinator only)",
  },
  "staff.admin.tokens.allPilots": { nl: "alle pilots", en: "every pilot" },
  "staff.admin.tokens.create": { nl: "API-sleutel maken", en: "Create API token" },
  "staff.admin.tokens.created": { nl: "De API-sleutel is gemaakt", en: "The API token has been created" },
  "staff.admin.tokens.copyNow": {
    nl:
      "Kopieer het geheim nu en bewaar het veilig, bijvoorbeeld in de wachtwoordkluis " +
      "van de organisatie. Het wordt niet nog eens getoond: alleen een hash wordt bewaard.",
    en:
      "Copy the secret now and keep it safe, for example in the organisation's " +
      "password manager. It is not shown again: only a hash is stored.",
  },
  "staff.admin.tokens.secret": { nl: "Geheim", en: "Secret" },
  "staff.admin.tokens.back": {
    nl: "Ik heb het geheim bewaard: terug naar de API-sleutels",
    en: "I have kept the secret: back to the API tokens",
  },
  "staff.admin.tokens.revoke": { nl: "Intrekken", en: "Revoke" },
  "staff.admin.tokens.revokeLabel": { nl: "Sleutel {name} intrekken", en: "Revoke token {name}" },
  "staff.admin.tokens.revoked": { nl: "De API-sleutel is ingetrokken.", en: "The API token has been revoked." },
  "staff.admin.tokens.revokedState": { nl: "ingetrokken", en: "revoked" },
  "staff.admin.tokens.expiredState": { nl: "verlopen", en: "expired" },
  "staff.admin.tokens.days": {
    nl: "Geldig (dagen, 1 tot {max}; standaard 90)",
    en: "Valid for (days, 1 to {max}; default 90)",
  },
  "staff.admin.error.key": {
    nl: "2 tot 40 tekens: kleine letters, cijfers of -, beginnend met een letter.",
    en: "2 to 40 characters: lowercase letters, digits or -, starting with a letter.",
  },
  "staff.admin.error.keyTaken": { nl: "Er is al een pilot met deze sleutel.", en: "A pilot with this key exists." },
  "staff.admin.error.text": { nl: "Vul 1 tot 120 tekens in.", en: "Enter 1 to 120 characters." },
  "staff.admin.error.timezone": {
    nl: "Onbekende tijdzone. Gebruik een naam als Europe/Amsterdam.",
    en: "Unknown time zone. Use a name such as Europe/Amsterdam.",
  },
  "staff.admin.error.email": {
    nl: "Vul een geldig e-mailadres in, zoals naam@organisatie.nl.",
    en: "Enter a valid e-mail address, such as name@organisation.nl.",
  },
  "staff.admin.error.emailTaken": {
    nl: "Er is al een medewerker met dit e-mailadres.",
    en: "A staff member with this e-mail address exists.",
  },
  "staff.admin.error.roles": {
    nl: "Onbekende pilot of rol: kies per pilot een rol uit de lijst.",
    en: "Unknown pilot or role: choose a role from the list for each pilot.",
  },
  "staff.admin.error.frequent": {
    nl: "Kies minstens één geïnstalleerde vragenlijst (hoogstens 12).",
    en: "Choose at least one installed questionnaire (at most 12).",
  },
  "staff.admin.error.wave": {
    nl: "Kies alleen vragenlijsten die volledig zijn geïmporteerd (hoogstens 6).",
    en: "Choose only questionnaires that have been fully imported (at most 6).",
  },
  "staff.admin.error.items": {
    nl: "Vul minstens één en hoogstens 12 vragen in, elk met een eigen sleutel.",
    en: "Enter at least one and at most 12 items, each with its own key.",
  },
  "staff.admin.error.itemKey": {
    nl: "Kleine letters, cijfers of _, beginnend met een letter (hoogstens 32 tekens).",
    en: "Lowercase letters, digits or _, starting with a letter (at most 32 characters).",
  },
  "staff.admin.error.itemText": {
    nl:
      "1 tot 300 tekens (links en rechts: 60), zonder < of > en zonder woorden die " +
      "iets over de reden van begeleiding verraden; vul Nederlands en Engels allebei in.",
    en:
      "1 to 300 characters (left and right end: 60), without < or > and without " +
      "words that reveal why the youth receives care; fill in both Dutch and English.",
  },
  "staff.admin.error.itemType": { nl: "Kies schuifje of ja/nee.", en: "Choose slider or yes/no." },
  "staff.admin.error.tokenName": { nl: "Vul 1 tot 80 tekens in.", en: "Enter 1 to 80 characters." },
  "staff.admin.error.tokenDays": {
    nl: "Vul een heel getal in van 1 tot en met {max}.",
    en: "Enter a whole number from 1 to {max}.",
  },
  "staff.admin.error.tokenRole": { nl: "Kies een rol uit de lijst.", en: "Choose a role from the list." },
  "staff.admin.error.tokenPilots": {
    nl:
      "Een sleutel voor een onderzoeker of coördinator heeft pilots nodig; een " +
      "sleutel voor een projectcoördinator of beheerder geldt voor alle pilots.",
    en: "A researcher or coordinator token needs pilots; a project coordinator or admin token covers every pilot.",
  },
  "staff.admin.error.repeated": {
    nl: "Dit veld is meer dan één keer verstuurd.",
    en: "This field was sent more than once.",
  },
  "staff.admin.error.confirm": {
    nl: "Vink aan dat je dit account wilt uitschakelen.",
    en: "Tick that you want to disable this account.",
  },
  "staff.admin.error.self": {
    nl: "Je kunt je eigen account niet uitschakelen.",
    en: "You cannot disable your own account.",
  },
  "staff.admin.error.nothing": { nl: "Er was niets veranderd.", en: "Nothing had changed." },
  "staff.trend.up": { nl: "significant omhoog", en: "significantly up" },
  "staff.trend.down": { nl: "significant omlaag", en: "significantly down" },
  "chart.day": { nl: "dag", en: "day" },
  "chart.last": { nl: "laatste", en: "last" },
  "chart.empty": { nl: "nog geen metingen", en: "no measurements yet" },
  "chart.line": { nl: "lijn: Theil-Sen-helling", en: "line: Theil-Sen slope" },
  "chart.improved": { nl: "betrouwbaar verbeterd", en: "reliably improved" },
  "chart.deteriorated": { nl: "betrouwbaar verslechterd", en: "reliably deteriorated" },

  "staff.pilot.missingInstruments": {
    nl:
      "Deze vragenlijsten zijn ingesteld maar niet geïnstalleerd, dus worden metingen ermee niet " +
      "gepland: {instruments}. Vraag een beheerder ze te importeren of uit de instellingen te halen.",
    en:
      "These questionnaires are configured but not installed, so no measurements with them are " +
      "planned: {instruments}. Ask an admin to import them or remove them from the settings.",
  },
  // The page every visitor gets while the Worker refuses to serve (worker/lib/unavailable.ts): neutral, no details.
  "unavailable.title": { nl: "Even niet beschikbaar", en: "Temporarily unavailable" },
  "unavailable.body": { nl: "Probeer het later nog eens.", en: "Please try again later." },
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
  "report.bandLetter.high": { nl: "H", en: "H" },
  "report.bandLetter.middle": { nl: "G", en: "M" },
  "report.bandLetter.low": { nl: "L", en: "L" },
  "report.bandLetterNote": {
    nl:
      "Elke gekleurde cel draagt ook een letter (H = hoog/groen, G = " +
      "gemiddeld/geel, L = laag/roze), zodat de band ook zonder kleur leesbaar is.",
    en:
      "Every coloured cell also carries a letter (H = high/green, M = " +
      "middle/yellow, L = low/pink), so the band reads without colour too.",
  },
  "report.bandRulesPer": { nl: "Wat de kleuren per indicator betekenen", en: "What the colours mean per indicator" },
  "report.nrMark": {
    nl:
      "nr = wel gepland maar niet ingevuld (non-respons); een lege cel " +
      "= nog niet aan de beurt of niet ingevuld door de begeleiding.",
    en: "nr = due but not answered (non-response); an empty cell = not yet due, or not filled in by staff.",
  },
  "report.firstMeasurement": { nl: "1e meting", en: "First measurement" },
  "report.lastMeasurement": { nl: "Laatste meting", en: "Last measurement" },
  "report.firstLastNote": {
    nl:
      "Eerste en laatste ingevulde meting (golf tussen haakjes); " +
      "↑/↓ = betrouwbare verandering tussen beide (|RCI| > 1,96).",
    en: "First and last completed measurement (wave in brackets); ↑/↓ = reliable change between them (|RCI| > 1.96).",
  },
  "report.smallCell": {
    nl:
      "Aantallen kleiner dan {n} worden niet getoond (< {n}), evenmin als gemiddelden " +
      "over minder dan {n} jongeren; vrije tekst komt nooit in een samenvatting.",
    en:
      "Counts below {n} are not shown (< {n}), nor are means over " +
      "fewer than {n} youths; free text never appears in a summary.",
  },
  "report.flag.up": {
    nl: "++ significante verandering in de gewenste richting",
    en: "++ significant change in the desired direction",
  },
  "report.flag.down": {
    nl: "-- significante verandering in de ongewenste richting",
    en: "-- significant change in the undesired direction",
  },
  "report.waveMark": {
    nl: "Golfscores komen van de laatste ingevulde golf (T2 of T3, tussen haakjes); alleen T1 = leeg.",
    en: "Wave scores come from the last completed wave (T2 or T3, in brackets); only T1 = empty.",
  },
  "report.bandRules": {
    nl:
      "Kleuren: welzijn, basisbehoeften en pilot-items ≥ 7 hoog, ≤ 5 laag; GCI-R ±1 SD van de " +
      "norm; ATMQ 25e/75e percentiel van de norm; TASC ±1 SD van de eigen groep op T1; RIS-L " +
      "25e/75e percentiel van de onderzoeksgroep (alle pilots; of de eigen pilot, als instelling). " +
      "Groen is altijd gunstig (bij Repressie en RIS-L-risico's is een lage score groen).",
    en:
      "Colours: wellbeing, basic needs and pilot items ≥ 7 high, ≤ 5 low; GCI-R ±1 SD of " +
      "the norm; ATMQ norm 25th/75th percentile; TASC ±1 SD of the own group at T1; RIS-L " +
      "25th/75th percentile of the study group (all pilots; or the own pilot, as a setting). " +
      "Green is always favourable (for Repression and RIS-L risks a low score is green).",
  },
  "report.waves": { nl: "Scores per golf (Bijlage 1)", en: "Scores per wave (Appendix 1)" },
  /** a wave instrument's series over every measurement (interval and T waves), after its scale's name */
  "report.series.all": { nl: "alle metingen", en: "all measurements" },
  "report.nonResponse": { nl: "nr", en: "nr" },
  "report.nonResponseNote": {
    nl:
      "nr = non-respons (golf niet ingevuld, nooit als 0 geteld); gewist = " +
      "ingevuld, maar de antwoorden zijn op verzoek gewist (geen non-respons)",
    en:
      "nr = non-response (wave not answered, never counted as 0); erased = " +
      "answered, but the answers were erased on request (not non-response)",
  },
  "report.erased": { nl: "gewist", en: "erased" },
  "report.rciNote": {
    nl:
      "↑/↓ = betrouwbare verbetering/verslechtering (|RCI| > 1,96) ten " +
      "opzichte van de vorige golf; tussen haakjes ten opzichte van T1.",
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
  "report.fewNote": {
    nl: "Geen helling en geen toets bij minder dan 5 metingen.",
    en: "No slope and no test with fewer than 5 measurements.",
  },
  "report.response": { nl: "Respons", en: "Response" },
  "report.response.wave": { nl: "Golf", en: "Wave" },
  "report.response.invited": { nl: "uitgenodigd", en: "invited" },
  "report.response.completed": { nl: "ingevuld", en: "completed" },
  "report.response.erased": { nl: "gewist op verzoek", en: "erased on request" },
  "report.response.frequentErased": { nl: "frequent gewist op verzoek", en: "frequent erased on request" },
  "report.response.scheduled": { nl: "frequent gepland", en: "frequent scheduled" },
  "report.response.frequentDone": { nl: "frequent ingevuld", en: "frequent completed" },
  "report.response.status": { nl: "status", en: "status" },
  "report.response.median": {
    nl: "Mediane invultijd frequente vragenlijst (minuten)",
    en: "Median time to complete the frequent questionnaire (minutes)",
  },
  "report.background": { nl: "Achtergrondkenmerken", en: "Background characteristics" },
  "report.background.empty": {
    nl: "Nog geen achtergrondformulieren ingevuld.",
    en: "No background forms filled in yet.",
  },
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
  "report.download.xlsx": { nl: "Excel-bestand met codeboek (.xlsx)", en: "Excel workbook with codebook (.xlsx)" },
  "report.download.sps": {
    nl: "SPSS-syntax voor het brede bestand (.sps)",
    en: "SPSS syntax for the wide file (.sps)",
  },
  "report.download.r": { nl: "R-script voor het brede bestand (.R)", en: "R script for the wide file (.R)" },
  "report.download.answersCodebook": { nl: "Codeboek van de vragen (CSV)", en: "Item codebook (CSV)" },
  // ---- staff signals (issue 15; web/pages/staff/Signals.tsx, worker/signals/) ----
  "signals.title": { nl: "Meldingen", en: "Signals" },
  "signals.intro": {
    nl: "Jongeren bij wie een regel aansloeg. Alleen voor onderzoekers; een jongere ziet dit nooit.",
    en: "Youths for whom a rule fired. For researchers only; a youth never sees this.",
  },
  "signals.none": { nl: "Geen open of afgehandelde meldingen.", en: "No open or acknowledged signals." },
  "signals.showCleared": { nl: "Ook vervallen meldingen tonen", en: "Also show cleared signals" },
  "signals.col.youth": { nl: "Jongere", en: "Youth" },
  "signals.col.rule": { nl: "Regel", en: "Rule" },
  "signals.col.indicator": { nl: "Indicator", en: "Indicator" },
  "signals.col.evidence": { nl: "Onderbouwing", en: "Evidence" },
  "signals.col.status": { nl: "Status", en: "Status" },
  "signals.col.raised": { nl: "Gemeld", en: "Raised" },
  "signals.rule.trend_down": { nl: "Significante daling (--)", en: "Significant downward trend (--)" },
  "signals.rule.low_twice": { nl: "Meermaals laag op rij", en: "Low several times in a row" },
  "signals.rule.drop_vs_median": { nl: "Daling t.o.v. eigen mediaan", en: "Drop against own median" },
  "signals.rule.reliable_deterioration": {
    nl: "Betrouwbare verslechtering tussen metingen",
    en: "Reliable deterioration between waves",
  },
  "signals.rule.missed_in_row": { nl: "Meermaals op rij gemist", en: "Missed several times in a row" },
  "signals.status.open": { nl: "open", en: "open" },
  "signals.status.acknowledged": { nl: "afgehandeld", en: "acknowledged" },
  "signals.status.cleared": { nl: "vervallen", en: "cleared" },
  "signals.mark": { nl: "Open melding", en: "Open signal" },
  "signals.youth.title": { nl: "Meldingen bij deze jongere", en: "Signals for this youth" },
  "signals.evidence.values": { nl: "Waarden", en: "Values" },
  "signals.evidence.median": { nl: "Mediaan eerder", en: "Earlier median" },
  "signals.evidence.missed": { nl: "Gemiste momenten", en: "Missed occasions" },
  "signals.evidence.waves": { nl: "Metingen", en: "Waves" },
  "signals.ack.note": {
    nl: "Korte notitie (wat is er gedaan of besloten)",
    en: "Short note (what was done or decided)",
  },
  "signals.ack.submit": { nl: "Afhandelen", en: "Acknowledge" },
  "signals.ack.by": { nl: "Afgehandeld door", en: "Acknowledged by" },
  "signals.ack.done": { nl: "De melding is afgehandeld.", en: "The signal was acknowledged." },
  "signals.ack.empty": {
    nl: "Schrijf een korte notitie bij het afhandelen.",
    en: "Write a short note when acknowledging.",
  },
  "signals.ack.tooLong": {
    nl: "De notitie is te lang (hoogstens 500 tekens).",
    en: "The note is too long (500 characters at most).",
  },
  "signals.ack.notOpen": { nl: "Deze melding is niet (meer) open.", en: "This signal is not (or no longer) open." },
  "signals.mail.subject": { nl: "Nieuwe meldingen in de monitor", en: "New signals in the monitor" },
  "signals.mail.body": {
    nl: "Er zijn {count} nieuwe meldingen in de monitor. Bekijk ze na het aanmelden:",
    en: "There are {count} new signals in the monitor. See them after signing in:",
  },
  "staff.settings.signals": { nl: "Meldingen voor onderzoekers", en: "Signals for researchers" },
  "staff.settings.signals.trendDown": {
    nl: "Significante daling (--) op een indicator",
    en: "Significant downward trend (--) on an indicator",
  },
  "staff.settings.signals.lowTwice": {
    nl: "Laag op welzijn of basisbehoeften, aantal metingen op rij",
    en: "Low on wellbeing or basic needs, measurements in a row",
  },
  "staff.settings.signals.dropVsMedian": {
    nl: "Daling t.o.v. eigen mediaan: punten, en minimaal aantal eerdere metingen",
    en: "Drop against own median: points, and the minimum of earlier measurements",
  },
  "staff.settings.signals.reliableDeterioration": {
    nl: "Betrouwbare verslechtering tussen metingen (RCI)",
    en: "Reliable deterioration between waves (RCI)",
  },
  "staff.settings.signals.missedInRow": { nl: "Gemiste momenten op rij", en: "Missed occasions in a row" },
  "staff.settings.signals.lowCount": { nl: "Laag: aantal metingen op rij", en: "Low: measurements in a row" },
  "staff.settings.signals.dropPoints": {
    nl: "Daling: punten onder de eigen mediaan",
    en: "Drop: points below her own median",
  },
  "staff.settings.signals.dropMinEarlier": {
    nl: "Daling: minimaal aantal eerdere metingen",
    en: "Drop: minimum of earlier measurements",
  },
  "staff.settings.signals.missedCount": { nl: "Gemist: aantal momenten op rij", en: "Missed: occasions in a row" },
  "staff.settings.signals.note": {
    nl:
      "Meldingen zijn alleen voor onderzoekers; een jongere ziet ze nooit. " +
      "Een gewijzigde regel geldt vanaf de volgende run voor alle jongeren.",
    en:
      "Signals are for researchers only; a youth never sees them. " +
      "A changed rule applies to every youth from the next run.",
  },
  "staff.settings.reports": { nl: "Samenvattingen", en: "Summaries" },
  "staff.settings.reports.minCellSize": {
    nl: "Kleinste aantal dat een samenvatting toont (kleiner: \u201c< n\u201d)",
    en: "Smallest count a summary shows (smaller: \u201c< n\u201d)",
  },
  "staff.settings.reports.rislNormGroup": { nl: "Afkappunten RIS-L uit", en: "RIS-L cut-offs from" },
  "staff.settings.reports.rislNormGroup.study": {
    nl: "de onderzoeksgroep (alle pilots)",
    en: "the study group (all pilots)",
  },
  "staff.settings.reports.rislNormGroup.pilot": { nl: "de eigen pilot", en: "this pilot only" },
  "staff.settings.signals.mail": {
    nl: "Stuur onderzoekers een korte e-mail bij nieuwe meldingen",
    en: "Send researchers a short e-mail when new signals appear",
  },
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
