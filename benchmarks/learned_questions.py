"""Questions the shipped knowledge cannot answer, the answers staff publish, and how others
ask them again: the data of ``benchmarks/learned.py``.

Each case is a question a business asks that the bot escalates, the answer
staff publish (in the question's language, or in five cases the other one),
one extra phrasing in the other language of the kind staff add when
publishing ("also: …"), and three ways other askers put the same question
later: close to the original, in other words (a synonym, another angle), and
in the other language. They are written like real chat messages (lower
case, missing accents, typos, run-together words), for this benchmark only,
before it was first run, and not taken from ``shared/eval``. The answers are
plausible staff answers for the benchmark, not facts of the knowledge pack.

Twenty-six cases were written; the benchmark uses the first twenty that the
bot escalates before anything is published (a question it already answers is
not one staff would publish an answer to).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Paraphrase:
    kind: str  # "close", "reworded" or "other language"
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class LearnedCase:
    question: str
    language: str
    answer: str
    answer_language: str
    staff_phrasing: str
    paraphrases: tuple[Paraphrase, Paraphrase, Paraphrase]


def _case(
    question: str,
    language: str,
    answer: str,
    staff_phrasing: str,
    *asked_again: str,
    answered_in: str | None = None,
) -> LearnedCase:
    """A case; ``asked_again`` are the close, the reworded and the other-language paraphrase."""
    close, reworded, other = asked_again
    other_language = "en" if language == "da" else "da"
    return LearnedCase(
        question=question,
        language=language,
        answer=answer,
        answer_language=answered_in or language,
        staff_phrasing=staff_phrasing,
        paraphrases=(
            Paraphrase("close", language, close),
            Paraphrase("reworded", language, reworded),
            Paraphrase("other language", other_language, other),
        ),
    )


CASES: tuple[LearnedCase, ...] = (
    _case(
        "Tager kommunen gebyr for at modtage papirfakturaer?",
        "da",
        "Nej, kommunen tager ikke gebyr, men den tager kun imod elektroniske fakturaer, så en "
        "faktura på papir bliver sendt retur.",
        "Does the municipality charge a fee for paper invoices?",
        "tager kommunen et gebyr for papirfakturaer",
        "koster det noget at sende en regning på papir til kommunen?",
        "is there a charge if we send our invoice on paper",
    ),
    _case(
        "Må vi tage vores hund med til et informationsmøde om et udbud?",
        "da",
        "Kun førerhunde og servicehunde. Skriv til kontaktpersonen i udbudsmaterialet, hvis I "
        "har brug for hjælp til at deltage.",
        "Can we bring our dog to a tender information meeting?",
        "må man have hund med til informationsmødet om udbuddet",
        "er hunde tilladt når vi deltager i orienteringsmøde om licitation",
        "are dogs allowed at the information meeting for a tender?",
    ),
    _case(
        "Can we get the tender documents sent to us by post?",
        "en",
        "No. Tender documents are only available electronically, from the tender's page in the "
        "e-tendering system.",
        "Kan vi få udbudsmaterialet sendt med posten?",
        "can you post the tender documents to us",
        "is it possible to receive a paper copy of the procurement documents by mail",
        "kan i sende udbudsmaterialet til os med almindelig post",
    ),
    _case(
        "Hvem er indkøberen med ansvar for kontorstole i Aarhus Kommune?",
        "da",
        "Kontormøbler købes på en fælles aftale, som Indkøb og Udbud har ansvaret for. Skriv "
        "til bedreindkoeb@ba.aarhus.dk, så sender vi jeres henvendelse videre til den rette "
        "indkøber.",
        "Who is the buyer responsible for office chairs at Aarhus Kommune?",
        "hvem er indkøber for kontorstole i kommunen",
        "hvem står for indkøb af kontormøbler og stole i aarhus kommune",
        "who buys office chairs for aarhus municipality",
    ),
    _case(
        "Kan man parkere gratis ved rådhuset, når man skal til møde med Indkøb og Udbud?",
        "da",
        "Nej, der er ingen gratis parkering ved Rådhuset. Brug de offentlige p-huse i "
        "midtbyen, eller kom med bus eller letbane.",
        "Is there free parking at the city hall for meetings with the procurement unit?",
        "kan jeg parkere gratis ved rådhuset når jeg skal til møde",
        "er der gratis p-pladser ved raadhuset til os der kommer til møde om indkøb",
        "can we park for free at the town hall when we have a meeting with procurement",
    ),
    _case(
        "Hvor længe gemmer kommunen de tilbud, vi har sendt ind?",
        "da",
        "Bids are kept with the other documents of the tender, under the municipality's rules "
        "for archiving.",
        "How long does the municipality keep the bids we have submitted?",
        "hvor lang tid gemmer i de tilbud vi har afgivet",
        "bliver vores tilbudsmateriale slettet på et tidspunkt eller opbevarer kommunen det",
        "how long do you store our bid documents after the tender",
        answered_in="en",
    ),
    _case(
        "Is there a dress code for meetings at Aarhus City Hall?",
        "en",
        "No. There is no dress code; come as you would to any business meeting.",
        "Er der en dresscode til møder på Aarhus Rådhus?",
        "dress code for meetings at the city hall?",
        "what should we wear when we come to a meeting at the town hall",
        "skal man have jakkesæt på når man skal til møde på rådhuset",
    ),
    _case(
        "Må vi bruge Aarhus Kommunes logo i vores markedsføring, når vi har vundet en kontrakt?",
        "da",
        "Nej, ikke uden skriftlig tilladelse. Kontakt kontraktens kontaktperson, hvis I vil "
        "nævne kommunen som kunde i en reference.",
        "Can we use Aarhus Kommune's logo in our marketing after winning a contract?",
        "må vi bruge kommunens logo i vores markedsføring",
        "kan vi skrive aarhus kommune som kunde og vise jeres logo paa vores hjemmeside",
        "are we allowed to put the municipality logo in our ads now that we won the contract",
    ),
    _case(
        "Do you pay for the samples we send with our bid?",
        "en",
        "No. Samples asked for in a tender are at the bidder's own cost, unless the tender "
        "documents say otherwise.",
        "Betaler kommunen for de vareprøver, vi sender med vores tilbud?",
        "do you pay for samples sent with a bid",
        "will we get reimbursed for the product samples we include with the offer",
        "får vi penge for de vareprøver vi sender med tilbuddet",
    ),
    _case(
        "Hvornår holder Indkøb og Udbud sommerlukket?",
        "da",
        "Indkøb og Udbud does not close for the summer, but answers may take longer during the "
        "holidays.",
        "When is the procurement unit closed for the summer holidays?",
        "hvornaar holder indkøb og udbud sommerferie",
        "er indkøbsafdelingen lukket i juli",
        "when is the procurement office closed for summer",
        answered_in="en",
    ),
    _case(
        "Can we bring an interpreter to a meeting with the procurement unit?",
        "en",
        "Yes. Tell us when you book the meeting, so that we can plan the time for it. The "
        "interpreter is at your own cost.",
        "Må vi tage en tolk med til et møde med Indkøb og Udbud?",
        "can we bring an interpreter to the meeting",
        "is it ok if a translator joins us when we meet the purchasing department",
        "kan vi have en tolk med til mødet med indkøb",
    ),
    _case(
        "Bruger kommunen kunstig intelligens til at vurdere tilbud?",
        "da",
        "Nej. Tilbud vurderes af medarbejdere efter de tildelingskriterier, der står i "
        "udbudsmaterialet.",
        "Does the municipality use artificial intelligence to evaluate bids?",
        "bruger i kunstig intelligens til at vurdere tilbuddene",
        "er det en AI eller et menneske der bedømmer vores tilbud",
        "do you use AI to score the bids",
    ),
    _case(
        "Kan vi få fjernet vores kontaktoplysninger fra kommunens leverandørliste?",
        "da",
        "Ja. Skriv til bedreindkoeb@ba.aarhus.dk med jeres CVR-nummer, så fjerner vi "
        "kontaktoplysningerne.",
        "Can we have our contact details removed from the municipality's supplier list?",
        "kan i fjerne vores kontaktoplysninger fra leverandørlisten",
        "vi vil gerne slettes af jeres liste over leverandører, hvordan gør vi",
        "how do we get our contact info taken off your supplier list",
    ),
    _case(
        "Do your drivers need a special permit to deliver goods to schools in the city centre?",
        "en",
        "No special permit is needed for deliveries, but the rules for loading zones and "
        "times in the city centre apply.",
        "Skal chauffører have særlig tilladelse til at levere varer til skoler i midtbyen?",
        "do drivers need a permit to deliver to schools in the city centre",
        "what do our delivery vans need to get into the midtbyen area to drop goods at a school",
        "skal vores chauffører have en tilladelse for at levere til skolerne i midtbyen",
    ),
    _case(
        "Kan vi få en kvittering, når vi afleverer varer på et plejehjem?",
        "da",
        "Yes, ask the staff to sign the delivery note. It is your proof of delivery.",
        "Can we get a receipt when we deliver goods to a care home?",
        "kan vi faa kvittering for levering på plejehjemmet",
        "skal personalet skrive under på følgesedlen når vi leverer til plejecentret",
        "do we get a signed receipt when delivering to a nursing home",
        answered_in="en",
    ),
    _case(
        "Will the municipality give us feedback on our bid even though we won?",
        "en",
        "Ja. Spørg udbuddets kontaktperson; vinderen får samme tilbagemelding på sit tilbud som "
        "de andre tilbudsgivere.",
        "Får vi en tilbagemelding på vores tilbud, selvom vi vandt?",
        "do winners also get feedback on the bid",
        "we won the contract but would still like comments on our offer, is that possible",
        "kan vi få feedback på vores tilbud selv om vi fik kontrakten",
        answered_in="da",
    ),
    _case(
        "Må vi sende vareprøver med posten, eller skal de afleveres personligt?",
        "da",
        "Det står i udbudsmaterialet. Står der intet, må prøverne gerne sendes, så de er "
        "fremme før tilbudsfristen.",
        "Can we send samples by post, or must they be handed in in person?",
        "maa vi sende vareprøverne med posten",
        "skal prøverne afleveres personligt eller kan de sendes med pakkepost",
        "can product samples be mailed or do we have to drop them off",
    ),
    _case(
        "Is there a limit on how many tenders one company may bid on in a year?",
        "en",
        "Nej. En virksomhed må byde på så mange udbud, den vil.",
        "Er der en grænse for, hvor mange udbud en virksomhed må byde på om året?",
        "is there a max number of tenders we can bid on per year",
        "can a single company submit offers in an unlimited number of procurements annually",
        "hvor mange udbud må vi byde på om året, er der et loft",
        answered_in="da",
    ),
    _case(
        "Skal vores medarbejdere have adgangskort for at levere varer på rådhuset?",
        "da",
        "Nej. Meld ankomst i receptionen, så får I følgeskab til varemodtagelsen.",
        "Do our staff need an access card to deliver goods at the city hall?",
        "skal vi have adgangskort for at levere på rådhuset",
        "hvordan kommer vores bud ind i raadhuset med en levering",
        "do our delivery people need a badge to get into the town hall",
    ),
    _case(
        "Can we pay a visit to the kitchens before we bid on the food supply for day care?",
        "en",
        "Only if the tender offers a site visit; then the tender documents give the time. "
        "Otherwise ask in the tender's Q&A.",
        "Kan vi besøge køkkenerne, før vi byder på madleverancen til dagtilbud?",
        "can we visit the day care kitchens before bidding on food",
        "is a site inspection of the kindergarten kitchens possible ahead of the catering tender",
        "må vi se køkkenerne i børnehaverne inden vi giver tilbud på maden",
    ),
    _case(
        "Tilbyder kommunen kaffe til deltagerne på leverandørmøder?",
        "da",
        "Ja, der er kaffe og vand til møder med Indkøb og Udbud på Rådhuset.",
        "Does the municipality offer coffee at supplier meetings?",
        "får man kaffe til leverandørmøderne",
        "er der noget at drikke når vi kommer til møde med indkøb",
        "is coffee served at the supplier meetings",
    ),
    _case(
        "Do you accept invoices in euros from foreign suppliers?",
        "en",
        "The contract says which currency to invoice in; ask the contract's contact person if "
        "it does not.",
        "Tager kommunen imod fakturaer i euro fra udenlandske leverandører?",
        "do you accept invoices in eur",
        "can a supplier from germany bill the municipality in euro instead of dkk",
        "kan vi fakturere i euro når vi er et udenlandsk firma",
    ),
    _case(
        "Kan vi få et møde med borgmesteren om et udbud, vi har tabt?",
        "da",
        "Nej, politikerne blander sig ikke i det enkelte udbud. Spørg udbuddets kontaktperson "
        "om en begrundelse, eller klag til Klagenævnet for Udbud.",
        "Can we meet the mayor about a tender we lost?",
        "kan vi mødes med borgmesteren om det udbud vi tabte",
        "vil borgmesteren tale med os om hvorfor vi ikke vandt licitationen",
        "is it possible to get a meeting with the mayor about losing a tender",
    ),
    _case(
        "Does the municipality have a supplier newsletter we can subscribe to?",
        "en",
        "Not from Indkøb og Udbud; follow Erhverv Aarhus' newsletter for news on selling to "
        "the municipality.",
        "Har kommunen et nyhedsbrev til leverandører, vi kan abonnere på?",
        "do you have a newsletter for suppliers",
        "where can we sign up for news mails for companies selling to aarhus",
        "har i et nyhedsbrev vi kan tilmelde os som leverandør",
    ),
    _case(
        "Skal vi have en dansk bankkonto for at få betaling fra kommunen?",
        "da",
        "Nej, men betalingen sker til en NemKonto. Udenlandske virksomheder kan få en "
        "NemKonto knyttet til en konto i udlandet.",
        "Do we need a Danish bank account to get paid by the municipality?",
        "skal vi have dansk bankkonto for at blive betalt",
        "kan kommunen betale til en konto i en udenlandsk bank",
        "do we need a danish bank account to receive payment",
    ),
    _case(
        "Can we put up posters about our company at the town hall?",
        "en",
        "No. The town hall does not put up posters from companies.",
        "Må vi hænge plakater om vores firma op på rådhuset?",
        "can we hang posters at the town hall",
        "is advertising our business on the notice boards in city hall allowed",
        "må vi sætte en plakat op på rådhuset om vores virksomhed",
    ),
)


@dataclass(frozen=True, slots=True)
class NextMessage:
    """An open ticket's question, the asker's next message, and whether it follows it up."""

    open_question: str
    message: str
    language: str
    follows_up: bool


# Written after the follow-up test (bot.follow_ups) was settled, to measure it, not to set it.
NEXT_MESSAGES: tuple[NextMessage, ...] = (
    NextMessage(
        "Må vi byde på vinduespudsning sammen med et andet firma?",
        "og hvis vi er tre firmaer?",
        "da",
        True,
    ),
    NextMessage(
        "Må vi byde på vinduespudsning sammen med et andet firma?",
        "gælder det også for vinduespudsning på skolerne?",
        "da",
        True,
    ),
    NextMessage(
        "Må vi byde på vinduespudsning sammen med et andet firma?",
        "hvornår betaler kommunen en faktura?",
        "da",
        False,
    ),
    NextMessage(
        "Må vi byde på vinduespudsning sammen med et andet firma?",
        "Hvem står for indkøb af kaffemaskiner?",
        "da",
        False,
    ),
    NextMessage("Hvem står for indkøb af kaffemaskiner?", "og kaffebønner?", "da", True),
    NextMessage(
        "Hvem står for indkøb af kaffemaskiner?",
        "er det den samme der køber kaffemaskiner til plejehjem?",
        "da",
        True,
    ),
    NextMessage(
        "Hvem står for indkøb af kaffemaskiner?",
        "kan vi få et møde om vores tilbud på snerydning?",
        "da",
        False,
    ),
    NextMessage(
        "Hvem står for indkøb af kaffemaskiner?", "må vi parkere ved rådhuset?", "da", False
    ),
    NextMessage(
        "Skal vi have en miljøcertificering for at levere rengøringsmidler?",
        "hvilken certificering?",
        "da",
        True,
    ),
    NextMessage(
        "Skal vi have en miljøcertificering for at levere rengøringsmidler?",
        "tæller svanemærket som miljøcertificering?",
        "da",
        True,
    ),
    NextMessage(
        "Skal vi have en miljøcertificering for at levere rengøringsmidler?",
        "hvor finder jeg kommunens EAN-numre?",
        "da",
        False,
    ),
    NextMessage(
        "Can subcontractors from Poland work on a municipal building site?",
        "and from Germany?",
        "en",
        True,
    ),
    NextMessage(
        "Can subcontractors from Poland work on a municipal building site?",
        "do Polish subcontractors need a Danish CVR number?",
        "en",
        True,
    ),
    NextMessage(
        "Can subcontractors from Poland work on a municipal building site?",
        "who decides which bid wins?",
        "en",
        False,
    ),
    NextMessage(
        "Can subcontractors from Poland work on a municipal building site?",
        "is there a dress code for the bidders meeting?",
        "en",
        False,
    ),
    NextMessage(
        "Do you pay invoices faster for small companies?", "what about sole traders?", "en", True
    ),
    NextMessage(
        "Do you pay invoices faster for small companies?",
        "can small companies get invoices paid sooner than 30 days?",
        "en",
        True,
    ),
    NextMessage(
        "Do you pay invoices faster for small companies?",
        "where are tenders announced?",
        "en",
        False,
    ),
    NextMessage(
        "Do you pay invoices faster for small companies?",
        "can we bring an interpreter to a meeting?",
        "en",
        False,
    ),
    NextMessage("Tager kommunen imod tilbud på engelsk?", "what about german?", "en", True),
)
