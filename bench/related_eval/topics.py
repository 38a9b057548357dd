"""Hand-written vocabularies of the related-articles evaluation set (see generate.py).

Per topic and language: headlines, leads, sentences only that topic uses, noun phrases and
actors for the shared sentence patterns, and the topic it borrows a sentence from (topics
overlap, as real news does: energy and climate, housing and the economy). {place}, {n} and
{day} are filled in by the generator. Written for this benchmark; no text is copied.
"""

PLACES = ["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Bremen", "Dresden", "Hannover"]
DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
}

# Sentences any article may contain: the shared filler of news writing.
FILLER = {
    "en": [
        "The decision was announced on {day}.",
        "Critics said more details were needed before anything could change.",
        "A spokesperson for the city declined to comment on the figures.",
        "The numbers were published in a report on {day}.",
        "It is not yet clear how much the plan will cost in the end.",
        "Further talks are planned for next month in {place}.",
        "Many residents of {place} followed the debate closely.",
        "The opposition called the plan a first step, but not enough.",
        "Experts expect the situation to remain tense for some time.",
        "The state government wants to present a new proposal by the summer.",
        "Around {n} people attended the meeting on {day}.",
        "The local newspaper reported on the issue for weeks.",
    ],
    "de": [
        "Die Entscheidung wurde am {day} bekannt gegeben.",
        "Kritiker forderten mehr Einzelheiten, bevor sich etwas ändern könne.",
        "Eine Sprecherin der Stadt wollte die Zahlen nicht kommentieren.",
        "Die Zahlen wurden am {day} in einem Bericht veröffentlicht.",
        "Noch ist unklar, wie viel der Plan am Ende kosten wird.",
        "Weitere Gespräche sind für den kommenden Monat in {place} geplant.",
        "Viele Menschen in {place} verfolgten die Debatte aufmerksam.",
        "Die Opposition nannte den Plan einen ersten Schritt, aber nicht genug.",
        "Fachleute erwarten, dass die Lage noch eine Weile angespannt bleibt.",
        "Die Landesregierung will bis zum Sommer einen neuen Vorschlag vorlegen.",
        "Rund {n} Menschen kamen am {day} zu der Versammlung.",
        "Die Lokalzeitung berichtete wochenlang über das Thema.",
    ],
}

# Patterns filled with a topic's noun phrases (np) and actors (German: both in the nominative).
PATTERNS = {
    "en": [
        "{actor} said on {day} that {np} would remain a priority.",
        "The debate about {np} has been going on for months.",
        "According to {actor}, {np} will cost more than expected.",
        "In {place}, {np} is now on the agenda again.",
        "{actor} criticised the lack of progress on {np}.",
    ],
    "de": [
        "{actor} sagte am {day}, {np} bleibe eine Priorität.",
        "Seit Monaten ist {np} ein Streitthema.",
        "{actor} erklärte, {np} werde teurer als erwartet.",
        "In {place} steht {np} nun wieder auf der Tagesordnung.",
        "{actor} kritisierte, {np} komme nicht voran.",
    ],
}

TOPICS = {
    "football": {
        "borrows": "economy",
        "en": {
            "titles": [
                "Late goal decides the derby in {place}",
                "Coach under pressure after third defeat",
                "Club signs young striker for {n} million",
            ],
            "leads": [
                "A header in stoppage time settled a tense match in front of a full stadium.",
                "The team has now lost three league games in a row.",
            ],
            "sentences": [
                "The striker scored twice in the second half.",
                "The goalkeeper saved a penalty in the 80th minute.",
                "The coach changed his defence at half-time.",
                "The club now sits {n} points behind the league leaders.",
                "Supporters sang for the whole match despite the rain.",
                "The referee showed a red card after a foul in midfield.",
                "The transfer fee is a record for the club.",
            ],
            "nps": ["the new stadium", "the league title", "the transfer market", "youth football"],
            "actors": ["The coach", "The club's chairman", "The team captain"],
        },
        "de": {
            "titles": [
                "Spätes Tor entscheidet das Derby in {place}",
                "Trainer nach der dritten Niederlage unter Druck",
                "Verein holt jungen Stürmer für {n} Millionen",
            ],
            "leads": [
                "Ein Kopfball in der Nachspielzeit entschied die Partie vor ausverkauftem Haus.",
                "Die Mannschaft hat drei Ligaspiele in Folge verloren.",
            ],
            "sentences": [
                "Der Stürmer traf in der zweiten Halbzeit doppelt.",
                "Der Torwart hielt in der 80. Minute einen Elfmeter.",
                "Der Trainer stellte die Abwehr zur Pause um.",
                "Der Verein liegt nun {n} Punkte hinter dem Tabellenführer.",
                "Die Fans sangen trotz des Regens das ganze Spiel über.",
                "Der Schiedsrichter zeigte nach einem Foul im Mittelfeld die Rote Karte.",
                "Die Ablöse ist ein Rekord für den Verein.",
            ],
            "nps": ["das neue Stadion", "die Meisterschaft", "der Transfermarkt", "der Nachwuchs"],
            "actors": ["Der Trainer", "Der Vereinspräsident", "Der Kapitän"],
        },
    },
    "energy": {
        "borrows": "climate",
        "en": {
            "titles": [
                "Heat pump subsidies to be cut next year",
                "Electricity prices in {place} rise again",
                "Gas storage is full ahead of winter",
            ],
            "leads": [
                "Homeowners will receive less money for replacing their old heating.",
                "Households face higher bills for power and gas.",
            ],
            "sentences": [
                "Installers report fewer orders for heat pumps.",
                "Many owners are keeping their old gas boiler for another winter.",
                "The price of electricity rose by {n} percent.",
                "Solar panels on roofs produced more power than ever this summer.",
                "The grid operator warned about bottlenecks in the power lines.",
                "Wind farms in the north had to be switched off on windy days.",
                "The utility raised its tariffs for gas customers.",
            ],
            "nps": ["the heating law", "the power grid", "energy prices", "the subsidy programme"],
            "actors": ["The energy minister", "The utility", "The consumer association"],
        },
        "de": {
            "titles": [
                "Förderung für Wärmepumpen wird gekürzt",
                "Strompreise in {place} steigen erneut",
                "Gasspeicher vor dem Winter gefüllt",
            ],
            "leads": [
                "Hausbesitzer bekommen weniger Geld für den Tausch der alten Heizung.",
                "Haushalte müssen mit höheren Rechnungen für Strom und Gas rechnen.",
            ],
            "sentences": [
                "Handwerker melden weniger Aufträge für Wärmepumpen.",
                "Viele Eigentümer behalten ihre alte Gasheizung noch einen Winter.",
                "Der Strompreis stieg um {n} Prozent.",
                "Solaranlagen auf Dächern lieferten in diesem Sommer so viel Strom wie nie.",
                "Der Netzbetreiber warnte vor Engpässen in den Stromleitungen.",
                "Windparks im Norden mussten an windigen Tagen abgeschaltet werden.",
                "Der Versorger erhöhte die Tarife für Gaskunden.",
            ],
            "nps": ["das Heizungsgesetz", "das Stromnetz", "die Energiepreise", "die Förderung"],
            "actors": ["Der Energieminister", "Der Versorger", "Die Verbraucherzentrale"],
        },
    },
    "cycling": {
        "borrows": "housing",
        "en": {
            "titles": [
                "Council approves protected cycle lanes in {place}",
                "Shop owners protest against loss of parking spaces",
                "Bike traffic doubles on the new route",
            ],
            "leads": [
                "Twelve kilometres of bike paths are to replace parking along the main road.",
                "Cyclists welcome the plan, while drivers fear longer journeys.",
            ],
            "sentences": [
                "The new cycle lane will be separated from cars by a kerb.",
                "Parking spaces on the high street will disappear.",
                "Counters recorded {n} cyclists a day on the bridge.",
                "Bus lanes will be shared with bicycles at some junctions.",
                "Retailers fear losing customers who arrive by car.",
                "The speed limit in the city centre is to be lowered.",
                "Construction of the bike path starts in spring.",
            ],
            "nps": [
                "the cycle network",
                "traffic in the centre",
                "the parking plan",
                "road safety",
            ],
            "actors": [
                "The transport councillor",
                "The cycling club",
                "The retailers' association",
            ],
        },
        "de": {
            "titles": [
                "Stadtrat beschließt geschützte Radwege in {place}",
                "Händler protestieren gegen den Wegfall von Parkplätzen",
                "Radverkehr auf der neuen Strecke verdoppelt",
            ],
            "leads": [
                "Zwölf Kilometer Radwege sollen Parkplätze an der Hauptstraße ersetzen.",
                "Radfahrer begrüßen den Plan, Autofahrer fürchten längere Wege.",
            ],
            "sentences": [
                "Der neue Radweg wird durch einen Bordstein von den Autos getrennt.",
                "Die Parkplätze in der Einkaufsstraße fallen weg.",
                "Zählstellen erfassten {n} Radfahrer am Tag auf der Brücke.",
                "Busspuren werden an einigen Kreuzungen für Fahrräder freigegeben.",
                "Händler fürchten, Kunden zu verlieren, die mit dem Auto kommen.",
                "Das Tempolimit in der Innenstadt soll gesenkt werden.",
                "Der Bau des Radwegs beginnt im Frühjahr.",
            ],
            "nps": [
                "das Radwegenetz",
                "der Verkehr in der Innenstadt",
                "das Parkkonzept",
                "die Verkehrssicherheit",
            ],
            "actors": ["Die Verkehrsdezernentin", "Der Fahrradclub", "Der Handelsverband"],
        },
    },
    "elections": {
        "borrows": "cycling",
        "en": {
            "titles": [
                "Mayor re-elected in {place} with narrow majority",
                "Turnout falls in state election",
                "Parties begin coalition talks",
            ],
            "leads": [
                "The incumbent won the run-off by fewer than {n} votes.",
                "Fewer voters went to the polls than four years ago.",
            ],
            "sentences": [
                "The polling stations closed at six in the evening.",
                "The count continued late into the night.",
                "Turnout was {n} percent, lower than last time.",
                "The candidate thanked her campaign volunteers.",
                "Postal votes made up almost half of all ballots.",
                "The smaller parties failed to reach the threshold.",
                "The coalition talks are expected to take several weeks.",
            ],
            "nps": [
                "the election campaign",
                "the coalition agreement",
                "voter turnout",
                "the ballot",
            ],
            "actors": ["The mayor", "The returning officer", "The party leader"],
        },
        "de": {
            "titles": [
                "Oberbürgermeisterin in {place} knapp wiedergewählt",
                "Wahlbeteiligung bei der Landtagswahl gesunken",
                "Parteien beginnen Koalitionsgespräche",
            ],
            "leads": [
                "Die Amtsinhaberin gewann die Stichwahl mit weniger als {n} Stimmen Vorsprung.",
                "Weniger Menschen gingen zur Wahl als vor vier Jahren.",
            ],
            "sentences": [
                "Die Wahllokale schlossen um 18 Uhr.",
                "Die Auszählung dauerte bis tief in die Nacht.",
                "Die Wahlbeteiligung lag bei {n} Prozent, niedriger als beim letzten Mal.",
                "Die Kandidatin dankte ihren Wahlkampfhelfern.",
                "Briefwähler machten fast die Hälfte aller Stimmen aus.",
                "Die kleineren Parteien scheiterten an der Fünfprozenthürde.",
                "Die Koalitionsverhandlungen werden wohl mehrere Wochen dauern.",
            ],
            "nps": [
                "der Wahlkampf",
                "der Koalitionsvertrag",
                "die Wahlbeteiligung",
                "die Stimmzettel",
            ],
            "actors": ["Die Oberbürgermeisterin", "Der Wahlleiter", "Der Parteichef"],
        },
    },
    "health": {
        "borrows": "schools",
        "en": {
            "titles": [
                "Hospital in {place} closes its maternity ward",
                "Waiting times for specialists keep growing",
                "Flu season starts early this year",
            ],
            "leads": [
                "Patients will have to travel further to give birth.",
                "Doctors' surgeries report full waiting rooms.",
            ],
            "sentences": [
                "Nurses have been working extra shifts for months.",
                "The emergency department treated {n} patients last week.",
                "The clinic cannot find enough midwives.",
                "Patients wait an average of {n} days for an appointment.",
                "Doctors recommend the flu vaccine for older people.",
                "The health insurers want to cut the number of hospital beds.",
                "Pharmacies report shortages of some medicines.",
            ],
            "nps": [
                "hospital reform",
                "care for patients",
                "the shortage of nurses",
                "the vaccine campaign",
            ],
            "actors": ["The health minister", "The hospital director", "The doctors' association"],
        },
        "de": {
            "titles": [
                "Klinik in {place} schließt ihre Geburtsstation",
                "Wartezeiten beim Facharzt werden länger",
                "Grippesaison beginnt in diesem Jahr früh",
            ],
            "leads": [
                "Schwangere müssen künftig weitere Wege zur Entbindung fahren.",
                "Arztpraxen melden volle Wartezimmer.",
            ],
            "sentences": [
                "Pflegekräfte leisten seit Monaten zusätzliche Schichten.",
                "Die Notaufnahme behandelte vergangene Woche {n} Patienten.",
                "Die Klinik findet nicht genug Hebammen.",
                "Patienten warten im Schnitt {n} Tage auf einen Termin.",
                "Ärzte empfehlen älteren Menschen die Grippeimpfung.",
                "Die Krankenkassen wollen die Zahl der Klinikbetten senken.",
                "Apotheken melden Lieferengpässe bei einigen Medikamenten.",
            ],
            "nps": [
                "die Krankenhausreform",
                "die Versorgung der Patienten",
                "der Pflegemangel",
                "die Impfkampagne",
            ],
            "actors": ["Der Gesundheitsminister", "Die Klinikleiterin", "Die Ärztekammer"],
        },
    },
    "climate": {
        "borrows": "energy",
        "en": {
            "titles": [
                "Floods hit villages near {place}",
                "Summer was the hottest on record",
                "City adopts plan to cut emissions by 2035",
            ],
            "leads": [
                "Heavy rain caused rivers to burst their banks overnight.",
                "Meteorologists recorded more hot days than ever before.",
            ],
            "sentences": [
                "The river rose by {n} centimetres within a few hours.",
                "Firefighters pumped water out of flooded cellars.",
                "The drought has left forests dry and vulnerable to fire.",
                "Temperatures reached {n} degrees in the shade.",
                "Carbon emissions are to fall by half within ten years.",
                "Trees are being planted to cool the streets in summer.",
                "Insurers expect damage worth millions after the storm.",
            ],
            "nps": [
                "climate protection",
                "flood defences",
                "the heat action plan",
                "emission targets",
            ],
            "actors": ["The environment minister", "The weather service", "The climate activists"],
        },
        "de": {
            "titles": [
                "Hochwasser trifft Dörfer bei {place}",
                "Der Sommer war der heißeste seit Beginn der Messungen",
                "Stadt beschließt Klimaplan bis 2035",
            ],
            "leads": [
                "Starkregen ließ die Flüsse über Nacht über die Ufer treten.",
                "Meteorologen zählten mehr heiße Tage als je zuvor.",
            ],
            "sentences": [
                "Der Pegel stieg innerhalb weniger Stunden um {n} Zentimeter.",
                "Die Feuerwehr pumpte Wasser aus überfluteten Kellern.",
                "Die Dürre hat die Wälder ausgetrocknet und anfällig für Brände gemacht.",
                "Die Temperaturen erreichten {n} Grad im Schatten.",
                "Der Ausstoß von Treibhausgasen soll in zehn Jahren halbiert werden.",
                "Bäume werden gepflanzt, um die Straßen im Sommer zu kühlen.",
                "Versicherer rechnen nach dem Unwetter mit Schäden in Millionenhöhe.",
            ],
            "nps": [
                "der Klimaschutz",
                "der Hochwasserschutz",
                "der Hitzeaktionsplan",
                "die Klimaziele",
            ],
            "actors": ["Die Umweltministerin", "Der Wetterdienst", "Die Klimaaktivisten"],
        },
    },
    "tech": {
        "borrows": "schools",
        "en": {
            "titles": [
                "Start-up in {place} raises money for AI assistant",
                "Authorities move to digital forms",
                "Data breach affects {n} customers",
            ],
            "leads": [
                "The company wants to hire developers and expand abroad.",
                "Residents will soon be able to apply online instead of queuing.",
            ],
            "sentences": [
                "The software uses artificial intelligence to answer questions.",
                "Hackers gained access to names and email addresses.",
                "The app was downloaded {n} times in its first week.",
                "The developers trained the model on public data.",
                "Fast internet is still missing in many rural areas.",
                "The servers are located in a data centre in Frankfurt.",
                "Users should change their passwords as a precaution.",
            ],
            "nps": [
                "artificial intelligence",
                "data protection",
                "the broadband expansion",
                "the digital office",
            ],
            "actors": [
                "The company's founder",
                "The data protection officer",
                "The digital minister",
            ],
        },
        "de": {
            "titles": [
                "Start-up aus {place} sammelt Geld für KI-Assistenten",
                "Behörden stellen auf digitale Formulare um",
                "Datenleck betrifft {n} Kunden",
            ],
            "leads": [
                "Das Unternehmen will Entwickler einstellen und ins Ausland wachsen.",
                "Bürger sollen Anträge bald online stellen können, statt Schlange zu stehen.",
            ],
            "sentences": [
                "Die Software beantwortet Fragen mit künstlicher Intelligenz.",
                "Hacker verschafften sich Zugang zu Namen und E-Mail-Adressen.",
                "Die App wurde in der ersten Woche {n} Mal heruntergeladen.",
                "Die Entwickler trainierten das Modell mit öffentlichen Daten.",
                "In vielen ländlichen Regionen fehlt noch schnelles Internet.",
                "Die Server stehen in einem Rechenzentrum in Frankfurt.",
                "Nutzer sollten vorsichtshalber ihre Passwörter ändern.",
            ],
            "nps": [
                "die künstliche Intelligenz",
                "der Datenschutz",
                "der Breitbandausbau",
                "das digitale Amt",
            ],
            "actors": [
                "Der Gründer des Unternehmens",
                "Die Datenschutzbeauftragte",
                "Der Digitalminister",
            ],
        },
    },
    "schools": {
        "borrows": "tech",
        "en": {
            "titles": [
                "Teacher shortage: {n} posts remain vacant",
                "School in {place} to be renovated",
                "Pupils' reading skills decline",
            ],
            "leads": [
                "Many classes start the school year without a permanent teacher.",
                "The study tested pupils in the fourth year of primary school.",
            ],
            "sentences": [
                "Lessons are being cancelled because teachers are ill.",
                "The classrooms have not been renovated for decades.",
                "Parents complained about leaking roofs and broken toilets.",
                "Each pupil is to receive a tablet for lessons.",
                "The headteacher hired students as substitute teachers.",
                "Fewer children read well than ten years ago.",
                "The school day now ends later to include homework time.",
            ],
            "nps": [
                "the teacher shortage",
                "all-day schooling",
                "the school renovation",
                "reading lessons",
            ],
            "actors": ["The education minister", "The headteacher", "The parents' council"],
        },
        "de": {
            "titles": [
                "Lehrermangel: {n} Stellen bleiben unbesetzt",
                "Schule in {place} wird saniert",
                "Lesefähigkeit von Grundschülern sinkt",
            ],
            "leads": [
                "Viele Klassen beginnen das Schuljahr ohne feste Lehrkraft.",
                "Die Studie testete Kinder in der vierten Klasse.",
            ],
            "sentences": [
                "Unterricht fällt aus, weil Lehrkräfte krank sind.",
                "Die Klassenzimmer wurden seit Jahrzehnten nicht saniert.",
                "Eltern beklagten undichte Dächer und kaputte Toiletten.",
                "Jeder Schüler soll ein Tablet für den Unterricht bekommen.",
                "Die Schulleiterin stellte Studierende als Vertretung ein.",
                "Weniger Kinder lesen gut als vor zehn Jahren.",
                "Der Schultag endet nun später, damit Zeit für Hausaufgaben bleibt.",
            ],
            "nps": [
                "der Lehrermangel",
                "die Ganztagsschule",
                "die Schulsanierung",
                "der Leseunterricht",
            ],
            "actors": ["Die Kultusministerin", "Die Schulleiterin", "Der Elternbeirat"],
        },
    },
    "housing": {
        "borrows": "economy",
        "en": {
            "titles": [
                "Rents in {place} rise faster than incomes",
                "City plans {n} new flats on former rail yard",
                "Tenants protest against renovation costs",
            ],
            "leads": [
                "Families are finding it harder to afford a flat in the city.",
                "The new district is to include social housing and a school.",
            ],
            "sentences": [
                "The average rent rose to {n} euros per square metre.",
                "Landlords passed the costs of the renovation on to tenants.",
                "Hundreds of people came to view a single flat.",
                "A third of the new flats are to be social housing.",
                "Construction has slowed because of high interest rates.",
                "The tenants' association advises people to check their contracts.",
                "Building permits fell for the third year in a row.",
            ],
            "nps": ["the housing shortage", "the rent cap", "social housing", "the new district"],
            "actors": ["The building senator", "The tenants' association", "The housing company"],
        },
        "de": {
            "titles": [
                "Mieten in {place} steigen schneller als Einkommen",
                "Stadt plant {n} neue Wohnungen auf altem Bahngelände",
                "Mieter protestieren gegen Modernisierungskosten",
            ],
            "leads": [
                "Familien können sich eine Wohnung in der Stadt immer schwerer leisten.",
                "Das neue Quartier soll Sozialwohnungen und eine Schule bekommen.",
            ],
            "sentences": [
                "Die durchschnittliche Miete stieg auf {n} Euro pro Quadratmeter.",
                "Vermieter legten die Kosten der Modernisierung auf die Mieter um.",
                "Hunderte Menschen kamen zur Besichtigung einer einzigen Wohnung.",
                "Ein Drittel der neuen Wohnungen sollen Sozialwohnungen werden.",
                "Der Bau stockt wegen der hohen Zinsen.",
                "Der Mieterverein rät, die Verträge genau zu prüfen.",
                "Die Zahl der Baugenehmigungen sank das dritte Jahr in Folge.",
            ],
            "nps": [
                "die Wohnungsnot",
                "die Mietpreisbremse",
                "der soziale Wohnungsbau",
                "das neue Quartier",
            ],
            "actors": ["Der Bausenator", "Der Mieterverein", "Die Wohnungsbaugesellschaft"],
        },
    },
    "economy": {
        "borrows": "housing",
        "en": {
            "titles": [
                "Inflation falls to {n} percent",
                "Factory in {place} cuts hundreds of jobs",
                "Central bank leaves interest rates unchanged",
            ],
            "leads": [
                "Food and energy became cheaper than in the previous month.",
                "The carmaker's supplier blames weak demand and high costs.",
            ],
            "sentences": [
                "Prices in supermarkets rose more slowly than last year.",
                "The company wants to move production abroad.",
                "The unions announced strikes at several plants.",
                "Exports fell by {n} percent in the third quarter.",
                "Economists expect the economy to grow only slightly.",
                "The central bank is worried about wages rising too fast.",
                "Small businesses complain about bureaucracy and taxes.",
            ],
            "nps": ["the economy", "the job cuts", "inflation", "interest rates"],
            "actors": ["The finance minister", "The works council", "The chamber of commerce"],
        },
        "de": {
            "titles": [
                "Inflation sinkt auf {n} Prozent",
                "Werk in {place} streicht Hunderte Stellen",
                "Zentralbank lässt die Zinsen unverändert",
            ],
            "leads": [
                "Lebensmittel und Energie wurden billiger als im Vormonat.",
                "Der Autozulieferer begründet das mit schwacher Nachfrage und hohen Kosten.",
            ],
            "sentences": [
                "Die Preise im Supermarkt stiegen langsamer als im Vorjahr.",
                "Das Unternehmen will die Produktion ins Ausland verlagern.",
                "Die Gewerkschaften kündigten Streiks in mehreren Werken an.",
                "Die Exporte sanken im dritten Quartal um {n} Prozent.",
                "Ökonomen erwarten nur ein leichtes Wachstum der Wirtschaft.",
                "Die Zentralbank sorgt sich um zu schnell steigende Löhne.",
                "Kleine Betriebe klagen über Bürokratie und Steuern.",
            ],
            "nps": ["die Konjunktur", "der Stellenabbau", "die Inflation", "die Zinsen"],
            "actors": ["Der Finanzminister", "Der Betriebsrat", "Die Handelskammer"],
        },
    },
}
