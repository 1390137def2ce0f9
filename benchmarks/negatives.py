"""Messages no record of the pack answers: negatives for the fit, and the junk benchmark.

Three kinds of questions, each in Danish and English, made from templates
and slot values written for this purpose (not from any question set):

- :data:`MUNICIPAL`: the municipality, but not procurement (schools,
  permits, parking, waste, jobs, tax, housing);
- :data:`OFF_TOPIC`: nothing to do with either (weather, recipes, sport,
  homework, small talk);
- :data:`BUSINESS`: running a business, but not selling to the
  municipality (company registration, VAT rates, tax, bookkeeping, hiring);
- :data:`NEAR_DOMAIN`: procurement, but nothing the pack knows (other
  buyers, winners and prices of specific contracts, plans and budgets the
  pack does not hold, one's own case) — the bot must hand these to a person;
  :func:`about_known_tenders` asks such things about the pack's own tenders.

And :func:`junk`: messages with no question at all — numbers, years, code,
markup, SQL and template injection strings, random letters, emoji,
commands glued together, and mixtures of these — as a fuzzer sends them.
Every generator is seeded and deterministic.
"""

from __future__ import annotations

import itertools
import random
import string

Template = tuple[str, str, tuple[str, ...]]
"""(language, text with one ``{}``, values for it)."""

MUNICIPAL: tuple[Template, ...] = (
    (
        "da",
        "hvordan søger jeg {}?",
        (
            "byggetilladelse til en carport",
            "boligstøtte",
            "friplads i vuggestuen",
            "beboerparkering i midtbyen",
            "nyt pas",
            "skolebuskort til min søn",
            "tilskud til en ny varmepumpe",
            "dispensation til et skilt på facaden",
            "en plads på plejehjem til min mor",
            "tilladelse til at fælde et træ",
        ),
    ),
    (
        "da",
        "hvornår {}?",
        (
            "tømmes skraldespanden på min vej",
            "henter I storskrald",
            "åbner hovedbiblioteket",
            "er der skolestart efter sommerferien",
            "skal ejendomsskatten betales",
            "bliver vejen ved mit hus asfalteret",
            "åbner genbrugsstationen i weekenden",
            "er der valg til byrådet",
        ),
    ),
    (
        "da",
        "hvad koster {}?",
        (
            "en parkeringslicens i Aarhus",
            "en plads i SFO",
            "et nyt sundhedskort",
            "at leje en kolonihave",
            "en hundelicens",
            "et p-kort til min firmabil",
        ),
    ),
    (
        "da",
        "{}",
        (
            "har I ledige stillinger som pædagog?",
            "hvordan skifter mit barn skole?",
            "min nabo larmer om natten, hvem klager jeg til?",
            "hvad er grundskylden i år?",
            "jeg har fået en p-bøde, hvordan klager jeg?",
            "hvor meldes et hul i vejen?",
            "hvornår kommer snerydningen på min villavej?",
            "hvordan melder jeg flytning?",
            "kan jeg få hjælp til at betale tandlæge?",
            "hvem er borgmester i Aarhus?",
            "hvordan får jeg en ny skraldespand?",
            "hvordan søger jeg job hos kommunen?",
            "hvor finder jeg kommunens åbningstider?",
            "kan I hjælpe med min ansøgning om førtidspension?",
        ),
    ),
    (
        "en",
        "how do I apply for {}?",
        (
            "a building permit for a carport",
            "housing benefit",
            "a daycare place",
            "resident parking in the city centre",
            "a new passport",
            "a school bus pass",
            "a grant for a heat pump",
            "a permit to cut down a tree",
            "a job at the city",
        ),
    ),
    (
        "en",
        "when {}?",
        (
            "is my bin emptied",
            "do you collect bulky waste",
            "does the main library open",
            "does school start after the summer",
            "is property tax due",
            "is the next city election",
            "does the recycling centre open on sundays",
        ),
    ),
    (
        "en",
        "what does {} cost?",
        (
            "a parking permit in Aarhus",
            "after-school care",
            "a dog licence",
            "renting an allotment",
            "a new health card",
        ),
    ),
    (
        "en",
        "{}",
        (
            "any vacancies for teachers at the city?",
            "how do I move my kid to another school?",
            "who do I complain to about a noisy neighbour?",
            "got a parking ticket, how do I appeal?",
            "where do I report a pothole?",
            "who is the mayor of Aarhus?",
            "how do I register my new address?",
            "what are the opening hours of the city hall?",
            "can the city help me pay the dentist?",
            "how do I get a new wheelie bin?",
        ),
    ),
)

BUSINESS: tuple[Template, ...] = (
    (
        "da",
        "{}",
        (
            "hvordan starter jeg en enkeltmandsvirksomhed?",
            "skal jeg momsregistreres som ny selvstændig?",
            "hvad er momssatsen i Danmark?",
            "hvornår skal B-skatten betales?",
            "hvordan laver jeg et årsregnskab?",
            "hvilket regnskabsprogram kan lave fakturaer?",
            "hvad koster en revisor om året?",
            "hvordan ansætter jeg min første medarbejder?",
            "hvordan beregner jeg feriepenge til mine ansatte?",
            "skal jeg have en arbejdsskadeforsikring?",
            "hvordan får jeg et erhvervslån?",
            "hvordan registrerer jeg et varemærke?",
            "hvad er reglerne for kørsel i egen bil?",
            "kan jeg trække min arbejdstelefon fra i skat?",
            "hvordan opsiger jeg mit erhvervslejemål?",
            "hvordan laver jeg et ApS om til et A/S?",
            "hvad er minimumslønnen for en elev?",
            "hvordan får jeg lønsumsafgift refunderet?",
            "hvad skal en ansættelseskontrakt indeholde?",
            "hvordan søger jeg eksportstøtte?",
        ),
    ),
    (
        "da",
        "har I ledige stillinger som {}?",
        (
            "sygeplejerske",
            "ingeniør",
            "jurist",
            "økonomimedarbejder",
            "it-supporter",
            "chauffør",
            "rengøringsassistent",
            "bygningskonstruktør",
            "sagsbehandler",
        ),
    ),
    (
        "en",
        "{}",
        (
            "how do I start a sole proprietorship in Denmark?",
            "do I need to register for VAT?",
            "what is the VAT rate in Denmark?",
            "when is preliminary tax due?",
            "how do I prepare annual accounts?",
            "which accounting software can make invoices?",
            "how much does an accountant cost?",
            "how do I hire my first employee?",
            "how do I calculate holiday pay?",
            "do I need workers' compensation insurance?",
            "how do I get a business loan?",
            "how do I register a trademark?",
            "can I deduct my work phone from tax?",
            "how do I end a commercial lease?",
            "what should an employment contract contain?",
            "how do I apply for export support?",
        ),
    ),
    (
        "en",
        "do you have any vacancies for {}?",
        (
            "nurses",
            "engineers",
            "lawyers",
            "accountants",
            "IT support",
            "drivers",
            "cleaners",
            "caseworkers",
        ),
    ),
)

OFF_TOPIC: tuple[Template, ...] = (
    (
        "da",
        "{}",
        (
            "hvad bliver vejret i morgen?",
            "opskrift på lasagne",
            "hvem vandt superligaen?",
            "skriv en sang om min kat",
            "hvad er hovedstaden i Canada?",
            "kan du hjælpe med mine matematiklektier?",
            "fortæl en vittighed",
            "hvad er meningen med livet?",
            "hvordan skifter jeg et dæk?",
            "anbefal en god film",
            "hvor gammel er du?",
            "hvad er klokken i New York?",
            "oversæt 'god morgen' til fransk",
            "hvordan laver man kaffe på stempelkande?",
            "er du et menneske?",
            "hvad synes du om Aarhus?",
            "hvordan taber jeg 5 kilo?",
            "hvilken telefon skal jeg købe?",
            "hvad er 17 gange 23?",
            "hvem opfandt elpæren?",
        ),
    ),
    (
        "en",
        "{}",
        (
            "what's the weather tomorrow?",
            "recipe for pancakes",
            "who won the champions league?",
            "write a poem about my dog",
            "what is the capital of Canada?",
            "help me with my maths homework",
            "tell me a joke",
            "what is the meaning of life?",
            "how do I change a tyre?",
            "recommend a good movie",
            "how old are you?",
            "what time is it in New York?",
            "translate good morning to french",
            "how do I make cold brew?",
            "are you a human?",
            "what do you think of aarhus?",
            "which laptop should I buy?",
            "what is 17 times 23?",
            "who invented the light bulb?",
            "how do I fix my python script?",
        ),
    ),
)

NEAR_DOMAIN: tuple[Template, ...] = (
    (
        "da",
        "hvem vandt {}?",
        (
            "Odense Kommunes udbud på skolemælk",
            "Region Midtjyllands udbud af ambulancer",
            "Københavns udbud på busdrift",
            "Vejle Kommunes kantineudbud",
            "Randers' udbud på snerydning",
            "Horsens Kommunes rengøringsudbud",
        ),
    ),
    (
        "da",
        "hvad er budgettet for {} i 2027?",
        (
            "arbejdstøj",
            "kaffemaskiner",
            "printerpapir",
            "vinduespudsning",
            "skadedyrsbekæmpelse",
            "flytteydelser",
            "tolkebistand",
            "el-cykler",
        ),
    ),
    (
        "da",
        "hvornår udbyder I {}?",
        (
            "nye kaffemaskiner",
            "arbejdstøj til hjemmeplejen",
            "tolkebistand",
            "juletræer",
            "solceller på skolerne",
            "hundeposer til parkerne",
            "møbler til rådhuset",
        ),
    ),
    (
        "da",
        "{}",
        (
            "kan I sende mig prisbilaget fra jeres aftale om kopipapir?",
            "hvorfor fik vores firma 2 point på kvalitet i jeres seneste udbud?",
            "kan I tjekke om vores tilbud er kommet frem?",
            "hvem er indkøbschef i Region Hovedstaden?",
            "hvor mange bød på Silkeborgs udbud af skolekørsel?",
            "hvad gav Skanderborg for deres nye lønsystem?",
            "hvad er reglerne for offentlige udbud i Norge?",
            "kan jeg få et møde med jeres indkøber af it-udstyr i næste uge?",
            "hvilke firmaer har I kontrakt med på vinduespudsning?",
            "hvornår udløber jeres aftale om arbejdstøj?",
            "må jeg give en julegave til en medarbejder i indkøb?",
            "hvad er timeprisen i jeres aftale med tolkebureauet?",
        ),
    ),
    (
        "en",
        "who won {}?",
        (
            "Odense's school milk tender",
            "the Central Denmark Region ambulance tender",
            "Copenhagen's bus tender",
            "Vejle's canteen contract",
            "Randers' snow clearing contract",
        ),
    ),
    (
        "en",
        "what is the budget for {} in 2027?",
        (
            "workwear",
            "coffee machines",
            "copy paper",
            "window cleaning",
            "pest control",
            "removal services",
            "interpreting services",
            "e-bikes",
        ),
    ),
    (
        "en",
        "when will you tender {}?",
        (
            "new coffee machines",
            "workwear for home care",
            "interpreting services",
            "christmas trees",
            "solar panels for schools",
            "furniture for city hall",
        ),
    ),
    (
        "en",
        "{}",
        (
            "can you send me the price annex of your copy paper contract?",
            "why did we get 2 points for quality in your last tender?",
            "can you check whether our bid arrived?",
            "who is the head of procurement at the Capital Region?",
            "how many bids did Silkeborg get for school transport?",
            "what did Skanderborg pay for its payroll system?",
            "what are the public procurement rules in Norway?",
            "can I meet your IT buyer next week?",
            "which firms have your window cleaning contract?",
            "when does your workwear contract expire?",
            "can I give a christmas present to someone in procurement?",
            "what hourly rate does your interpreter agency charge?",
        ),
    ),
)


_ABOUT_TENDER = {
    "da": (
        "kan I sende mig tilbuddene fra {}?",
        "hvad var vinderens pris i {}?",
        "hvor mange point fik vinderen i {}?",
        "hvem sad i bedømmelsesudvalget i {}?",
        "hvor mange bød på {}?",
        "hvad var budgettet for {} opdelt på delaftaler?",
    ),
    "en": (
        "can you send me the bids from {}?",
        "what was the winning price in {}?",
        "how many points did the winner get in {}?",
        "who sat on the evaluation panel for {}?",
        "how many firms bid for {}?",
        "what was the budget per lot in {}?",
    ),
}


def questions(templates: tuple[Template, ...]) -> list[tuple[str, str]]:
    """Every (language, question) the templates make."""
    return [(lang, text.format(value)) for lang, text, values in templates for value in values]


def about_known_tenders(titles: list[str]) -> list[tuple[str, str]]:
    """Questions about tenders the pack lists that only the buyer's files could answer."""
    return [
        (lang, template.format(title))
        for title in titles
        for lang, templates in _ABOUT_TENDER.items()
        for template in templates
    ]


_CODE = (
    "print('hello')",
    "SELECT * FROM users;",
    "def f(x): return x * 2",
    "console.log(1)",
    "<?php echo $x; ?>",
    "import os; os.system('ls')",
    "for i in range(10): pass",
    "SELECT name FROM orders WHERE id = 7",
    "rm -rf /",
    "git push --force",
    '{"a": 1}',
    "x = [i for i in y]",
    "curl localhost:8080",
    "int main() { return 0; }",
    "npm install",
)
_MARKUP = (
    "<b>hej</b>",
    "**bold**",
    "# heading",
    "[link](http://example.org)",
    "<br/>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "`code`",
    "```\nblock\n```",
    "&nbsp;&amp;",
    "<div class='x'></div>",
    "~~strike~~",
    "> quote",
    "---",
    "| a | b |",
)
_INJECTION = (
    "' OR 1=1 --",
    "'; DROP TABLE users;--",
    "{{7*7}}",
    "${7*7}",
    "<%= 7*7 %>",
    "{% debug %}",
    "../../etc/passwd",
    "admin'--",
    '" OR ""="',
    "%00",
    "{{config}}",
    "#{7*7}",
    "$(whoami)",
    "`id`",
    "\\x00\\x01",
    "1; SELECT pg_sleep(5)",
    "<svg onload=alert(1)>",
)
_EMOJI = ("👍", "😂", "🙏", "🔥", "💩", "🤔", "😅", "🎉", "❤️", "🇩🇰", "👀", "✅", "🙈")
_COMMANDS = (
    "/start",
    "/help",
    "/udbud",
    "/menneske",
    "/abonner",
    "/afmeld",
    "/slet",
    "/kontakt",
    "/foo",
    "/admin",
    "/settings",
    "/tenders",
    "/human",
)


def junk(count: int, seed: int) -> list[str]:
    """``count`` distinct messages without a question, from a seeded mix of fuzzing styles."""
    rng = random.Random(seed)
    makers = (
        _number,
        _year,
        _code,
        _markup,
        _injection,
        _letters,
        _emoji,
        _glued_commands,
        _mixture,
    )
    out: dict[str, None] = {}
    for maker in itertools.cycle(makers):
        if len(out) >= count:
            break
        out.setdefault(maker(rng), None)
    return list(out)


def _number(rng: random.Random) -> str:
    return rng.choice(
        (
            str(rng.randint(0, 99)),
            str(rng.randint(100, 10**7)),
            f"{rng.randint(1, 999)}.{rng.randint(100, 999)}",
            f"{rng.randint(1, 99)},{rng.randint(0, 99)}",
            f"+45 {rng.randint(10**7, 10**8 - 1)}",
            f"{rng.randint(1, 9)}{rng.choice('?!')}",
            f"{rng.randint(1, 50)} {rng.randint(1, 50)} {rng.randint(1, 50)}",
        )
    )


def _year(rng: random.Random) -> str:
    return f"{rng.randint(1990, 2035)}{rng.choice(('', '?', '??', '!', '.'))}"


def _code(rng: random.Random) -> str:
    return rng.choice(_CODE) + rng.choice(("", " ", "\n", ";"))


def _markup(rng: random.Random) -> str:
    return rng.choice(_MARKUP) + rng.choice(("", " ", str(rng.randint(0, 9))))


def _injection(rng: random.Random) -> str:
    return rng.choice(_INJECTION) + rng.choice(("", " ", " --", ";"))


def _letters(rng: random.Random) -> str:
    alphabet = rng.choice((string.ascii_lowercase, "asdfghjkl", "qwertyuiop", "æøåxyz"))
    return " ".join(
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))
        for _ in range(rng.randint(1, 3))
    )


def _emoji(rng: random.Random) -> str:
    return "".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 4)))


def _glued_commands(rng: random.Random) -> str:
    glue = rng.choice(("", "/", " ", "@", "&&", ";"))
    parts = [rng.choice(_COMMANDS) for _ in range(rng.randint(2, 3))]
    return glue.join(parts) + rng.choice(("", "@udbudsbot", "!!"))


def _mixture(rng: random.Random) -> str:
    makers = (_number, _code, _markup, _injection, _letters, _emoji)
    return " ".join(rng.choice(makers)(rng) for _ in range(rng.randint(2, 3)))
