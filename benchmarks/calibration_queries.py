"""Questions the knowledge pack cannot answer, written for fitting the confidence model.

Half are off-topic (nothing to do with procurement), half are about buying
and selling to the public sector but outside what the pack knows (other
municipalities, other countries, specific contracts, private advice). They
were written for calibration only and are not taken from the development
questions in ``shared/eval/dev.jsonl``.
"""

from __future__ import annotations

OFF_TOPIC: tuple[tuple[str, str], ...] = (
    ("da", "hvordan fornyer jeg mit kørekort"),
    ("da", "hvad bliver vejret i weekenden i Skanderborg"),
    ("da", "kan du anbefale en god restaurant i midtbyen"),
    ("da", "hvordan bager man en æblekage"),
    ("da", "hvem vandt fodboldkampen i går"),
    ("da", "hvad er klokken i Tokyo lige nu"),
    ("da", "hvordan får jeg et nyt sundhedskort"),
    ("da", "kan du hjælpe mig med min årsopgørelse"),
    ("da", "hvornår åbner Tivoli i år"),
    ("da", "hvordan skifter jeg til vinterdæk"),
    ("da", "hvad hedder hovedstaden i Australien"),
    ("da", "hvordan skriver jeg mit barn op til vuggestue"),
    ("da", "hvad koster et månedskort til bussen"),
    ("da", "jeg vil gerne bestille tid hos lægen"),
    ("da", "fortæl mig noget sjovt om katte"),
    ("en", "best pizza in town"),
    ("en", "what is the capital of Australia"),
    ("en", "who won the football match yesterday"),
    ("en", "how do I change a flat tyre"),
    ("en", "what time is it in Tokyo"),
    ("en", "recommend me a good crime novel"),
    ("en", "how do I get a library card"),
    ("en", "what is the meaning of life"),
    ("en", "how long should I boil rice"),
    ("en", "translate good morning into French"),
    ("en", "when does the zoo open on Sundays"),
    ("en", "book me a table for two on Friday"),
    ("en", "can you help me with my maths homework"),
    ("en", "which phone has the best camera"),
    ("en", "how tall is the Eiffel tower"),
)

OUT_OF_KNOWLEDGE: tuple[tuple[str, str], ...] = (
    ("da", "hvad koster en parkeringslicens i København"),
    ("da", "hvornår udbyder Region Midtjylland nye ambulancer"),
    ("da", "hvem vandt Odense Kommunes udbud af skolemælk"),
    ("da", "hvad er tilbudsfristen i Københavns udbud af busdrift"),
    ("da", "kan I sende mig prisbilaget fra jeres kontrakt på kopipapir"),
    ("da", "hvilket firma har snerydningen i Randers"),
    ("da", "hvordan søger jeg byggetilladelse til en carport"),
    ("da", "hvordan får jeg refusion af sygedagpenge for en medarbejder"),
    ("da", "hvem er indkøbschef i Region Hovedstaden"),
    ("da", "hvor mange tilbud kom der på Vejle Kommunes kantineudbud"),
    ("da", "må jeg give en gave til en indkøber i kommunen til jul"),
    ("da", "hvad var vinderprisen på Horsens Kommunes rengøringskontrakt"),
    ("da", "hvordan stifter jeg et anpartsselskab"),
    ("da", "kan I give mig en rabatkode til jeres kantine"),
    ("da", "hvornår bliver den nye letbanestrækning til Hinnerup færdig"),
    ("en", "what is the deadline for Copenhagen's bus operation tender"),
    ("en", "who won the school milk contract in Odense"),
    ("en", "how do I apply for a building permit for a carport"),
    ("en", "what did Horsens pay for its cleaning contract"),
    ("en", "can you send me the price annex of your photocopier contract"),
    ("en", "which company clears snow for the city of Randers"),
    ("en", "how do I register a private limited company in Denmark"),
    ("en", "who is the chief procurement officer of the Capital Region"),
    ("en", "how many bids did Vejle receive for its canteen tender"),
    ("en", "is it okay to give a christmas present to the municipal buyer"),
    ("en", "what are the public procurement rules in Norway"),
    ("en", "when will the new light rail line to Hinnerup open"),
    ("en", "does the hospital in Skejby buy medical gloves from local firms"),
    ("en", "how do I get a parking permit for my company van in Copenhagen"),
    ("en", "what salary does a procurement officer earn in Aarhus"),
)

NEGATIVE_QUERIES: tuple[tuple[str, str], ...] = OFF_TOPIC + OUT_OF_KNOWLEDGE
