"""Every user-facing sentence of udbudsbot, in Danish and English.

Kept in one module so that wording is reviewed in one place and both
languages stay in step; ``text(key, language, **values)`` fills placeholders.
"""

from __future__ import annotations

from datetime import date
from typing import Final

CONTACT_EMAIL: Final = "bedreindkoeb@ba.aarhus.dk"
CONTACT_PHONE: Final = "89 40 60 00"
CONTACT_SOURCE: Final = (
    "https://aarhus.dk/virksomhed/leverandoer-til-os/aarhus-kommunes-indkoebs-og-udbudspolitik/"
    "udbud-og-udlicitering-af-driftsopgaver"
)

TEXTS: Final[dict[str, dict[str, str]]] = {
    "greeting": {
        "da": "Hej! Jeg svarer på spørgsmål om, hvordan Aarhus Kommune køber ind: udbud, "
        "fakturering, tærskelværdier, klausuler og kommende udbud. Hvad vil du vide?",
        "en": "Hi! I answer questions about how Aarhus Kommune buys: tenders, invoicing, "
        "thresholds, clauses and upcoming tenders. What would you like to know?",
    },
    "thanks": {
        "da": "Selv tak! Spørg bare igen, hvis der er mere.",
        "en": "You're welcome! Just ask if there is anything else.",
    },
    "help": {
        "da": "Skriv dit spørgsmål med dine egne ord, fx «hvordan sender jeg en faktura?» "
        "eller «hvad er tærskelværdien i 2026?».\n"
        "/udbud [søgeord] – udbud vi kender til, fx /udbud rengøring\n"
        "/abonner [søgeord] – få besked om nye og ændrede udbud, fx /abonner rengøring\n"
        "/abonnementer – dine abonnementer; /afmeld [nummer] stopper et\n"
        "/kontakt – hvem du kan kontakte i Indkøb og Udbud\n"
        "/menneske – få et svar fra en medarbejder\n"
        "/slet – slet de oplysninger, vi har gemt om dig\n"
        "Skriv «English please» for at skifte til engelsk.",
        "en": "Ask your question in your own words, e.g. “how do I send an invoice?” or "
        "“what is the threshold in 2026?”.\n"
        "/udbud [keyword] – tenders we know of, e.g. /udbud cleaning\n"
        "/subscribe [keyword] – hear about new and changed tenders, e.g. /subscribe cleaning\n"
        "/subscriptions – your subscriptions; /unsubscribe [number] stops one\n"
        "/kontakt – who to contact at Indkøb og Udbud\n"
        "/menneske – get an answer from a person\n"
        "/slet – delete the data we keep about you\n"
        "Write “på dansk” to switch to Danish.",
    },
    "contact": {
        "da": "Indkøb og Udbud hører under Borgmesterens Afdeling, Rådhuspladsen 2, "
        f"8000 Aarhus C. Telefon {CONTACT_PHONE}, e-mail {CONTACT_EMAIL}.",
        "en": "Indkøb og Udbud is part of the Mayor's Department (Borgmesterens Afdeling), "
        f"Rådhuspladsen 2, 8000 Aarhus C. Phone {CONTACT_PHONE}, e-mail {CONTACT_EMAIL}.",
    },
    "language_switched": {
        "da": "Fint, jeg svarer på dansk fra nu af.",
        "en": "Sure, I will answer in English from now on.",
    },
    "empty": {
        "da": "Jeg fik ikke noget spørgsmål med. Skriv fx «hvordan sender jeg en faktura?».",
        "en": "I didn't get a question. Try e.g. “how do I send an invoice?”.",
    },
    "no_question": {
        "da": "Det forstod jeg ikke helt. Hvad vil du gerne vide om at sælge til Aarhus Kommune "
        "– fx udbud, fakturering, tærskelværdier eller klausuler?",
        "en": "I didn't quite get that. What would you like to know about selling to Aarhus "
        "Kommune – e.g. tenders, invoicing, thresholds or clauses?",
    },
    "what_about": {
        "da": "Hvad vil du gerne vide om «{topic}»? Skriv gerne hele spørgsmålet, så finder jeg "
        "svaret eller sender det videre til en medarbejder.",
        "en": "What would you like to know about “{topic}”? Write the whole question, and I will "
        "find the answer or pass it on to a person.",
    },
    "unknown_command": {
        "da": "Den kommando kender jeg ikke. Skriv /help for at se, hvad jeg kan.",
        "en": "I don't know that command. Type /help to see what I can do.",
    },
    "too_long": {
        "da": "(Dit spørgsmål var meget langt, så jeg har kun læst begyndelsen.)",
        "en": "(Your question was very long, so I only read the beginning.)",
    },
    "authoritative_danish": {
        "da": "",
        "en": "Note: the sources are in Danish, and the Danish text is the authoritative one.",
    },
    "other_language_answer": {
        "da": "(Svaret findes kun på engelsk.)",
        "en": "(This answer is only available in Danish.)",
    },
    "sources": {"da": "Kilder", "en": "Sources"},
    "clarify": {
        "da": "Jeg er ikke helt sikker på, hvad du mener. Handler det om et af disse emner?",
        "en": "I'm not quite sure what you mean. Is it about one of these?",
    },
    "clarify_none": {
        "da": "Ingen af dem – spørg en medarbejder",
        "en": "None of these – ask a person",
    },
    "escalated": {
        "da": "Det kan jeg ikke svare sikkert på ud fra min viden, så jeg har sendt dit "
        "spørgsmål videre til projektlederen i Erhverv Aarhus og Indkøb og Udbud "
        "(sag #{ticket}). Du får svaret her, så snart en medarbejder har svaret.",
        "en": "I can't answer that reliably from what I know, so I have passed your question "
        "to the project lead at Erhverv Aarhus and Indkøb og Udbud (case #{ticket}). "
        "You will get the answer here as soon as a person has replied.",
    },
    "escalated_no_desk": {
        "da": "Det kan jeg ikke svare sikkert på ud fra min viden. Kontakt Indkøb og Udbud "
        f"på {CONTACT_EMAIL} eller {CONTACT_PHONE}.",
        "en": "I can't answer that reliably from what I know. Please contact Indkøb og Udbud "
        f"at {CONTACT_EMAIL} or {CONTACT_PHONE}.",
    },
    "escalated_joined": {
        "da": "Jeg har føjet dit spørgsmål til din åbne sag #{ticket}. En medarbejder svarer "
        "dig her.",
        "en": "I have added your question to your open case #{ticket}. A person will answer "
        "you here.",
    },
    "human_requested": {
        "da": "Selvfølgelig. Jeg har bedt en medarbejder om at svare dig (sag #{ticket}). "
        "Svaret kommer her.",
        "en": "Of course. I have asked a person to answer you (case #{ticket}). The answer "
        "will come here.",
    },
    "redirect_open_tender": {
        "da": "Spørgsmål til et udbud, der er i gang, kan jeg ikke besvare privat: af hensyn "
        "til ligebehandling af alle tilbudsgivere skal afklarende spørgsmål stilles "
        "skriftligt gennem udbuddets officielle spørgsmål-svar-funktion, så svaret deles med "
        "alle. Find udbudsmaterialet og spørgsmålsfunktionen via udbudsbekendtgørelsen på "
        "TED eller udbud.dk.",
        "en": "I can't answer questions about a tender that is under way privately: to treat "
        "all bidders equally, clarifying questions must be asked in writing through the "
        "tender's official questions-and-answers function, so that every bidder sees the "
        "answer. You find the tender documents and the Q&A through the contract notice on "
        "TED or udbud.dk.",
    },
    "redirect_tender_line": {
        "da": "Udbuddet i vores liste: {title} ({notice}) – {url}",
        "en": "The tender in our list: {title} ({notice}) – {url}",
    },
    "out_of_scope": {
        "da": "Det ligger uden for, hvad jeg kan hjælpe med. Jeg svarer på spørgsmål om at "
        "sælge til Aarhus Kommune: udbud, tilbud, fakturering, tærskelværdier, klausuler og "
        "kommende udbud. Skriv /menneske, hvis du vil have en medarbejder til at svare.",
        "en": "That's outside what I can help with. I answer questions about selling to "
        "Aarhus Kommune: tenders, bids, invoicing, thresholds, clauses and upcoming tenders. "
        "Write /menneske if you would like a person to answer.",
    },
    "tenders_intro": {
        "da": "Udbud i vores liste{filter}:",
        "en": "Tenders in our list{filter}:",
    },
    "tenders_filter": {"da": " om «{keywords}»", "en": " about “{keywords}”"},
    "tenders_none": {
        "da": "Vores liste har ingen udbud{filter}.",
        "en": "Our list has no tenders{filter}.",
    },
    "tenders_more": {
        "da": "… og {count} mere. Skriv /udbud med et søgeord for at indsnævre.",
        "en": "… and {count} more. Write /udbud with a keyword to narrow it down.",
    },
    "tenders_disclaimer": {
        "da": "Listen er samlet fra offentlige udbudsbekendtgørelser og nyheder og er ikke "
        "Aarhus Kommunes officielle udbudsplan. Den aktuelle plan får du hos Indkøb og Udbud "
        f"({CONTACT_EMAIL}, {CONTACT_PHONE}) eller Erhverv Aarhus.",
        "en": "The list is compiled from public contract notices and news and is not Aarhus "
        "Kommune's official tender plan (udbudsplan). For the current plan, ask Indkøb og "
        f"Udbud ({CONTACT_EMAIL}, {CONTACT_PHONE}) or Erhverv Aarhus.",
    },
    "tenders_none_open": {
        "da": "Vores liste har intet udbud{filter} med en tilbudsfrist, der endnu ikke er "
        "overskredet.",
        "en": "Our list has no tender{filter} with a deadline that has not yet passed.",
    },
    "tender_state_open": {
        "da": "Status pr. {today}: åbent for tilbud, tilbudsfristen er {deadline}.",
        "en": "Status on {today}: open for bids, the deadline is {deadline}.",
    },
    "tender_state_closed": {
        "da": "Status pr. {today}: tilbudsfristen {deadline} er overskredet.",
        "en": "Status on {today}: the bid deadline, {deadline}, has passed.",
    },
    "tender_state_probably_closed": {
        "da": "Status pr. {today}: offentliggjort {published}; tilbudsfristen står ikke i vores "
        "data og er sandsynligvis overskredet – tjek bekendtgørelsen.",
        "en": "Status on {today}: published on {published}; the deadline is not in our data and "
        "has probably passed — check the notice.",
    },
    "tender_state_deadline_unknown": {
        "da": "Status pr. {today}: offentliggjort {published}; tilbudsfristen står ikke i vores "
        "data – se den i bekendtgørelsen.",
        "en": "Status on {today}: published on {published}; the deadline is not in our data — "
        "see the notice.",
    },
    "tender_state_undated": {
        "da": "Status pr. {today}: tilbudsfristen står ikke i vores data – se den i "
        "bekendtgørelsen.",
        "en": "Status on {today}: the deadline is not in our data — see the notice.",
    },
    "tender_state_planned_overdue": {
        "da": "Status pr. {today}: var ventet annonceret {expected_publication}; om det er sket, "
        "står ikke i vores data – tjek TED og udbud.dk.",
        "en": "Status on {today}: expected to be published on {expected_publication}; whether it "
        "has been is not in our data — check TED and udbud.dk.",
    },
    "dated_ended": {
        "da": "Bemærk: Vores oplysninger om dette dækker {period}, som er slut.",
        "en": "Note: our information on this covers {period}, which has ended.",
    },
    "dated_last_known": {
        "da": "Det seneste, jeg ved ({when}):",
        "en": "What I last knew ({when}):",
    },
    "dated_as_of": {"da": "oplysninger pr. {day}", "en": "information as of {day}"},
    "dated_ended_now": {
        "da": "Vores oplysninger dækker {period}, som er slut, så jeg ved ikke, hvordan det er i "
        "dag. En medarbejder kan svare dig – skriv /menneske.",
        "en": "Our information covers {period}, which has ended, so I don't know how it is "
        "today. A person can answer you — write /menneske.",
    },
    "dated_not_yet": {
        "da": "Bemærk: Dette gælder først fra {start}.",
        "en": "Note: this only applies from {start}.",
    },
    "dated_unknown_today": {
        "da": "Jeg kender kun oplysninger om dette for {period} og ikke dem, der gælder i dag "
        "({today}).",
        "en": "I only know this for {period}, not what applies today ({today}).",
    },
    "dated_unknown_years": {
        "da": "Jeg kender kun oplysninger om dette for {period} og ikke for {years}.",
        "en": "I only know this for {period}, not for {years}.",
    },
    "period_between": {"da": "perioden {start} – {end}", "en": "the period {start} – {end}"},
    "period_until": {"da": "tiden til og med {end}", "en": "the time up to {end}"},
    "period_from": {"da": "tiden fra {start}", "en": "the time from {start}"},
    "tenders_future_unknown": {
        "da": "Jeg kender ikke Aarhus Kommunes kommende udbud{filter}: min liste rummer kun "
        "udbud, der allerede er offentliggjort, og er ikke den officielle udbudsplan.",
        "en": "I don't know Aarhus Kommune's upcoming tenders{filter}: my list only holds "
        "tenders that have already been published and is not the official tender plan.",
    },
    "tender_fields": {
        "da": "status|offentliggjort|tilbudsfrist|forventet annoncering|anslået værdi|"
        "kontraktperiode|bekendtgørelse|ordregiver|kategori|kontakt|bemærkning",
        "en": "status|published|deadline|expected publication|estimated value|"
        "contract period|notice|buyer|category|contact|notes",
    },
    "watch_button": {"da": "🔔 Abonnér på «{keywords}»", "en": "🔔 Subscribe to “{keywords}”"},
    "watch_usage": {
        "da": "Skriv et eller flere søgeord efter /abonner, fx /abonner rengøring eller "
        "/abonner it. Så skriver jeg til dig her, når et udbud om dem kommer på vores liste "
        "eller ændres.",
        "en": "Write one or more keywords after /subscribe, e.g. /subscribe cleaning or "
        "/subscribe IT. I will then write to you here when a tender about them appears on our "
        "list or changes.",
    },
    "watch_subscribed": {
        "da": "Du abonnerer nu på udbud om «{keywords}». Når et udbud om det kommer på vores "
        "liste eller ændres (fx en ny tilbudsfrist), skriver jeg til dig her, én gang pr. "
        "ændring. /abonnementer viser dine abonnementer, og /afmeld {number} stopper dette.",
        "en": "You are now subscribed to tenders about “{keywords}”. When such a tender appears "
        "on our list or changes (e.g. a new deadline), I will write to you here, once per "
        "change. /subscriptions lists your subscriptions, and /unsubscribe {number} stops "
        "this one.",
    },
    "watch_already": {
        "da": "Du abonnerer allerede på udbud om «{keywords}» (nr. {number}).",
        "en": "You are already subscribed to tenders about “{keywords}” (no. {number}).",
    },
    "watch_too_many": {
        "da": "Du har allerede {count} abonnementer. Stop et med /afmeld, før du opretter et nyt.",
        "en": "You already have {count} subscriptions. Stop one with /unsubscribe before adding "
        "another.",
    },
    "watch_list": {
        "da": "Dine abonnementer på udbud:\n{lines}\n\nSkriv /afmeld med nummeret eller "
        "søgeordet for at stoppe et, fx /afmeld 1.",
        "en": "Your tender subscriptions:\n{lines}\n\nWrite /unsubscribe with the number or "
        "the keyword to stop one, e.g. /unsubscribe 1.",
    },
    "watch_none": {
        "da": "Du har ingen abonnementer på udbud. Opret et med fx /abonner rengøring.",
        "en": "You have no tender subscriptions. Add one with e.g. /subscribe cleaning.",
    },
    "watch_removed": {
        "da": "Stoppet: {keywords}. Du får ikke flere beskeder om det.",
        "en": "Stopped: {keywords}. You will get no more messages about it.",
    },
    "watch_not_found": {
        "da": "Jeg fandt intet abonnement, der passer til «{which}».",
        "en": "I found no subscription matching “{which}”.",
    },
    "watch_no_desk": {
        "da": "Abonnementer kræver bottens database, som ikke er slået til her.",
        "en": "Subscriptions need the bot's database, which is not enabled here.",
    },
    "watch_new": {
        "da": "Nyt udbud på vores liste om «{keywords}»:",
        "en": "New tender on our list about “{keywords}”:",
    },
    "watch_changed": {
        "da": "Et udbud om «{keywords}» er ændret:",
        "en": "A tender about “{keywords}” has changed:",
    },
    "watch_change_fields": {
        "da": "ny titel|ny status|ny offentliggørelsesdato|ny tilbudsfrist|"
        "ny forventet annoncering|ny anslået værdi|ny kontraktperiode|ny bekendtgørelse|"
        "ny ordregiver|ny kategori|ny kontakt|ny bemærkning|nyt link",
        "en": "new title|new status|new publication date|new deadline|"
        "new expected publication|new estimated value|new contract period|new notice|"
        "new buyer|new category|new contact|new notes|new link",
    },
    "watch_change_line": {"da": "{label}: {new} (før: {old})", "en": "{label}: {new} (was: {old})"},
    "watch_footer": {
        "da": "Listen er samlet fra offentlige kilder og er ikke Aarhus Kommunes officielle "
        "udbudsplan. Stop beskederne med /afmeld.",
        "en": "The list is compiled from public sources and is not Aarhus Kommune's official "
        "tender plan. Stop these messages with /unsubscribe.",
    },
    "deleted": {
        "da": "Dine oplysninger er slettet ({count} poster).",
        "en": "Your data has been deleted ({count} records).",
    },
    "deleted_nothing": {
        "da": "Vi havde ingen oplysninger gemt om dig.",
        "en": "We had no data stored about you.",
    },
    "answer_from_staff": {
        "da": "Svar på dit spørgsmål «{question}» fra Indkøb og Udbud:\n\n{answer}",
        "en": "Answer to your question “{question}” from Indkøb og Udbud:\n\n{answer}",
    },
    "not_forgotten": {
        "da": "Vi har ikke glemt dit spørgsmål (sag #{ticket}). En medarbejder vender tilbage "
        "snarest.",
        "en": "We haven't forgotten your question (case #{ticket}). A person will get back "
        "to you soon.",
    },
    "learned_source": {
        "da": "Besvaret af Indkøb og Udbud den {date}",
        "en": "Answered by Indkøb og Udbud on {date}",
    },
    "learned_corrected": {"da": " (rettet {date})", "en": " (corrected {date})"},
    "faq_page_title": {
        "da": "Svar fra Indkøb og Udbud",
        "en": "Answers from Indkøb og Udbud",
    },
    "faq_page_intro": {
        "da": "Spørgsmål, som virksomheder har stillet Aarhus Kommunes udbudsbot, og de svar, "
        "Indkøb og Udbud har givet. Svarene offentliggøres, så alle virksomheder får de samme "
        "oplysninger.",
        "en": "Questions businesses have asked Aarhus Kommune's procurement bot, and the answers "
        "Indkøb og Udbud gave. The answers are published so that every business gets the same "
        "information.",
    },
    "faq_page_empty": {
        "da": "Der er endnu ingen offentliggjorte svar.",
        "en": "No answers have been published yet.",
    },
    "faq_page_generated": {"da": "Siden er dannet {at}.", "en": "Page generated {at}."},
    "internal_error": {
        "da": "Beklager, noget gik galt hos mig. Prøv igen om lidt, eller skriv /menneske for at "
        "få svar fra en medarbejder.",
        "en": "Sorry, something went wrong on my side. Please try again shortly, or write "
        "/menneske to get an answer from a person.",
    },
    "feedback_thanks": {
        "da": "Tak for din tilbagemelding!",
        "en": "Thanks for your feedback!",
    },
    "feedback_sorry": {
        "da": "Ærgerligt. Vil du have, at en medarbejder svarer dig? Skriv /menneske.",
        "en": "Sorry about that. Would you like a person to answer? Write /menneske.",
    },
    "unsupported_message": {
        "da": "Jeg kan kun læse tekst. Skriv dit spørgsmål, så hjælper jeg gerne.",
        "en": "I can only read text. Write your question and I'll gladly help.",
    },
    "edited_message": {
        "da": "Jeg læser ikke rettede beskeder. Send dit spørgsmål igen som en ny besked.",
        "en": "I don't read edited messages. Please send your question again as a new message.",
    },
    "ask_person": {"da": "Spørg en medarbejder", "en": "Ask a person"},
    "command_start": {"da": "Start og se, hvad jeg kan", "en": "Start and see what I can do"},
    "command_help": {"da": "Sådan spørger du", "en": "How to ask"},
    "command_udbud": {
        "da": "Udbud vi kender til, fx /udbud rengøring",
        "en": "Tenders we know of, e.g. /udbud cleaning",
    },
    "command_kontakt": {
        "da": "Hvem du kan kontakte i Indkøb og Udbud",
        "en": "Who to contact at Indkøb og Udbud",
    },
    "command_menneske": {"da": "Få svar fra en medarbejder", "en": "Get an answer from a person"},
    "command_slet": {
        "da": "Slet de oplysninger, vi har gemt om dig",
        "en": "Delete the data we keep about you",
    },
    "command_abonner": {
        "da": "Få besked om nye udbud, fx /abonner rengøring",
        "en": "Get notified of new tenders, e.g. /abonner cleaning",
    },
    "command_abonnementer": {"da": "Dine abonnementer", "en": "Your subscriptions"},
    "command_afmeld": {
        "da": "Stop et abonnement, fx /afmeld 1",
        "en": "Stop a subscription, e.g. /afmeld 1",
    },
    "staff_ticket": {
        "da": "Sag #{ticket} · sprog {asked_in} · spørger {asker} · via {platform}",
        "en": "Case #{ticket} · language {asked_in} · asker {asker} · via {platform}",
    },
    "staff_follow_up": {
        "da": "Spørgsmål {number} i sag #{ticket} (samme spørger følger op):",
        "en": "Question {number} in case #{ticket} (the same asker follows up):",
    },
    "staff_other_open": {
        "da": "Samme spørger har også åbne sager: {tickets}",
        "en": "The same asker also has open cases: {tickets}",
    },
    "staff_candidates": {
        "da": "Det var botten tættest på (sikkerhed 0–1):",
        "en": "What the bot came closest to (confidence 0–1):",
    },
    "staff_no_candidates": {
        "da": "Botten fandt intet relevant.",
        "en": "The bot found nothing relevant.",
    },
    "staff_how_to_answer": {
        "da": "Svar ved at besvare (reply) denne besked. Start svaret med /faq for også at gemme "
        "det som FAQ for dette spørgsmål (linjer, der starter med også:, gemmes som andre måder "
        "at spørge på) – eller med intern: for kun at skrive til kolleger.",
        "en": "Answer by replying to this message. Start the answer with /faq to also save it "
        "as an FAQ entry for this question (lines starting with also: are saved as other ways to "
        "ask it) – or with internal: to write to colleagues only.",
    },
    "staff_reminder": {
        "da": "Sag #{ticket} venter stadig på svar: «{question}»",
        "en": "Case #{ticket} is still waiting for an answer: “{question}”",
    },
    "staff_delivery_failed": {
        "da": "En besked om sag #{ticket} kunne ikke leveres til spørgeren: {reason}",
        "en": "A message about case #{ticket} could not be delivered to the asker: {reason}",
    },
    "staff_reply_undelivered": {
        "da": "Et svar fra botten til {asker} ({platform}) kunne ikke leveres: {reason}. "
        "Det begyndte: «{preview}»",
        "en": "A reply from the bot to {asker} ({platform}) could not be delivered: {reason}. "
        "It began: “{preview}”",
    },
    "staff_answered": {
        "da": "Tak! Svaret på sag #{ticket} sendes til spørgeren.",
        "en": "Thanks! The answer to case #{ticket} is on its way to the asker.",
    },
    "staff_published": {
        "da": "Tak! Svaret på sag #{ticket} sendes til spørgeren og er gemt som FAQ ({entry}); "
        "botten svarer de næste med det. /faq ret {number} ny tekst retter det.",
        "en": "Thanks! The answer to case #{ticket} is on its way to the asker and is saved "
        "as an FAQ entry ({entry}); the bot answers the next askers with it. /faq edit {number} "
        "new text corrects it.",
    },
    "staff_published_unfound": {
        "da": "Den har intet spørgsmål på {other}, så spørgere, der skriver på {other}, finder "
        "den næppe. Tilføj et: /faq ret {number} også: (spørgsmålet på {other})",
        "en": "It has no question in {other}, so askers writing in {other} will hardly find it. "
        "Add one: /faq edit {number} also: (the question in {other})",
    },
    "language_name_da": {"da": "dansk", "en": "Danish"},
    "language_name_en": {"da": "engelsk", "en": "English"},
    "staff_which_question_telegram": {
        "da": "Sag #{ticket} har {count} spørgsmål, så svaret er hverken sendt eller gemt. Svar "
        "(reply) på beskeden med det spørgsmål, svaret hører til.",
        "en": "Case #{ticket} holds {count} questions, so the answer was neither sent nor saved. "
        "Reply to the message with the question the answer belongs to.",
    },
    "staff_which_question_slack": {
        "da": "Sag #{ticket} har {count} spørgsmål, så svaret er hverken sendt eller gemt. Brug "
        "«Publicér som FAQ» på sagen, og vælg det spørgsmål, svaret hører til.",
        "en": "Case #{ticket} holds {count} questions, so the answer was neither sent nor saved. "
        "Use “Publish as FAQ” on the case and choose the question the answer belongs to.",
    },
    "staff_faq_withdraw_button": {"da": "Tilbagekald FAQ", "en": "Withdraw FAQ"},
    "staff_faq_withdrawn": {
        "da": "{entry} er tilbagekaldt: botten svarer ikke længere med det.",
        "en": "{entry} is withdrawn: the bot no longer answers with it.",
    },
    "staff_faq_edited": {
        "da": "{entry} er rettet: botten svarer med den nye udgave om lidt.",
        "en": "{entry} is corrected: the bot answers with the new version shortly.",
    },
    "staff_faq_none": {
        "da": "Der er ingen offentliggjorte FAQ-svar.",
        "en": "There are no published FAQ answers.",
    },
    "staff_faq_list": {
        "da": "Offentliggjorte FAQ-svar ({count}):\n{lines}\n\n/faq ret N ny tekst retter et "
        "svar (linjer med også: tilføjer formuleringer); /faq fjern N tilbagekalder det.",
        "en": "Published FAQ answers ({count}):\n{lines}\n\n/faq edit N new text corrects an "
        "answer (lines with also: add phrasings); /faq withdraw N withdraws it.",
    },
    "staff_refused": {
        "da": "Kun medarbejdere i Indkøb og Udbud kan besvare sager, så dit svar er ikke sendt.",
        "en": "Only Indkøb og Udbud staff can answer cases, so your answer was not sent.",
    },
    "slack_feedback_helpful": {"da": "Svaret hjalp", "en": "This answer helped"},
    "slack_feedback_unhelpful": {"da": "Svaret hjalp ikke", "en": "This answer did not help"},
    "slack_how_to_answer": {
        "da": "Svar i tråden under denne besked – svaret sendes til spørgeren. Start svaret med "
        "/faq, eller brug knappen, for også at gemme det som FAQ. Start med intern: for kun at "
        "skrive til kolleger.",
        "en": "Reply in this message's thread – the reply is sent to the asker. Start it with "
        "/faq, or use the button, to also save it as an FAQ entry. Start with internal: to "
        "write to colleagues only.",
    },
    "slack_publish_button": {"da": "Publicér som FAQ", "en": "Publish as FAQ"},
    "slack_close_button": {"da": "Luk sagen", "en": "Close"},
    "slack_closed_by": {"da": "Sagen er lukket af {who}.", "en": "Case closed by {who}."},
    "slack_publish_title": {"da": "Publicér som FAQ", "en": "Publish as FAQ"},
    "slack_publish_questions": {
        "da": "Hvilket spørgsmål hører svaret til?",
        "en": "Which question does the answer belong to?",
    },
    "slack_publish_choose": {
        "da": "Vælg mindst ét spørgsmål.",
        "en": "Choose at least one question.",
    },
    "slack_publish_also": {
        "da": "Andre måder at spørge på (valgfrit, én pr. linje – gerne på engelsk)",
        "en": "Other ways to ask it (optional, one per line – in Danish too)",
    },
    "slack_publish_label": {
        "da": "Svaret – det sendes til spørgeren og gemmes som FAQ",
        "en": "The answer – it is sent to the asker and saved as an FAQ entry",
    },
    "slack_publish_submit": {"da": "Send og gem", "en": "Send and save"},
    "slack_cancel": {"da": "Annullér", "en": "Cancel"},
    "slack_faq_usage": {
        "da": "/faq liste viser de offentliggjorte FAQ-svar, /faq ret N ny tekst retter et, "
        "/faq fjern N tilbagekalder et. Et svar på en sag offentliggøres med «Publicér som FAQ» "
        "på sagen (Slack tager beskeder, der starter med /faq, som denne kommando).",
        "en": "/faq list shows the published FAQ answers, /faq edit N new text corrects one, "
        "/faq withdraw N withdraws one. An answer to a case is published with “Publish as FAQ” "
        "on the case (Slack takes messages starting with /faq as this command).",
    },
    "slack_staff_only": {
        "da": "Kun medarbejdere i Indkøb og Udbud kan håndtere sager.",
        "en": "Only Indkøb og Udbud staff can handle cases.",
    },
}


MONTH_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "da": (
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def long_date(day: date, language: str) -> str:
    """A date as people write it: «4. december 2026», “4 December 2026”."""
    month = MONTH_NAMES.get(language, MONTH_NAMES["da"])[day.month - 1]
    return f"{day.day} {month} {day.year}" if language == "en" else f"{day.day}. {month} {day.year}"


def text(key: str, language: str, **values: object) -> str:
    """The sentence ``key`` in ``language`` (Danish when the language is unknown)."""
    variants = TEXTS[key]
    template = variants.get(language) or variants["da"]
    return template.format(**values) if values else template
