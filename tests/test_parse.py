"""The parser against the two real sample minutes: every field of every item is written out.

The expected values were checked line by line against the sample files in examples/minutes/
(2023: the "Sak N:" layout; 2016: the "Punkt N:" layout with a Sagsnr./J.nr./Dokumentnr. line,
the heading repeated inside the item, a "Sagstype" line and the Bilag list printed twice).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from store.parse import decode_bytes, label_of, parse_file, parse_text
from store.parse_dates import find_date, find_time
from store.records import Item, ParseError

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "minutes"
SAK = SAMPLES / "direktionen-2023-02-20.txt"
PUNKT = SAMPLES / "direktionen-2016-02-29.txt"
CONTENT_FIELDS = ("decision", "recommendation", "resume", "presentation", "treatment", "economy")

SAK_2023_MEETING = {
    'body': 'Direktionen',
    'date': '2023-02-20',
    'start_time': '12:30',
    'place': 'Mødelokale 6',
    'participants': [
            'Michael Gravesen',
            'Jan Lysgaard Thomsen',
            'Søren Ole Sørensen',
            'Michel van der Linden',
        ],
}
SAK_2023_ITEMS = [
    {
        'number': 1,
        'title': 'Status på kommunikationsstrategien',
        'closed': False,
        'case_number': '23-001310',
        'journal_number': None,
        'document_number': None,
        'decision': 'Taget til efterretning.',
        'recommendation': (
            'Sekretariatschefen indstiller, at arbejdet med de tre '
            'fokusområder fortsætter.'
        ),
        'resume': (
            'Som element i Kommunikationsstrategien for Kalundborg Kommune er '
            'det aftalt, at der udvælges tre prioriterede indsatsområder, og '
            'at der sker løbende tilbagemelding til direktionen om status på '
            'fokusområderne.\n\nDe tre fokusområder er:\n\n- Bosætning gennem '
            'fortællinger\n- Rekruttering til ældre- og Sundhedsområdet\n- De '
            'gode historier om Folkeskolen'
        ),
        'presentation': (
            'Siden godkendelse af kommunikationsstrategien har Team '
            'Kommunikation arbejdet med at udvikle samarbejdsformater '
            'med henblik på at finde de indsats, hvor kommunikation '
            'bedst kan understøtte de tre strategiske fokusområder.\n\n'
            'Indledningsvis har vi sammen med de tre udvalgte områder '
            'udviklet og tilpasset de samarbejdsformer der skaber mening '
            'i forhold til at identificere de aktiviteter, som '
            'meningsfuldt kan understøttes af kommunikationsteamet.\n\n'
            'På *ældreområdet* har det betydet, at vores indsats er '
            'indsnævret til at fokusere på faglært personale, da '
            'rekruttering og fastholdelse af faglærte er det der skaber '
            'mest værdi for i hhv. den udkørende pleje og AOP.\n\nDer er '
            'iværksat udvælgelse og træning påbegyndes af faglært '
            'personale til at varetage ambassadørrolle på Sociale '
            'Medier.\n\nFB profil til Ældre- og Sundhedsområdet '
            'oprettes\n\nHistorier tager udgangspunkt i faglighed og tre '
            'unikke styrker:\n\n- At Kalundborg Kommune er et rart sted '
            'at arbejde\n- At man bliver fagligt opkvalificeret\n- At '
            'man har indflydelse på sin hverdag\n\nFx fælles med dage '
            'med FOA, Brainfood-arrangement på Postgården\n\nMed hensyn '
            'til *bosætning* har vi indtil nu mest bidraget med '
            'kommunikationsfaglig rådgivning om, hvordan deres egen '
            'produktion af materialer kan kvalificeres, brug af greb til '
            'konkrete cases og kontaktheder til målgrupper.\n\nFx '
            'Kvalificering af film, udvikling af tværgående historier '
            'til workin@kalundborg og kvalificering af brug af kanaler\n'
            '\nPå *Skoleområdet*\n\nDer er også et ønske om tre temaer, '
            'som budskaber må tage udgangspunkt i:\n\nSkoledermøderne '
            'bliver fremadrettet en kanal for gode historier om '
            'Folkeskolen. Der er et ønske om at prioritere historier, '
            'der handler om:\n\nDer er også et ønske om tre temaer, som '
            'budskaber må tage udgangspunkt i:\n\n- Praksislæring\n- '
            'Bevægelse\n- STEM\n\nGode historier fra Folkeskolen er fx '
            'Mentorordninger for nye lærere, KHZ understøttelse af '
            'undervisning, uddannelse af elever til '
            'indeklimateambassadører.'
        ),
        'treatment': 'Direktionen.',
        'economy': 'Ingen.',
        'attachments': [],
        'text': (
            '23-001310\n\nBeslutning\n\nTaget til efterretning.\n\nResume og '
            'sagens baggrund\n\nSom element i Kommunikationsstrategien for '
            'Kalundborg Kommune er det aftalt, at der udvælges tre prioriterede '
            'indsatsområder, og at der sker løbende tilbagemelding til '
            'direktionen om status på fokusområderne.\n\nDe tre fokusområder '
            'er:\n\n- Bosætning gennem fortællinger\n- Rekruttering til ældre- '
            'og Sundhedsområdet\n- De gode historier om Folkeskolen\n\n'
            'Indstillinger\n\nSekretariatschefen indstiller, at arbejdet med de '
            'tre fokusområder fortsætter.\n\nBehandling\n\nDirektionen.\n\n'
            'Sagsfremstilling\n\nSiden godkendelse af kommunikationsstrategien '
            'har Team Kommunikation arbejdet med at udvikle samarbejdsformater '
            'med henblik på at finde de indsats, hvor kommunikation bedst kan '
            'understøtte de tre strategiske fokusområder.\n\nIndledningsvis har '
            'vi sammen med de tre udvalgte områder udviklet og tilpasset de '
            'samarbejdsformer der skaber mening i forhold til at identificere de '
            'aktiviteter, som meningsfuldt kan understøttes af '
            'kommunikationsteamet.\n\nPå *ældreområdet* har det betydet, at '
            'vores indsats er indsnævret til at fokusere på faglært personale, '
            'da rekruttering og fastholdelse af faglærte er det der skaber mest '
            'værdi for i hhv. den udkørende pleje og AOP.\n\nDer er iværksat '
            'udvælgelse og træning påbegyndes af faglært personale til at '
            'varetage ambassadørrolle på Sociale Medier.\n\nFB profil til Ældre- '
            'og Sundhedsområdet oprettes\n\nHistorier tager udgangspunkt i '
            'faglighed og tre unikke styrker:\n\n- At Kalundborg Kommune er et '
            'rart sted at arbejde\n- At man bliver fagligt opkvalificeret\n- At '
            'man har indflydelse på sin hverdag\n\nFx fælles med dage med FOA, '
            'Brainfood-arrangement på Postgården\n\nMed hensyn til *bosætning* '
            'har vi indtil nu mest bidraget med kommunikationsfaglig rådgivning '
            'om, hvordan deres egen produktion af materialer kan kvalificeres, '
            'brug af greb til konkrete cases og kontaktheder til målgrupper.\n\n'
            'Fx Kvalificering af film, udvikling af tværgående historier til '
            'workin@kalundborg og kvalificering af brug af kanaler\n\nPå '
            '*Skoleområdet*\n\nDer er også et ønske om tre temaer, som budskaber '
            'må tage udgangspunkt i:\n\nSkoledermøderne bliver fremadrettet en '
            'kanal for gode historier om Folkeskolen. Der er et ønske om at '
            'prioritere historier, der handler om:\n\nDer er også et ønske om '
            'tre temaer, som budskaber må tage udgangspunkt i:\n\n- '
            'Praksislæring\n- Bevægelse\n- STEM\n\nGode historier fra '
            'Folkeskolen er fx Mentorordninger for nye lærere, KHZ '
            'understøttelse af undervisning, uddannelse af elever til '
            'indeklimateambassadører.\n\nØkonomiske konsekvenser\n\nIngen.'
        ),
    },
    {
        'number': 2,
        'title': 'Administrativt chefmøde 1. marts 2023',
        'closed': False,
        'case_number': '22-011564',
        'journal_number': None,
        'document_number': None,
        'decision': 'Mødet aflyses.',
        'recommendation': 'Direktøren indstiller at sagen drøftes.',
        'resume': (
            'Der er planlagt et administrativt chefmøde den 1. marts 2023 og '
            'Direktionen skal drøfte hvilke punkter der skal behandles på '
            'mødet.'
        ),
        'presentation': (
            'Direktionen skal drøfte hvilke punkter der skal med på '
            'dagsordenen til det planlagte administrative chefmøde den '
            '1. marts 2023 kl. 10:00 - 12.30.'
        ),
        'treatment': 'Direktionen.',
        'economy': 'Ingen.',
        'attachments': [],
        'text': (
            '22-011564\n\nBeslutning\n\nMødet aflyses.\n\nResume og sagens '
            'baggrund\n\nDer er planlagt et administrativt chefmøde den 1. marts '
            '2023 og Direktionen skal drøfte hvilke punkter der skal behandles '
            'på mødet.\n\nIndstillinger\n\nDirektøren indstiller at sagen '
            'drøftes.\n\nBehandling\n\nDirektionen.\n\nSagsfremstilling\n\n'
            'Direktionen skal drøfte hvilke punkter der skal med på dagsordenen '
            'til det planlagte administrative chefmøde den 1. marts 2023 kl. '
            '10:00 - 12.30.\n\nØkonomiske konsekvenser\n\nIngen.'
        ),
    },
    {
        'number': 3,
        'title': 'Lukket: Ydelser mellem enheder',
        'closed': True,
        'case_number': '23-000658',
        'journal_number': None,
        'document_number': None,
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': '',
    },
    {
        'number': 4,
        'title': 'VSBV - Forbindsstoffer - "Plasterordning"',
        'closed': False,
        'case_number': '18-034639K',
        'journal_number': None,
        'document_number': None,
        'decision': 'Godkendt.',
        'recommendation': (
            'Sekretariatschefen indstiller, at "Plasterordningen" '
            'ophører med udgangen af 2023.'
        ),
        'resume': (
            'Per 1. januar 2019 indgik Kalundborg Kommune og Vestsjællands '
            'Brandvæsen aftale om følgende ydelser:\n\n- Vagtcentral – VSBV '
            'modtager henvendelser udenfor kommunens åbningstid\n- Vejservice '
            '– VSBV afhjælper akut opståede skader på kommunens veje uden for '
            'kommunens åbningstid\n- Autoassistance – VSBV yder starthjælp, '
            'bugsering mv. i forhold til kommunens køretøjer\n- '
            'Bygningsassistance – VSBV sørger for afdækning og sikring i '
            'forbindelse med akut opståede skader på kommunens bygninger '
            'udenfor kommunens åbningstid\n- VSBV udleverer forbindsstoffer '
            'til kommunens institutioner og enheder\n- Udlevering af '
            'forbindsstoffer til institutioner og enheder (Plasterordningen)\n'
            '\nOpgaverne blev indtil 1. januar 2019 varetaget af Falck '
            '(Kommuneabonnementet).'
        ),
        'presentation': (
            'Den del af aftalen, der omhandler forbindsstoffer, er '
            'indgået til en særskilt pris på 19.000 kroner om året. Det '
            'er aftalt, at alle partnerskabsholdere årligt kan afhente '
            'et antal færdigpakkede poser med gængse forbindsstoffer hos '
            'VSBV på Rynkevangen i Kalundborg. Antallet af poser, som '
            'kan afhentes, er beregnet ud fra antal medarbejdere, børn '
            'og beboere i institutionerne/enhederne. Ved siden af de '
            '"gratis" poser er der mulighed for, mod betaling, at købe '
            'og afhente diverse forbindsstoffer efter institutionens '
            'eget valg.\n\nVSBV tilbyder nu en webshop med '
            'forbindsstoffer og diverse førstehjælpsudstyr til '
            'konkurrencedygtige priser. VSBV foreslår, at den hidtidige '
            'ordning med færdigpakkede poser, som skal afhentes på '
            'Rynkevangen i Kalundborg, afløses af, at '
            'partnerskabsholderne får mulighed for at købe ind efter '
            'eget valg for et beløb på webshoppens. Beløbet kan afspejle '
            'institutionens/enhedens størrelse og fastsættes efter '
            'antallet af medarbejdere, børn og beboere og beregnes '
            'sådan, at den samlede udgift til ordningen er uændret i '
            'forhold til eksisterende ordning. Når det fastlagte beløb '
            'er brugt, har institutionen/enheden mulighed for at købe '
            'mere, men for egen regning. Institutionerne/enhederne har '
            'her nu også mulighed for at få forbindsstofferne tilsendt.\n'
            '\nVSBV har fremsendt oversigt over antallet af udleverede '
            'færdigpakkede poser løbet af de 4 år ordningen har '
            'eksisteret. Det fremgår, at ordningen kun har været '
            'sparsomt benyttet.\n\nHvis man tager udgangspunkt i '
            'beregningsgrundlaget fra 2019, vil den ordning, der nu er '
            'foreslået af VSBV, betyde, at f.eks. Skolen på Herredsåsen '
            'årligt gratis vil kunne handle forbindsstoffer for 1.600 '
            'kr. og Raklev Børnehaven gratis vil kunne handle for 150 '
            'kr.\n\nLedelse, Jura og Kommunikation vurderer, at det '
            'arbejde, der er forbundet med årligt at frembringe '
            'opdateret organisationsplan indeholdende opgørelse over '
            'antal medarbejdere, børn og beboere i de forskellige '
            'enheder/institutioner til brug for beregning af '
            'tildelingsbeløb, ikke står mål med udbyttet for den enkelte '
            'partnerskabsholder.\n\nOpsigelsesvarslet på '
            '”plasterordningen” er 6. mdr. og ordningen er finansieret '
            'af arbejdsskadepuljen, som budgetteres efter foregående års '
            'forbrug. Sekretariatschefen foreslår, at eksisterende '
            'ordning opsiges til udgangen af 2023, idet dette, med '
            'henvisning til ordningens udformning, er mere '
            'hensigtsmæssigt, end at stoppe ordningen midt på året. '
            'Sekretariatschefen foreslår, at ordningen ophører uden '
            'kompensation til partnerskabsholderne, både med henvisning '
            'til den ringe økonomiske påvirkning for den enkelte '
            'partnerskabsholder og også med henvisning til, at udgiften '
            'bliver afholdt af en pulje, som ikke har et reelt budget.\n'
            '\nOversigt over udleverede poser i årene 2019-2022 '
            'vedlægges som bilag.'
        ),
        'treatment': 'Direktionen.',
        'economy': 'Mindreforbrug på arbejdsskadepuljen på 19.000 kr.',
        'attachments': ['Forbindingsstoffer udleveret 2019-2022'],
        'text': (
            '18-034639K\n\nBeslutning\n\nGodkendt.\n\nResume og sagens baggrund\n'
            '\nPer 1. januar 2019 indgik Kalundborg Kommune og Vestsjællands '
            'Brandvæsen aftale om følgende ydelser:\n\n- Vagtcentral – VSBV '
            'modtager henvendelser udenfor kommunens åbningstid\n- Vejservice – '
            'VSBV afhjælper akut opståede skader på kommunens veje uden for '
            'kommunens åbningstid\n- Autoassistance – VSBV yder starthjælp, '
            'bugsering mv. i forhold til kommunens køretøjer\n- '
            'Bygningsassistance – VSBV sørger for afdækning og sikring i '
            'forbindelse med akut opståede skader på kommunens bygninger udenfor '
            'kommunens åbningstid\n- VSBV udleverer forbindsstoffer til '
            'kommunens institutioner og enheder\n- Udlevering af forbindsstoffer '
            'til institutioner og enheder (Plasterordningen)\n\nOpgaverne blev '
            'indtil 1. januar 2019 varetaget af Falck (Kommuneabonnementet).\n\n'
            'Indstillinger\n\nSekretariatschefen indstiller, at '
            '"Plasterordningen" ophører med udgangen af 2023.\n\nBehandling\n\n'
            'Direktionen.\n\nSagsfremstilling\n\nDen del af aftalen, der '
            'omhandler forbindsstoffer, er indgået til en særskilt pris på '
            '19.000 kroner om året. Det er aftalt, at alle partnerskabsholdere '
            'årligt kan afhente et antal færdigpakkede poser med gængse '
            'forbindsstoffer hos VSBV på Rynkevangen i Kalundborg. Antallet af '
            'poser, som kan afhentes, er beregnet ud fra antal medarbejdere, '
            'børn og beboere i institutionerne/enhederne. Ved siden af de '
            '"gratis" poser er der mulighed for, mod betaling, at købe og '
            'afhente diverse forbindsstoffer efter institutionens eget valg.\n\n'
            'VSBV tilbyder nu en webshop med forbindsstoffer og diverse '
            'førstehjælpsudstyr til konkurrencedygtige priser. VSBV foreslår, at '
            'den hidtidige ordning med færdigpakkede poser, som skal afhentes på '
            'Rynkevangen i Kalundborg, afløses af, at partnerskabsholderne får '
            'mulighed for at købe ind efter eget valg for et beløb på '
            'webshoppens. Beløbet kan afspejle institutionens/enhedens størrelse '
            'og fastsættes efter antallet af medarbejdere, børn og beboere og '
            'beregnes sådan, at den samlede udgift til ordningen er uændret i '
            'forhold til eksisterende ordning. Når det fastlagte beløb er brugt, '
            'har institutionen/enheden mulighed for at købe mere, men for egen '
            'regning. Institutionerne/enhederne har her nu også mulighed for at '
            'få forbindsstofferne tilsendt.\n\nVSBV har fremsendt oversigt over '
            'antallet af udleverede færdigpakkede poser løbet af de 4 år '
            'ordningen har eksisteret. Det fremgår, at ordningen kun har været '
            'sparsomt benyttet.\n\nHvis man tager udgangspunkt i '
            'beregningsgrundlaget fra 2019, vil den ordning, der nu er foreslået '
            'af VSBV, betyde, at f.eks. Skolen på Herredsåsen årligt gratis vil '
            'kunne handle forbindsstoffer for 1.600 kr. og Raklev Børnehaven '
            'gratis vil kunne handle for 150 kr.\n\nLedelse, Jura og '
            'Kommunikation vurderer, at det arbejde, der er forbundet med årligt '
            'at frembringe opdateret organisationsplan indeholdende opgørelse '
            'over antal medarbejdere, børn og beboere i de forskellige '
            'enheder/institutioner til brug for beregning af tildelingsbeløb, '
            'ikke står mål med udbyttet for den enkelte partnerskabsholder.\n\n'
            'Opsigelsesvarslet på ”plasterordningen” er 6. mdr. og ordningen er '
            'finansieret af arbejdsskadepuljen, som budgetteres efter foregående '
            'års forbrug. Sekretariatschefen foreslår, at eksisterende ordning '
            'opsiges til udgangen af 2023, idet dette, med henvisning til '
            'ordningens udformning, er mere hensigtsmæssigt, end at stoppe '
            'ordningen midt på året. Sekretariatschefen foreslår, at ordningen '
            'ophører uden kompensation til partnerskabsholderne, både med '
            'henvisning til den ringe økonomiske påvirkning for den enkelte '
            'partnerskabsholder og også med henvisning til, at udgiften bliver '
            'afholdt af en pulje, som ikke har et reelt budget.\n\nOversigt over '
            'udleverede poser i årene 2019-2022 vedlægges som bilag.\n\n'
            'Økonomiske konsekvenser\n\nMindreforbrug på arbejdsskadepuljen på '
            '19.000 kr.\n\nVedlegg\n\nForbindingsstoffer udleveret 2019-2022'
        ),
    },
    {
        'number': 5,
        'title': (
            'Lukket: Beslutning om indretning samt finansiering af indretning '
            'af flexrum'
        ),
        'closed': True,
        'case_number': '22-013175',
        'journal_number': None,
        'document_number': None,
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': '',
    },
    {
        'number': 6,
        'title': 'Lukket: Orientering om sager på vej til Direktionen',
        'closed': True,
        'case_number': None,
        'journal_number': None,
        'document_number': None,
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': '',
    },
    {
        'number': 7,
        'title': (
            'Orientering fra Økonomiudvalgsrådet og koordinering af sager til '
            'politisk behandling'
        ),
        'closed': False,
        'case_number': '22-000258',
        'journal_number': None,
        'document_number': None,
        'decision': 'Taget til efterretning.',
        'recommendation': (
            'Sekretariatschefen indstiller, at\n\n1. der følges op på '
            'Økonomiudvalgsrådet.\n2. at sager på vej til politisk '
            'behandling koordineres.'
        ),
        'resume': (
            'Fast punkt på Direktionens dagsorden efter '
            'Økonomiudvalgsrådsmøder, hvor der orienteres fra '
            'Økonomiudvalgsrådet, og hvor sager på vej til politisk behandling '
            'koordineres.'
        ),
        'presentation': '',
        'treatment': 'Direktionen.',
        'economy': '',
        'attachments': [],
        'text': (
            '22-000258\n\nBeslutning\n\nTaget til efterretning.\n\nResume og '
            'sagens baggrund\n\nFast punkt på Direktionens dagsorden efter '
            'Økonomiudvalgsrådsmøder, hvor der orienteres fra '
            'Økonomiudvalgsrådet, og hvor sager på vej til politisk behandling '
            'koordineres.\n\nIndstillinger\n\nSekretariatschefen indstiller, at\n'
            '\n1. der følges op på Økonomiudvalgsrådet.\n2. at sager på vej til '
            'politisk behandling koordineres.\n\nBehandling\n\nDirektionen.'
        ),
    },
    {
        'number': 8,
        'title': 'Lukket: Orientering om sager på vej til udvalgsbehandling',
        'closed': True,
        'case_number': None,
        'journal_number': None,
        'document_number': None,
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': '',
    },
    {
        'number': 9,
        'title': (
            'Lukket: Formidling af Direktionens drøftelser og beslutninger til '
            'organisationen'
        ),
        'closed': True,
        'case_number': None,
        'journal_number': None,
        'document_number': None,
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': '',
    },
    {
        'number': 10,
        'title': 'Eventuelt',
        'closed': False,
        'case_number': None,
        'journal_number': None,
        'document_number': None,
        'decision': 'Ingen bemærkninger.',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': 'Beslutning\n\nIngen bemærkninger.',
    },
]


PUNKT_2016_MEETING = {
    'body': 'Direktionen',
    'date': '2016-02-29',
    'start_time': '12:30',
    'place': 'Holbækvej 141 B, Mødelokale 8, Blok B-C 1.sal',
    'participants': [],
}
PUNKT_2016_ITEMS = [
    {
        'number': 1,
        'title': 'Lukket: Drøftelse af lønanalyse',
        'closed': True,
        'case_number': None,
        'journal_number': None,
        'document_number': None,
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': '',
    },
    {
        'number': 2,
        'title': 'Kommunikationsstrategi',
        'closed': False,
        'case_number': '326-2015-47221',
        'journal_number': '00.01.00',
        'document_number': '326-2016-19892',
        'decision': 'Anbefales.',
        'recommendation': (
            'Kommunaldirektøren indstiller, at forslaget til '
            'Kommunikationsstrategi godkendes, herunder at de tre '
            'temaer, som vi vil fremhæve, når vi skal gøre Kalundborg '
            'kendt i resten af Danmark, er:\n\n1. Halvdelen af '
            'Sjællands vækst skabes i Kalundborg,\n2. En dansk '
            'uddannelseskommune fra 0-18 år og\n3. En helt særlig '
            'tilgang til at løse samfundsopgaver i samarbejde'
        ),
        'resume': (
            'Kommunikationsstrategien beskriver det potentiale, Kalundborg '
            'Kommune har ved på den ene side at være en af Danmarks mest '
            'robuste vækstmotorer og på den anden side at have en række '
            'sociale udfordringer. Det giver et unikt potentiale for at gå '
            'forrest og skabe en model for fremtidens løsning af '
            "samfundsopgaver.\n\nMed grundfortællingens budskab om 'Samarbejde "
            "for bedre resultater' som basis beskriver "
            'kommunikationsstrategien en række forslag til, hvordan Kalundborg '
            'Kommune fremadrettet skal kommunikere mere strategisk og på flere '
            'platforme, eksternt og internt.\n\nFormålet med strategien er at '
            'gøre Kalundborg kendt lokalt, regionalt og nationalt som et sted, '
            'hvor samfundsopgaver løses gennem samarbejde mellem alle '
            'lokalsamfundets parter, borgere, virksomheder, institutioner og '
            'myndigheder. Et samfund, hvor resten af Danmark henter '
            'inspiration til, hvordan samfundsopgaver kan løses i fremtiden.'
        ),
        'presentation': (
            'Kalundborg kommune har nogle helt unikke potentialer i '
            'kraft af den store aktivitet i procesvirksomheder, '
            'fremstillingsindustri og blandt entreprenante iværksættere. '
            'Det attraktive arbejdsmarked suppleres af attraktive '
            'arbejdspladser i det offentlige. Kort sagt, vi er noget '
            'specielt og kan udrette endnu mere, fordi vi har mange '
            'arbejdspladser. Den fortsatte vækst er dog dybt afhængig af '
            'en kontinuerlig tilgang af arbejdskraft. Derfor er det helt '
            "overordnede mål at 'sætte Kalundborg på landkortet'.\n\nDet "
            'kræver, at vi fremadrettet kommunikerer mere strategisk og '
            'på flere platforme. Med udgangspunkt i forslaget til '
            'grundfortælling for Kalundborg kommune beskriver forslaget '
            'til kommunikationsstrategi, hvordan vi kommer til orde i '
            'konkurrence med en lang række andre aktører. Strategien '
            'fremhæver forslag til tre temaer, som Kalundborg Kommune '
            'skal være kendt for frem mod 2020:\n\n1. Halvdelen af '
            'Sjællands vækst skabes i Kalundborg. Industrivirksomheders '
            'foretrukne sted at etablere produktion, fordi her er en '
            'lang tradition for samarbejde og profitoptimering i '
            'Kalundborg Symbiose, en grøn industriprofil og Sjællands '
            'dybvandshavn.\n2. En dansk uddannelseskommune fra 0-18 år: '
            'Kalundborg vender udviklingen med målrettet indsats som '
            'KLAR-pædagogik, naturfagligt fokus i institutioner og '
            'skoler, tæt samarbejde ml. uddannelsesinstitutioner og '
            'virksomheder.\n3. En helt særlig tilgang til at løse '
            'samfundsopgaver i samarbejde med borgere, virksomheder og '
            'andre partnere lokalt, regionalt og nationalt. Kalundborg '
            'bliver et forbillede for andre kommuner, en model for '
            'fremtidens kommune.\n\nBilag 1 til Kommunikationsstrategien '
            'beskriver forslag til, hvordan en ny redaktionsstruktur '
            'bliver omdrejningspunkt for indsamling og distribution af '
            'historier. Etableringen af redaktionsstrukturen skal sikre, '
            'at alle led i den kommunale struktur, fra politiker til den '
            'enkelte medarbejder, spiller en aktiv rolle i at '
            'identificere gode historier.\n\nFsva. det politiske niveau, '
            'foreslås det, at politikere via deres direktører fodrer '
            'historier fra arbejdet i udvalg etc. ind i '
            'redaktionsstrukturen. Det foreslås, at udvalgene fokuseret '
            'arbejder med et dagsordenspunkt, der hedder formidling, '
            'hvor medlemmerne diskuterer, hvem der skal vide hvad om '
            'det, de laver. Desuden foreslås det, at politikerne to '
            "gange årligt holder et 'Stolt-af' temamøde, hvor de sammen "
            'diskuterer, hvad de tillægger betydning i forhold til '
            'borgere og kommune, og hvad de er stolte af i deres arbejde '
            'som politikere i Kalundborg kommune.\n\nStrategien følges '
            'op af konkrete forslag til specifikke indsatser, f.eks. en '
            'relancering af Kort og Godt under et nyt navn, Vores '
            'kommune, med nyt fra Direktionen, Hovedudvalget og '
            'organisationen. Desuden f.eks. den store opgave, der ligger '
            'i at hjælpe niveau 2 ledere og teamledere til at forankre '
            'strategien, så den reelt fører til forandringer i '
            'organisationen, deres kommunikation og i medarbejdernes '
            'hverdag, med det helt konkrete mål at udvikle medarbejderne '
            'til ambassadører for kommunen.'
        ),
        'treatment': 'Direktionen, Økonomiudvalget og Kommunalbestyrelsen.',
        'economy': 'Ingen.',
        'attachments': [
            'Kommunikationsstrategi Kalundborg Kommune',
            'Bilag 1 Redaktion og Nyhedsplatform',
        ],
        'text': (
            'Sagsfremstilling\n\nSagsnr.: 326-2015-47221 J.nr.: 00.01.00 '
            'Dokumentnr.: 326-2016-19892\n\nResume og sagens baggrund\n\n'
            'Kommunikationsstrategien beskriver det potentiale, Kalundborg '
            'Kommune har ved på den ene side at være en af Danmarks mest robuste '
            'vækstmotorer og på den anden side at have en række sociale '
            'udfordringer. Det giver et unikt potentiale for at gå forrest og '
            'skabe en model for fremtidens løsning af samfundsopgaver.\n\nMed '
            "grundfortællingens budskab om 'Samarbejde for bedre resultater' som "
            'basis beskriver kommunikationsstrategien en række forslag til, '
            'hvordan Kalundborg Kommune fremadrettet skal kommunikere mere '
            'strategisk og på flere platforme, eksternt og internt.\n\nFormålet '
            'med strategien er at gøre Kalundborg kendt lokalt, regionalt og '
            'nationalt som et sted, hvor samfundsopgaver løses gennem samarbejde '
            'mellem alle lokalsamfundets parter, borgere, virksomheder, '
            'institutioner og myndigheder. Et samfund, hvor resten af Danmark '
            'henter inspiration til, hvordan samfundsopgaver kan løses i '
            'fremtiden.\n\nIndstillinger\n\nKommunaldirektøren indstiller, at '
            'forslaget til Kommunikationsstrategi godkendes, herunder at de tre '
            'temaer, som vi vil fremhæve, når vi skal gøre Kalundborg kendt i '
            'resten af Danmark, er:\n\n1. Halvdelen af Sjællands vækst skabes i '
            'Kalundborg,\n2. En dansk uddannelseskommune fra 0-18 år og\n3. En '
            'helt særlig tilgang til at løse samfundsopgaver i samarbejde\n\n'
            'Behandling\n\nDirektionen, Økonomiudvalget og Kommunalbestyrelsen.\n'
            '\nSagsfremstilling\n\nKalundborg kommune har nogle helt unikke '
            'potentialer i kraft af den store aktivitet i procesvirksomheder, '
            'fremstillingsindustri og blandt entreprenante iværksættere. Det '
            'attraktive arbejdsmarked suppleres af attraktive arbejdspladser i '
            'det offentlige. Kort sagt, vi er noget specielt og kan udrette '
            'endnu mere, fordi vi har mange arbejdspladser. Den fortsatte vækst '
            'er dog dybt afhængig af en kontinuerlig tilgang af arbejdskraft. '
            "Derfor er det helt overordnede mål at 'sætte Kalundborg på "
            "landkortet'.\n\nDet kræver, at vi fremadrettet kommunikerer mere "
            'strategisk og på flere platforme. Med udgangspunkt i forslaget til '
            'grundfortælling for Kalundborg kommune beskriver forslaget til '
            'kommunikationsstrategi, hvordan vi kommer til orde i konkurrence '
            'med en lang række andre aktører. Strategien fremhæver forslag til '
            'tre temaer, som Kalundborg Kommune skal være kendt for frem mod '
            '2020:\n\n1. Halvdelen af Sjællands vækst skabes i Kalundborg. '
            'Industrivirksomheders foretrukne sted at etablere produktion, fordi '
            'her er en lang tradition for samarbejde og profitoptimering i '
            'Kalundborg Symbiose, en grøn industriprofil og Sjællands '
            'dybvandshavn.\n2. En dansk uddannelseskommune fra 0-18 år: '
            'Kalundborg vender udviklingen med målrettet indsats som '
            'KLAR-pædagogik, naturfagligt fokus i institutioner og skoler, tæt '
            'samarbejde ml. uddannelsesinstitutioner og virksomheder.\n3. En '
            'helt særlig tilgang til at løse samfundsopgaver i samarbejde med '
            'borgere, virksomheder og andre partnere lokalt, regionalt og '
            'nationalt. Kalundborg bliver et forbillede for andre kommuner, en '
            'model for fremtidens kommune.\n\nBilag 1 til '
            'Kommunikationsstrategien beskriver forslag til, hvordan en ny '
            'redaktionsstruktur bliver omdrejningspunkt for indsamling og '
            'distribution af historier. Etableringen af redaktionsstrukturen '
            'skal sikre, at alle led i den kommunale struktur, fra politiker til '
            'den enkelte medarbejder, spiller en aktiv rolle i at identificere '
            'gode historier.\n\nFsva. det politiske niveau, foreslås det, at '
            'politikere via deres direktører fodrer historier fra arbejdet i '
            'udvalg etc. ind i redaktionsstrukturen. Det foreslås, at udvalgene '
            'fokuseret arbejder med et dagsordenspunkt, der hedder formidling, '
            'hvor medlemmerne diskuterer, hvem der skal vide hvad om det, de '
            'laver. Desuden foreslås det, at politikerne to gange årligt holder '
            "et 'Stolt-af' temamøde, hvor de sammen diskuterer, hvad de "
            'tillægger betydning i forhold til borgere og kommune, og hvad de er '
            'stolte af i deres arbejde som politikere i Kalundborg kommune.\n\n'
            'Strategien følges op af konkrete forslag til specifikke indsatser, '
            'f.eks. en relancering af Kort og Godt under et nyt navn, Vores '
            'kommune, med nyt fra Direktionen, Hovedudvalget og organisationen. '
            'Desuden f.eks. den store opgave, der ligger i at hjælpe niveau 2 '
            'ledere og teamledere til at forankre strategien, så den reelt fører '
            'til forandringer i organisationen, deres kommunikation og i '
            'medarbejdernes hverdag, med det helt konkrete mål at udvikle '
            'medarbejderne til ambassadører for kommunen.\n\nØkonomiske '
            'konsekvenser\n\nIngen.\n\nBilag\n\nKommunikationsstrategi '
            'Kalundborg Kommune 326-2016-31569\nBilag 1 Redaktion og '
            'Nyhedsplatform 326-2016-35941\n\nDirektionens møde den 29. februar '
            '2016:\n\nAnbefales.\n\nBilag\n\nKommunikationsstrategi Kalundborg '
            'Kommune\nBilag 1 Redaktion og Nyhedsplatform'
        ),
    },
    {
        'number': 3,
        'title': 'Opfølgning på udviklingsstrategi - betydning på direktørområder',
        'closed': False,
        'case_number': '326-2015-4892',
        'journal_number': '00.01.00',
        'document_number': '326-2016-6421',
        'decision': (
            'Direktionen drøftede sagen og besluttede, at der skal '
            'udarbejdes et oplæg til direktionen, der skal give et fælles '
            'overblik over hvordan strategien implementeres (Michel).'
        ),
        'recommendation': 'Kommunaldirektøren indstiller, at sagen drøftes.',
        'resume': (
            'Direktionen har på møde før jul vedtaget at drøfte, hvordan den '
            'enkelte direktør inden for sit fagområde kan understøtte '
            'udviklingsstrategien.'
        ),
        'presentation': (
            'Direktionen har på møde før jul vedtaget at drøfte, hvordan '
            'den enkelte direktør inden for sit fagområde kan '
            'understøtte udviklingsstrategien.\n\nDen enkelte direktør '
            'har forberedt et kort oplæg (max 4-5 plancher) inden for de '
            'respektive direktørområder. Bilag vedlagt. Michel '
            'eftersender sine plancher.'
        ),
        'treatment': 'Direktionen.',
        'economy': 'Ingen.',
        'attachments': [
            (
            'Understøttende aktiviteter i jobcenter og LJK - '
            'udviklingsstrategi.docm'
        ),
            'Understøtning udviklingsstrategi-HD',
            'Hvordan kan vi understøtte udviklingsstrategien-BH',
        ],
        'text': (
            'Sagsfremstilling\n\nSagsnr.: 326-2015-4892 J.nr.: 00.01.00 '
            'Dokumentnr.: 326-2016-6421\n\nResume og sagens baggrund\n\n'
            'Direktionen har på møde før jul vedtaget at drøfte, hvordan den '
            'enkelte direktør inden for sit fagområde kan understøtte '
            'udviklingsstrategien.\n\nIndstillinger\n\nKommunaldirektøren '
            'indstiller, at sagen drøftes.\n\nBehandling\n\nDirektionen.\n\n'
            'Sagsfremstilling\n\nDirektionen har på møde før jul vedtaget at '
            'drøfte, hvordan den enkelte direktør inden for sit fagområde kan '
            'understøtte udviklingsstrategien.\n\nDen enkelte direktør har '
            'forberedt et kort oplæg (max 4-5 plancher) inden for de respektive '
            'direktørområder. Bilag vedlagt. Michel eftersender sine plancher.\n'
            '\nØkonomiske konsekvenser\n\nIngen.\n\nBilag\n\nUnderstøttende '
            'aktiviteter i jobcenter og LJK - udviklingsstrategi.docm '
            '326-2016-23889\nUnderstøtning udviklingsstrategi-HD 326-2016-23881\n'
            'Hvordan kan vi understøtte udviklingsstrategien-BH 326-2016-24264\n'
            '\nDirektionens møde den 29. februar 2016:\n\nDirektionen drøftede '
            'sagen og besluttede, at der skal udarbejdes et oplæg til '
            'direktionen, der skal give et fælles overblik over hvordan '
            'strategien implementeres (Michel).\n\nBilag\n\nUnderstøttende '
            'aktiviteter i jobcenter og LJK - udviklingsstrategi.docm\n\n'
            'Understøtning udviklingsstrategi-HD\n\nHvordan kan vi understøtte '
            'udviklingsstrategien-BH'
        ),
    },
    {
        'number': 4,
        'title': (
            'Lukket: Kommissorier for de nye effektiviseringsprojekter - 25 '
            'mio. kr. i 2017'
        ),
        'closed': True,
        'case_number': None,
        'journal_number': None,
        'document_number': None,
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': '',
    },
    {
        'number': 5,
        'title': 'Lukket: Invitation til nyt frikommuneforsøg',
        'closed': True,
        'case_number': None,
        'journal_number': None,
        'document_number': None,
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': '',
    },
    {
        'number': 6,
        'title': 'Valg af emner til drøftelse med borgmesteren',
        'closed': False,
        'case_number': '326-2015-23304',
        'journal_number': '00.01.00',
        'document_number': '326-2016-12776',
        'decision': (
            'Direktionen vedtog at drøfte følgende temaer:\n\n- Grundlaget '
            'for nye effektiviseringsprojekter (de 25 mio. kr.)\n- Status '
            'for Direktionen fokusområder 2016 (de 11 projekter)\n\n'
            'Drøftelsen med borgmesteren skydes til den 22. marts - efter '
            'direktionsseminaret.'
        ),
        'recommendation': (
            'Sekretariatschefen indstiller, at Direktionen drøfter '
            'konkrete emner.'
        ),
        'resume': 'Valg af emner til drøftelse med borgmesteren på næste Direktionsmøde.',
        'presentation': '',
        'treatment': 'Direktionen.',
        'economy': 'Ingen.',
        'attachments': [],
        'text': (
            'Sagsfremstilling\n\nSagsnr.: 326-2015-23304 J.nr.: 00.01.00 '
            'Dokumentnr.: 326-2016-12776\n\nResume og sagens baggrund\n\nValg af '
            'emner til drøftelse med borgmesteren på næste Direktionsmøde.\n\n'
            'Indstillinger\n\nSekretariatschefen indstiller, at Direktionen '
            'drøfter konkrete emner.\n\nBehandling\n\nDirektionen.\n\nØkonomiske '
            'konsekvenser\n\nIngen.\n\nDirektionens møde den 29. februar 2016:\n'
            '\nDirektionen vedtog at drøfte følgende temaer:\n\n- Grundlaget for '
            'nye effektiviseringsprojekter (de 25 mio. kr.)\n- Status for '
            'Direktionen fokusområder 2016 (de 11 projekter)\n\nDrøftelsen med '
            'borgmesteren skydes til den 22. marts - efter direktionsseminaret.'
        ),
    },
    {
        'number': 7,
        'title': 'Eventuelt',
        'closed': False,
        'case_number': '326-2014-422',
        'journal_number': '00.01.00',
        'document_number': '326-2016-6830',
        'decision': '',
        'recommendation': '',
        'resume': '',
        'presentation': '',
        'treatment': '',
        'economy': '',
        'attachments': [],
        'text': (
            'Sagsfremstilling\n\nSagsnr.: 326-2014-422 J.nr.: 00.01.00 '
            'Dokumentnr.: 326-2016-6830\n\nDirektionens møde den 29. februar '
            '2016:\n\n-'
        ),
    },
]


@pytest.fixture(scope="module")
def sak():
    return parse_file(SAK)


@pytest.fixture(scope="module")
def punkt():
    return parse_file(PUNKT)


@pytest.mark.parametrize(
    ("path", "expected"),
    [(SAK, SAK_2023_MEETING), (PUNKT, PUNKT_2016_MEETING)],
    ids=["2023", "2016"],
)
def test_meeting_header(path, expected):
    meeting = parse_file(path)
    header = {key: getattr(meeting, key) for key in expected}
    assert header == expected
    assert meeting.source == str(path)
    assert meeting.content_hash == meeting.compute_hash()
    assert len(meeting.content_hash) == 64


def test_item_fields_are_all_checked():
    # Guards the tables above: a new Item field must get expected values too.
    names = [f.name for f in dataclasses.fields(Item)]
    for item in SAK_2023_ITEMS + PUNKT_2016_ITEMS:
        assert sorted(item) == sorted(names)


@pytest.mark.parametrize("index", range(len(SAK_2023_ITEMS)), ids=lambda i: f"sak{i + 1}")
def test_sak_items(sak, index):
    assert len(sak.items) == len(SAK_2023_ITEMS) == 10
    assert dataclasses.asdict(sak.items[index]) == SAK_2023_ITEMS[index]


@pytest.mark.parametrize("index", range(len(PUNKT_2016_ITEMS)), ids=lambda i: f"punkt{i + 1}")
def test_punkt_items(punkt, index):
    assert len(punkt.items) == len(PUNKT_2016_ITEMS) == 7
    assert dataclasses.asdict(punkt.items[index]) == PUNKT_2016_ITEMS[index]


def test_sample_highlights(sak, punkt):
    """The facts users ask about, spelled out once more in plain terms."""
    plaster = sak.items[3]
    assert (plaster.number, plaster.case_number, plaster.decision) == (4, "18-034639K", "Godkendt.")
    assert plaster.title == 'VSBV - Forbindsstoffer - "Plasterordning"'
    assert plaster.recommendation == (
        'Sekretariatschefen indstiller, at "Plasterordningen" ophører med udgangen af 2023.'
    )
    assert [i.number for i in sak.items if i.closed] == [3, 5, 6, 8, 9]
    assert sak.items[2].case_number == "23-000658" and sak.items[5].case_number is None
    assert "1. der følges op" in sak.items[6].recommendation
    assert "2. at sager" in sak.items[6].recommendation
    strategy = punkt.items[1]
    assert (strategy.case_number, strategy.journal_number, strategy.document_number) == (
        "326-2015-47221", "00.01.00", "326-2016-19892")
    assert strategy.decision == "Anbefales."
    assert punkt.items[2].decision.startswith("Direktionen drøftede sagen og besluttede")
    assert "22. marts" in punkt.items[5].decision
    assert punkt.items[6].decision == ""  # a lone "-" is no decision


def test_closed_items_carry_no_content(sak, punkt):
    for item in sak.items + punkt.items:
        if item.closed:
            assert all(getattr(item, name) == "" for name in CONTENT_FIELDS)
            assert item.text == "" and item.attachments == []
            assert item.title.startswith("Lukket: ")


def test_table_of_contents_is_never_an_item(sak, punkt):
    for meeting in (sak, punkt):
        assert all("....." not in item.title and "\t" not in item.title for item in meeting.items)
        assert [i.number for i in meeting.items] == list(range(1, len(meeting.items) + 1))


def test_2016_repeated_heading_and_sagstype_are_not_content(punkt):
    text = punkt.items[1].text
    assert "2. Kommunikationsstrategi" not in text
    assert "Åbent" not in text and "Sagstype" not in text
    assert "Åbent" not in punkt.items[6].text


def test_same_minutes_in_cp1252_crlf_and_bom_parse_alike(tmp_path):
    text = SAK.read_text(encoding="utf-8")
    reference = parse_text(text, "x")
    variants = {
        "cp1252.txt": text.replace("\u2013", "-").replace("\u201d", '"').encode("cp1252"),
        "bom.txt": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
        "utf16.txt": text.encode("utf-16"),
        "formfeed.txt": text.replace("\nSak 4:", "\nSide 3 af 14\n\f\nSak 4:").encode("utf-8"),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        meeting = parse_file(path)
        assert meeting.source == str(path)
        assert [i.title for i in meeting.items] == [i.title for i in reference.items], name
        assert [i.decision for i in meeting.items] == [i.decision for i in reference.items], name
        assert (meeting.body, meeting.date, meeting.place) == (
            reference.body, reference.date, reference.place)
    assert parse_file(tmp_path / "bom.txt").content_hash == reference.content_hash
    assert parse_file(tmp_path / "formfeed.txt").content_hash == reference.content_hash


def test_hash_ignores_source_but_not_content():
    text = SAK.read_text(encoding="utf-8")
    assert parse_text(text, "a.txt").content_hash == parse_text(text, "b.pdf").content_hash
    changed = text.replace("Godkendt.", "Ikke godkendt.")
    assert parse_text(changed, "a.txt").content_hash != parse_text(text, "a.txt").content_hash


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty file"),
        (b"  \n\r\n\t ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not text: binary data"),
        (b"%PDF-1.7\n\x00\x01\x02\x03\x04\x05\x06\x07\x08" * 20, "not text: binary data"),
        ("Kære Jens\n\nTak for sidst. Vi ses til jul.\n".encode(), "no agenda items found"),
    ],
    ids=["empty", "blank", "png", "pdf", "letter"],
)
def test_parse_errors_name_the_file_and_the_reason(tmp_path, data, why):
    path = tmp_path / "minutes.txt"
    path.write_bytes(data)
    with pytest.raises(ParseError) as err:
        parse_file(path)
    assert str(err.value) == f"{path}: {why}"


def test_parse_errors_for_paths_and_text(tmp_path):
    with pytest.raises(ParseError, match="missing.txt: cannot read"):
        parse_file(tmp_path / "missing.txt")
    with pytest.raises(ParseError, match="is a folder"):
        parse_file(tmp_path)
    with pytest.raises(ParseError, match=r"^<text>: empty file$"):
        parse_text("")
    with pytest.raises(ParseError, match=r"^web: not text: binary data$"):
        parse_text("abc\x00\x01\x02" * 50, "web")
    with pytest.raises(ParseError, match=r"^notes: no agenda items found$"):
        parse_text("Indholdsfortegnelse\n\nBudget.....\t3\nEventuelt.....\t4\n", "notes")


def test_decode_bytes_falls_back_to_cp1252():
    assert decode_bytes("Økonomi på rådhuset".encode("cp1252")) == "Økonomi på rådhuset"
    assert decode_bytes("Økonomi".encode()) == "Økonomi"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Beslutning", ("decision", "")),
        ("Beslutning:", ("decision", "")),
        ("Beslutning: Godkendt.", ("decision", "Godkendt.")),
        ("Direktionens møde den 29. februar 2016:", ("decision", "")),
        ("Beslutning i Økonomiudvalget den 3. marts 2020:", ("decision", "")),
        ("Beslutning Børne- og Ungeudvalget den 09-01-2020", ("decision", "")),
        ("Økonomiudvalget, 03-03-2020, pkt. 5", ("decision", "")),
        ("Beslutning fra Byrådet", ("decision", "")),
        ("Indstilling og beslutning", ("combined", "")),
        ("Indstillinger", ("recommendation", "")),
        ("Forvaltningens indstilling", ("recommendation", "")),
        ("Resume og sagens baggrund", ("resume", "")),
        ("Sagsfremstilling", ("presentation", "")),
        ("Økonomiske konsekvenser", ("economy", "")),
        ("Vedlegg", ("attachments", "")),
        ("Beslutning om indretning samt finansiering af indretning af flexrum", None),
        ("Direktionens møde den 1. marts er aflyst, og sagen udsættes.", None),
        ("Økonomiudvalget", None),
        ("Godkendt.", None),
    ],
)
def test_label_of(line, expected):
    assert label_of(line) == expected


@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("REFERAT Direktionen d. 20-02-2023", "2023-02-20", None),
        ("Mødedato Mandag d. 20. februar 2023 kl. 12:30", "2023-02-20", "12:30"),
        ("Den 09.01.2020 kl. 13:00", "2020-01-09", "13:00"),
        ("Onsdag den 15-maj-2002", "2002-05-15", None),
        ("mandag den 24. april 2017 kl. 16.00", "2017-04-24", "16:00"),
        ("04-06-2020 09:00:00", "2020-06-04", "09:00"),
        ("April 3, 2019", "2019-04-03", None),
        ("2021-11-30", "2021-11-30", None),
        ("J.nr.: 00.01.00 og 31-02-2020", None, None),
        ("Punkter 1 - 12", None, None),
    ],
)
def test_dates_and_times(text, date, time):
    assert find_date(text) == date
    assert find_time(text) == time


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("May 1st, 2019", "2019-05-01"),
        ("Beslutning 3. marts 2020: Godkendt. Jf. møde 2020-03-01", "2020-03-03"),  # the first
        ("møde 2020-03-01 og 2. marts 2020", "2020-03-01"),
        ("Udgiften anslås til 724.000 kr. årligt og afholdes inden for rammen.", None),
        ("Mødet den 1/3-20", "2020-03-01"),  # no four-digit year: the numeric form alone
    ],
)
def test_dates_found_past_the_year_guard(text, date):
    assert find_date(text) == date


def test_heading_first_characters_in_any_case() -> None:
    """The set a heading's first character is looked up in holds exactly the characters whose
    lower case may start a heading (checked over all of Unicode)."""
    import sys

    from store.headings import _HEADING_FIRST, _HEADING_FIRST_ANY_CASE

    every = {c for c in map(chr, range(sys.maxunicode + 1)) if c.lower() in _HEADING_FIRST}
    assert every == _HEADING_FIRST_ANY_CASE


def test_chrome_is_blanked_exactly_where_a_reason_is_given() -> None:
    from store.furniture import chrome_reason, strip_chrome

    lines = ["Til toppen", "  • Udskriv  ", "ſøg", "Kopier link", "Godkendt.", "Sagsfremstilling",
             "Vi bruger cookies til statistik.", 'Download "Referat.pdf"', "Kunne ikke hente",
             "Drøftet.", "Økonomi", "Del", "", "1. Del af planen", "Søg her:"]
    removed: list[tuple[str, str]] = []
    out = strip_chrome(lines, removed)
    named = [(i, chrome_reason(line)) for i, line in enumerate(lines) if line]
    assert [i for i, reason in named if reason] == [i for i, line in enumerate(out)
                                                    if line != lines[i]]
    assert [reason for reason, _ in removed] == [reason for _, reason in named if reason]
    assert out[0] == out[1] == out[2] == "" and out[4] == "Godkendt."


@pytest.mark.parametrize("text", ["Mødet d. 3. ſeptember 2019", "Meeting on Aprıl 3, 2019"])
def test_a_month_matched_only_by_unicode_case_folding_is_no_date(text: str) -> None:
    assert find_date(text) is None
    assert parse_text(f"Økonomiudvalget\n{text}\n\n1. Budget\nBeslutning\nGodkendt.\n",
                      "x.txt").items  # the file is still read, not an internal error
