"""The safety check's rule tables: spelling folding and one pattern set per class (see detect.py).

Patterns are written in normal spelling and folded like the text (`_rx`), so 'gesperrt' in a pattern
meets 'gesperrt', 'gespert' and 'GESPERRT' in a message. Each class has one tuple of patterns, grouped
by theme with a comment; idioms and announced legal steps that must not count are separate tables.
Changes go through review and the gate in `make test-safety` (see detect.py).
"""

from __future__ import annotations

import re

MAX_CHARS = 5000  # the channels' message limit; a longer text is checked in full up to here

_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s", "é": "e", "è": "e", "’": "'", "`": "'"})
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold(text: str) -> str:
    """Lower case, umlauts as plain vowels, doubled letters once, punctuation as separate marks.

    'Ich bringe mich UMM!!' -> ' ich bringe mich um . '; 'Süizid' -> 'suizid'; 'weiß' -> 'weis'."""
    text = _fold_letters(text[:MAX_CHARS].lower())
    text = re.sub(r"[.!?;:]+", " . ", text)
    text = re.sub(r"[,\-–—/()\"„“”]+", " , ", text)  # clause marks: kept as a token, see _variants
    text = re.sub(r"[^a-z0-9 .,']+", " ", text)
    return " " + re.sub(r"\s+", " ", text).strip() + " "


def _fold_letters(text: str) -> str:
    text = text.translate(_UMLAUTS)
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return re.sub(r"([a-z])\1+", r"\1", text)


def _rx(*patterns: str) -> re.Pattern[str]:
    """Patterns may be written in normal spelling: their letters are folded like the text ('ä' -> 'a',
    'ue' -> 'u', doubled letters once), so 'gesperrt' in a pattern meets 'gesperrt' in a message."""
    return re.compile("|".join(f"(?:{_fold_letters(p)})" for p in patterns))


# Words between two parts of a phrase: up to n words, never across a sentence mark.
def _gap(n: int) -> str:
    return rf"(?: [a-z0-9']+){{0,{n}}}"


_END = r"(?= \.| ,| $| und | aber | ich | weil | echt | einfach | wirklich | ales )"
# After "um" of "bringe ... um": the end of the clause, not a time ("um 9", "um zehn Uhr").
_UM = r" um(?= \.| ,| $| und | wen | falls | sonst | ich | dan | wirklich | echt )"

# ------------------------------------------------------------------------------------------- crisis
CRISIS_PHRASES = _rx(
    # the words themselves, with common misspellings
    r" su[iy]?[cz]i+e?[dt]| suicid| selbstmor[dt]| selbsttot| selbstverletz| freitod| lebensmud",
    r" suizidal| suizidgedank| todeswunsch| sterbewunsch",
    # not wanting to live, wanting to die
    r" (?:nicht mehr|nimer|nie mehr|kein(?:e)? lust mehr|kein bock mehr) (?:zu |weiter |so weiter )?leben\b(?! lasen)",
    r" (?:wil|mochte|mocht|wurde|werde|wurd|wilst|lieber)" + _gap(3) + r" (?:sterben|tot sein|nicht mehr da sein|nicht mehr existieren)",
    r" (?:lieber|besser|beser) tot\b| (?:ware|war|bin) (?:lieber |beser )?tot beser| beser wen ich (?:tot|nicht mehr da|weg) ",
    r" (?:einschlafen|schlafen) und nicht mehr aufwachen| nicht mehr aufwachen| nie mehr aufwachen| nie wieder aufwachen",
    r" fur imer (?:einschlafen|schlafen|weg)",
    r" (?:ohne mich|wen ich weg bin|wen ich nicht mehr da bin)" + _gap(4) + r" (?:beser dran|beser|leichter|egal)",
    r" (?:beser dran|beser) ohne mich",
    # killing oneself (first person; "das bringt mich noch um" is an idiom, see CRISIS_IDIOMS)
    r" (?:ich|wil|werde|wurde|mochte|sol|solte|kan|mus|gedanken|dran|daran|uberlege)" + _gap(3)
    + r" mich (?:selbst |selber )?(?:um ?bringen|um zu bringen|umzubringen|toten|erhangen|aufhangen|erschiesen|erschisen|vergiften)",
    r" bring(?:e)? mich (?:selbst |selber |halt |einfach |jetzt |noch |dan |heute |bald )*" + _UM.strip(),
    r" bring(?:e)? ich mich (?:selbst |selber |halt |einfach |jetzt |noch |dan |heute |bald )*" + _UM.strip(),
    r" (?:mir|mein) (?:das |mein )?leben (?:zu )?nehmen| mir das leben| nehme mir das leben| (?:meinem|dem) leben (?:ein )?ende (?:setzen|machen)",
    r" (?:ein )?ende machen(?! mit dem| mit der| mit den)| (?:es|ales) beenden\b| mich beenden",
    r" (?:wil|werde|wurde|mochte|ich)" + _gap(2) + r" schlus machen(?! mit (?:dem|der|den|ihm|ihr|meinem freund|meiner freundin))",
    r" mach(?:e)? (?:jetzt |heute |einfach )?schlus mit (?:alem|mir|meinem leben|dem leben)",
    r" (?:von|vor|unter) (?:der|die|den|einer|eine|einen|dem|nen|ne) (?:bruke|brucke|zug|bahn|auto|lkw|ubahn|s ?bahn|hochhaus|dach|strasenbahn)"
    + _gap(3) + r" (?:springen|spring|springe|werfen|legen|schmeisen)",
    r" (?:spring|springe|springen) (?:von|vor|aus dem fenster)\b",
    r" (?:mich|mir) (?:aufhang|erhang|den strick|die kugel)| strick nehmen| (?:ale|die|meine|ein paar|viele|paar|ne packung|eine packung) tableten (?:nehmen|schlucken|geschluckt|genomen|auf einmal)",
    r" tableten (?:gesamelt|gehortet)| uberdosis| abschiedsbrief| (?:das ist|hier ist) mein abschied| lebt wohl",
    r" (?:ales|leben) (?:hat )?(?:doch |eh |einfach )?(?:keinen|kein) sin(?: mehr)?| hat (?:doch |eh )?ales (?:doch |eh )?keinen sin",
    r" kein(?:en)? ausweg| ausweglos| (?:ales|leben) (?:ist )?sinlos| sinlos (?:zu leben|weiter)",
    # self-harm
    r" ritz(?:e|en)? mich| mich (?:wieder |selbst |selber )?(?:ritzen|geritzt|schneiden)\b(?! las)",
    r" mich (?:selbst |selber )(?:verletzen|verletzt)| selbst verletz",
    r" (?:mir|mich) (?:selbst |selber )?(?:was|etwas) (?:an ?tun|antun)| tu(?:e)? mir (?:was|etwas) an\b",
    # "ich kann nicht mehr", "halte das nicht mehr aus", "bin am ende"
    r" ich kan" + _gap(2) + r" nicht mehr" + _END,
    r" (?:ich )?kan (?:einfach |echt |wirklich |so |bald )*nicht mehr(?= \.| $)",
    r" (?:ich )?wil (?:einfach |echt |wirklich |so |bald )*nicht mehr(?= \.| ,| $| ich | leben)",
    r" (?:halte|halt|ertrage|ertrag|schafe|schaf|pack|packe) (?:das|es|dis|ales|das ales|des)" + _gap(2) + r" nicht mehr(?: aus| lange)?" + _END,
    r" (?:halte|halt) (?:das|es|dis|des) (?:ales )?nicht mehr aus| nicht mehr aus ?zu ?halten| nicht mehr ertragen",
    r" (?:bin|ich bin) (?:total |vollig |komplet |einfach |echt |so )?am ende(?! des| vom| der| meiner (?:ausbildung|probezeit))",
    r" am ende meiner kraft| keine kraft mehr| am boden zerstort",
    r" weis (?:einfach |echt |wirklich |gar )?nicht mehr weiter\b(?! mit (?:dem|diesem|den|der|meinen|meiner|diesen) (?:formular|antrag|portal|login|app|seite|rechnung|rechnungen|mahnung|mahnungen|schulden|papieren|unterlagen|nebenkostenabrechnung))",
    r" (?:wil|mochte) (?:einfach )?(?:nur )?(?:noch )?(?:weg|verschwinden) (?:fur imer|von der welt)",
    # acute danger to life or health
    r" lebensgefahr\b| (?:atmet|atme) nicht mehr| bewustlos| ohnmachtig",
    r" (?:er|sie|ich|kind|baby) (?:blutet|blute) (?:stark|sehr|uberal)",
    # Further crisis phrasings (indirect, farewell, plans, self-harm, acute danger).
    r" (?:nicht|nich|ned|net) mehr (?:zu |weiter )?leb(?:e)?n\b| (?:kein bock|keine lust) (?:mehr )?auf (?:das |mein )?leben",
    r" (?:weiter ?leben|weiterleben|weiter zu leben|weiterzuleben)(?! lasen)| weitermachen sol(?: \w+){0,2} mit dem leben",
    r" mach(?:e)? (?:heute nacht|heut nacht|bald|morgen|heute abend|heut abend) schlus| schlus mit alem| dan ist schlus(?! mit)",
    r" (?:tableten|pilen|schlaftableten|tabs)(?: \w+){0,6} (?:nehm\w*|genomen|geschluckt|schluck\w*|gesamelt|abgezahlt|gehortet)",
    r" (?:ganze|ganzen|ale|eine|ne) (?:packung|schachtel)(?: \w+){0,2} (?:geschluckt|genomen|schlucken|nehmen)",
    r" (?:geschluckt|genomen)(?: \w+){0,3} (?:ganze packung|ale tableten|die ganzen)| tableten und alkohol| pilen (?:schon )?abgezahlt",
    r" (?:steh|stehe|bin|sitze|sitz) (?:\w+ ){0,2}(?:auf|an) (?:der|einer|die) (?:bruke|brucke|gleisen|gleise)",
    r" auf die gleise| vor den zug| vor die bahn| vor einen zug| aufs dach| auf das dach| aus dem fenster(?: \w+){0,2} spring",
    r" (?:dan |und )?spring(?:e)? ich\b| ob ich spring| ich spring(?:e)?(?= \.| $| dan| runter| gleich| jetzt)",
    r" letzte nachricht| wolte mich (?:nur |noch )?verabschieden(?! und)| verabschiede mich (?:bald |jetzt )?(?:von|für immer)| von dieser welt",
    r" (?:bin ich|ich bin) (?:bald |morgen |dan |heute )?nicht mehr da| wen ich (?:gar |einfach )?nicht mehr da (?:war|ware|bin)",
    r" akte(?: \w+){0,4} schliesen| (?:einen|ein) fal weniger| nichts mehr von mir horen| mit allem abgeschlossen",
    r" alles geregelt(?: \w+){0,12} egal| (?:nur noch )?(?:eine )?last fur ale| bin nur (?:noch )?(?:eine )?last",
    r" (?:keinem|niemandem|niemand|keiner) (?:wurde |wurd |wird )?(?:mich )?(?:auffallen|vermisen|fehlen)(?: \w+){0,2}(?: wen ich weg)?",
    r" (?:wozu|wofur|fur wen) (?:sol ich )?(?:eigentlich |noch )*(?:weitermachen|leben|aufstehen)",
    r" keinen grund mehr(?: \w+){0,3} (?:aufzuwachen|zu leben|weiterzumachen|aufzustehen)",
    r" (?:weg|schlafen|aufhort|aufhoren|ruhe|verschwinden) fur imer| fur imer (?:weg|schlafen|ruhe)",
    r" (?:nen |einen |den |ein )?strick\b| hang(?:e)? mich (?:auf|weg)| mich (?:aufhang|erhang)",
    r" mich (?:selbst |selber )?(?:um ?z?u? ?br[a-z]{1,5}n|umbringe)\b",
    r" (?:arme?|handgelenke?|pulsadern?|haut) (?:\w+ )?(?:aufgeschniten|aufschneiden|aufgeritzt|verbrant|ritzen)| pulsadern",
    r" verletz(?:e)? mich (?:selbst|selber)| schneid(?:e)? mich\b| (?:wieder |heute |gestern )geritzt| rasierklinge",
    r" bis es blutet| anzutun| absichtlich (?:nix|nichts) mehr| (?:mir|mich) (?:selbst )?(?:was|etwas) an ?tu\w*| tu(?:e)? mir (?:\w+ )?(?:was|etwas) an\b",
    r" (?:atmet|atme) kaum| kaum luft| keine luft mehr| (?:putzmitel|reiniger|gift) getrunken| reagiert nicht mehr| umgekipt",
    r" (?:blut|blutung) hort nicht auf| schmerzen in der brust| zu viel genomen",
    r" wars das mit mir| war es das mit mir| vorbei(?: \w+){0,2} mit mir| braucht mich (?:eh |doch |sowieso )?(?:keiner|niemand)",
    r" ans sterben| an den tod denk| ums sterben| (?:aufhoren|nicht mehr) (?:zu )?existieren",
    r" uberlegt wie ich es (?:mache|tue|anstele)| kom(?:e)? nicht (?:mehr )?(?:wieder|zuruck)\b(?! zum termin)",
    r" dan ist (?:endlich )?ruhe| mude vom leben| des lebens mude| wil (?:einfach |nur )*(?:noch )?verschwinden",
    r" (?:meser|klinge|tableten|strick|pistole) (?:liegt|liegen|ligt) (?:schon |bereit )",
    r" (?:leben|ales)(?: \w+){0,3} (?:keinen|kein) sin\b",
    r" halt(?:e)? (?:diesen|den|das|es|des|dis|die)(?: \w+){0,2} nicht mehr aus| kurz davor aufzugeben",
    r" nicht mehr aufwach\w*| nie mehr aufwach\w*",
    r" (?:das|dass) es (?:endlich )?vorbei ist| sol (?:endlich )?vorbei sein| nie geboren| nie (?:mehr |wieder )?zurück(?:kommen|kehren|komme)",
    r" (?:seil|strick|tabletten|klinge|rasierklingen)\w*(?: \w+){0,2} (?:gekauft|besorgt|besorgen)| nicht mehr auf (?:dieser|der) (?:erde|welt)",
    r" beende (?:das|es|alles)\b(?! (?:gespräch|chat|telefonat|gesprach))| leben ist (?:nichts|nix) (?:mehr )?wert| selbs?t?mor[dt]| sterbe?n\b(?! lassen)",
    r" (?:an|auf) der brücke| ob ich wieder nach hause| mich zu (?:erhäng|töten|umbr|vergift|erschieß|ertränk)| versucht mich",
    r" es geht nicht mehr(?= \.| ,| $| ich| und)| fertig mit allem| (?:durch|fertig) mit dem leben| mit dem leben (?:durch|fertig)| kann nicht mehr weiter",
    r" halte?(?: \w+){0,4} (?:nicht mehr|keinen tag länger) aus| keinen tag (?:länger|mehr) (?:aus|durch)",
    r" (?:unterarm|arm|handgelenk|bein)(?: \w+){0,2} geschnitten| mit (?:ner|einer) (?:scherbe|klinge)| mir (?:selbst |nicht )?weh ?tu",
    r" blute\w*(?: \w+){0,4} (?:nicht gestoppt|hört nicht)| blute aus| bis es (?:geknackt|blutet|weh tut)",
    r" zur last| (?:sachen|alles|meine \w+) verschenkt| (?:mein|meinen) letzte[nr]? tag| letzter tag (?:auf|hier)| (?:ein|mein) abschied",
    r" augen (?:nie mehr |nicht mehr )?(?:aufmachen|öffnen)| nie wieder (?:die augen|aufwach)| meinen tod| mein tod\b| gashahn",
    r" innerlich (?:schon )?tot| blau im gesicht| blaue lippen| (?:lippen|gesicht) (?:ist |sind )?blau",
    r" (?:ohne mich|wenn ich weg bin)(?: \w+){0,4} (?:erleichtert|froh|glücklicher)",
    r" mich(?: \w+){0,3} (?:umzubringen|umzubringn|umbringen|zu töten|zu erhängen|umbringe)\b| (?:nicht|nich|ned) mehr da (?:wär|wäre|war|bin|sein)",
    r" (?:bald|eh bald|dann) (?:nicht|nich|ned) mehr da| da bin ich nicht mehr(?= \.| ,| $)| keinen sinn mehr| wozu noch (?:\w+ ){0,3}(?:aufstehn|aufstehen|leben|weitermachen)",
    r" der letzte brief| tabletten(?: \w+){0,6} (?:zusammengespart|gespart|liegen)| testament| (?:hab|habe) (?:schon )?alles geregelt",
    r" (?:nix|nichts) mehr (?:von mir )?hören| von mir (?:werdet|werden) (?:ihr|sie) (?:nix|nichts) mehr| sorry für alles",
    r" verletz(?:e)? ich mich| (?:unterarm|arm|haut|hand)(?: \w+){0,2} verbrannt| mich (?:selbst )?verbrannt",
    r" atmet (?:ganz |so )?(?:komisch|schwer|nicht)| liegt (?:aufm|auf dem) boden| blutet (?:\w+ )?(?:stark|viel)",
    r" zu viel(?: \w+){0,3} genommen| tabletten und (?:alkohol|korn|schnaps|vodka|wodka|bier)| sich (?:was|etwas) angetan",
    r" pack(?:e)? (?:das|es)(?: \w+){0,2} (?:nicht|nich|ned) mehr| aufs leben| den abgang| ob ich (?:morgen )?noch leb",
    r" (?:überlegt|überlege) zu springen| am fenster(?: \w+){0,3} stock| ob ich(?: \w+){0,3} noch erleb\b| überlegt hab wie ich es mache",
    r" (?:nicht|nich|ned|net) (?:mehr|mer|meh) (?:zu )?leb(?:e)?n\b",
)

# Violence at home (partner, ex, family): a crisis, answered with the Hilfetelefon as well.
VIOLENCE_AT_HOME = _rx(
    r" hausliche(?:n|r)? gewalt| gewalt (?:zu ?hause|daheim|in der familie|in der ehe)",
    r" (?:man|eheman|freund|partner|ex|exman|exfreund|vater|stiefvater|bruder|sohn|mutter|schwiegervater|lebensgefahrte|er)"
    r" (?:hat )?(?:schlagt|schlug|geschlagen|verprugelt|verprugelte|prugelt|wurgt|wurgte|gewurgt|trit|getreten|mishandelt|haut|bedroht|bedrohte|vergewaltigt|vergewaltigte|eingesperrt|sperrt)"
    + _gap(2) + r" (?:mich|uns|die kinder|meine kinder|mein kind|meine tochter|meinen sohn|das kind|die kleine|den kleinen)\b",
    r" (?:schlagt|schlug|verprugelt|wurgt|bedroht|mishandelt) (?:mich|uns)\b",
    r" (?:werde|wurde|werden) (?:von (?:meinem|meiner|dem) \w+ )?(?:zu ?hause |daheim )?(?:geschlagen|verprugelt|mishandelt|gewurgt)",
    r" (?:angst|furcht) (?:vor|fur) (?:meinem|meiner|dem|mein) (?:man|ehe ?man|ex|freund|partner|vater|ex ?freund|ex ?partner|ex ?man)",
    r" (?:er|mein ex|mein man|mein freund|mein partner|der) (?:wil|droht|hat gedroht|sagt)" + _gap(2) + r" (?:mich|uns|die kinder) (?:um ?bringen|umzubringen|toten|abstechen)",
    r" (?:steht|ist|wartet) (?:vor der tur|vor meiner tur|vorm haus|vor dem haus|unten)" + _gap(4) + r" (?:angst|hilfe|polizei|schlagt|droht)",
    r" (?:ins|in ein|in das|im|in einem) frauenhaus| gewaltschutz",
    r" (?:hat|hab) mich(?: \w+){0,4} (?:geschlagen|gewurgt|getreten|verprugelt|gestosen|runtergestosen|vergewaltigt)",
    r" (?:man|freund|partner|ex|vater|er)(?: \w+){0,4} (?:mich|uns|die kinder|meine kinder)(?: \w+){0,3} (?:schlagt|schlug|prugelt|wurgt)",
    r" (?:schlagt|prugelt|wurgt|trit|bedroht) er (?:mich|uns)| (?:bringt|macht) (?:er|sie) mich (?:um|kalt)\b| macht uns(?: ale)? kalt",
    r" gedroht (?:mich|uns)(?: \w+){0,2} (?:abzustechen|umzubringen|zu toten)| droht (?:mir|uns) mit",
    r" eingeschlosen(?: \w+){0,4} er (?:schreit|tobt|schlagt)| er (?:trit|tret) (?:\w+ )?die tur ein",
    r" (?:gegen die wand|die treppe)(?: \w+)? (?:geschubst|gestoßen|runtergestoßen|geworfen)| runtergestoßen| (?:verprugelt|geschlagen) worden| blaue fleken",
    r" meser gezeigt| droht(?: \w+){0,3} anzu?zunden",
    r" mit der faust| ins gesicht geschlagen| (?:er|sie|mein \w+|der \w+) (?:hat )?(?:mir |uns )?(?:gedroht|droht|drohte)(?: \w+){0,2} (?:mich|uns|mir)\b(?! (?:jetzt )?(?:eine?|die|das|der|mit (?:einer|der) )?(?:kürzung|sperre|sanktion|strafe|rückforderung|anzeige|klage))| bringt (?:er|sie) (?:mich|uns)",
    r" eingesperrt| bin ich tot| (?:nase|arm|rippe\w*|kiefer) gebrochen| wirft (?:mit \w+ )?nach mir| blaues auge",
    r" (?:eine|ene) (?:reingehauen|geknallt|gescheuert|geklebt)| mich(?: \w+){0,4} verprügelt",
    r" (?:werde|wurde|werden) (?:von (?:meinem|meiner|dem) \w+ )?bedroht| randaliert| (?:er|sie|freund|mann|partner|ex) mich (?:getreten|rausgeschmissen)| haare ausgerissen",
)


# Idioms and figures of speech that look like a crisis but are not.
CRISIS_IDIOMS = _rx(
    r" (?:das|es|der|die|ihr|du|sie|warteschleife|formular|hitze|langeweile|bescheid|amt|system|papierkram|burokratie)"
    r"(?: \w+){0,3} (?:bringt|bringen|bringst|wird|werden|werdet)" + _gap(1) + r" mich (?:noch |echt |wirklich |bald )*(?:um|umbringen)\b",
    r" (?:musik|warteschleife|hotline|warterei|warten|formular)\w*(?: \w+){0,3} nicht mehr aus(?: \w+)?",
    r" (?:davon|damit|von dem|von den|vom|von \d+|mit \d+|mit dem geld|von dem geld)(?: \w+){0,4} (?:nicht|kaum) (?:mehr )?(?:zu )?leben",
)

# ------------------------------------------------------------------------------------------- threats
_TARGET = (r"(?:euch|dich|ihn|sie|den|die|dem|ale|jeden|jemanden|ein paar|paar|leute|mitarbeiter\w*|sachbearbeiter\w*"
           r"|berater\w*|vermitler\w*|falmanager\w*|chef\w*|frau \w+|her \w+|personal|beamt\w*|jobcenter|laden|amt|buro|bude"
           r"|gebaude|euren? \w+|eure \w+|deren \w+|ihren? \w+|seinen? \w+|meinen? \w+|diese[nmr]? \w+|den \w+|die \w+|dem \w+|das \w+)")
_PLACE = r"(?:laden|jobcenter|amt|buro|bude|gebaude|haus|hute|schupen|auto|wagen|karre|ales|euch|center)"
_WEAPON = r"(?:waffe|knarre|pistole|gewehr|gun|messer|axt|hammer|machete|baseballschläger|schlagring|schrotflinte|benzin|brandsatz|molotow\w*|sprengstoff)"
THREAT_PHRASES = _rx(
    r" bring(?:e)? " + _TARGET + _gap(3) + _UM,
    r" (?:werde|wil|wurde|mochte|kan|konte|ich|gleich)" + _gap(2) + r" " + _TARGET + _gap(2)
    + r" (?:um ?bringen|umzubringen|toten|erschiesen|erstechen|abstechen|abknalen|kalt ?machen|erwurgen|zusamen ?schlagen|verprugeln|abschlachten)\b",
    r" (?:stech|steche|knal|knale) " + _TARGET + _gap(1) + r" ab\b",
    r" (?:schies|schiese|erschies|erschiese) " + _TARGET + _gap(1) + r" (?:ab|nieder|tot|uber den haufen)\b| erschies(?:e)? (?:den|die|ihn|sie|euch|dich)\b",
    r" (?:mach|mache) " + _TARGET + r" (?:kalt|platt|tot|einen kopf kurzer)\b",
    r" (?:schlag|schlage|prugel|prugle|trete|trit|hau|haue) " + _TARGET + _gap(2) + r" (?:tot|zusamen|nieder|krankenhaus|kurz und klein|windelweich|zu brei)\b",
    r" (?:leg|lege|hau|haue) (?:euch|dich|ihn|sie|den|die)" + _gap(1) + _UM,
    r" (?:abstechen|abknalen|abschlachten|erstechen|aufschlitzen|abmurksen)\b(?! lasen)",
    r" (?:hau|haue|schlag|schlage|polier|poliere|trit|trete|gibts?|gibt es|kriegt|kriegen|bekomt)" + _gap(3)
    + r" (?:die frese|in die frese|auf die frese|aufs maul|eine rein|eins rein|die zahne ein|die nase)",
    r" (?:zund|zunde|fackel|fackle|spreng|sprenge|jag|jage)" + _gap(3) + r" " + _PLACE + _gap(2) + r" (?:an|ab|in die luft|hoch)\b",
    r" " + _PLACE + r" (?:brent|wird brenen|fliegt in die luft|geht in die luft|abfackeln|anzunden)",
    r" bombe\b| sprengsatz| amoklauf| amok (?:laufen|lauf)| blutbad| gibt (?:es )?tote| wird blutig| wirds blutig",
    r" (?:kom|kome|komt|bring|bringe|erscheine|tauche|steh|stehe|geh|gehe)" + _gap(4) + r" (?:mit|ne|eine|einer|einem|nem|ner|meiner|meinem|dem|der|nen) " + _WEAPON + r"\b",
    r" " + _WEAPON + _gap(3) + r" (?:mit|vorbei|dabei|rein)(?= \.| $| und| zum| ins| in| fur| dan| bro| wen)",
    r" (?:werde|wil|wurde) (?:\w+ )?(?:euch|ihnen|ihm|ihr|dir|dem|der|jemandem|ein paar) (?:\w+ )?weh ?tun",
    r" gewalt anwenden| gewaltatig werden| nehm(?:e)? (?:ein paar|einige|euch) (?:von euch )?mit\b",
    r" ich drohe (?:ihnen|euch|dir)",
    r" (?:schlag|stech|knal|mach|prugel|erschies|erschlag|tret|wurg|bring|brin|leg|hau)(?:e)? ich(?: \w+){0,3} (?:tot|ab|kalt|um|zusamen|kaput|fertig)\b(?! \d)",
    r" (?:bring|brin|brig)(?:e)? " + _TARGET + _gap(3) + _UM,
    r" (?:mach|mache) " + _TARGET + _gap(3) + r" (?:kalt|platt|tot)\b",
    r" zund(?:e)? (?:das|es|den laden|euch|ales|die bude)(?: \w+)? an\b| molli\b| molotow| zerleg(?:e)? (?:euer|eure|den|die|das)",
    r" die zahne aus| uberlebt (?:den tag|das) nicht| mit meinen eigenen handen| durch (?:eure|die) (?:glastur|tur|scheibe|fenster)",
    r" amok\b| spreng(?:e)? " + _TARGET + _gap(2) + r" (?:weg|in die luft)| verprugel(?:e|n)? " + _TARGET,
    r" reifen (?:zerstechen|aufschlitzen)| scheiben (?:einschlagen|einwerfen)| fliegen (?:bei euch )?(?:die )?scheiben",
    r" brech(?:e)? (?:ich )?(?:ihm|ihr|dem|der|dir|euch)(?: \w+)? (?:beine|knochen|genick|hals|arm|arme|nase)",
    r" (?:tret|trete|schlag|hau|box|boxe) (?:dem|der|ihm|ihr|dir|euch)(?: \w+){0,5} (?:kopf|gesicht|frese)| zu brei\b",
    r" (?:ne|eine|einen|nen) " + _WEAPON + r" (?:besorgt|gekauft|dabei)| " + _WEAPON + r"(?: \w+){0,8} bring(?:e)? ich(?: \w+){0,3} mit\b| (?:hab|habe) (?:ne|eine|n|nen) (?:knare|pistole|wafe|gun)",
    r" saure ins gesicht| ins gesicht (?:kipen|schuten)| schlag(?:e)?(?: \w+){0,6} kaput| kurz und klein",
    r" benzin(?: \w+){0,4} (?:anzunden|zund|briefkasten|flur)| wurg(?:e)? (?:den|die|ihn|sie|dich|euch)\b",
    r" grab aussuchen| (?:bekomt|kriegt|kriegst)(?: von mir)? (?:ne|eine) kugel| kil(?:e|en)? (?:die|euch|dich|den|ale|jeden)\b",
    r" vergift(?:e)? (?:euch|dich|den|die|ihn)| gibt?s? (?:es )?schlage| lauer(?:e)? (?:der|dem|ihr|ihm|euch)\b",
    r" (?:die|di|de) frese (?:ein|polieren)| erschlag(?:e)? (?:den|die|dich|euch|ihn|sie)\b",
    r" explodiert bei euch| bei euch explodiert| (?:was|etwas) deponiert| (?:tret|trete) (?:euch|dir|ihnen) die tur ein",
    r" bren(?:e)?(?: \w+){0,3} " + _PLACE + r" nieder",
    r" schlitz\w*(?: \w+){0,4} auf\b| kehle\b| (?:brennt|brennen) (?:euer|eure|das|der|die)?(?: \w+)? " + _PLACE,
    r" (?:ihr seid|du bist|sind sie) (?:alle |so gut wie )?(?:tot|dran)\b| (?:stech|stesch|stch)(?:e)? (?:dich|euch|den|die|ihn|sie) ab\b",
    r" ertränk(?:e)? (?:den|die|dich|euch|ihn|sie)\b| schieß\w*(?: \w+){0,4} (?:ins knie|in den kopf)| schieß(?:e)? auf\b",
    r" brech(?:e)? (?:ich )?(?:ihm|ihr|dem|der|dir|euch)(?: \w+){0,2} (?:beine|knochen|genick|hals|arm|arme|nase)",
    r" scheiben ein\b| (?:schmeiß|werf)\w*(?: \w+){0,3} (?:scheiben|fenster)| (?:stein|pflasterstein|flasche)\w*(?: \w+){0,2} durchs fenster",
    r" zerstech\w*| die zähne (?:raus|aus|ein)\b| fliegt(?: \w+){0,2} in die luft| (?:machen|mach) (?:euch|dich|den|die)(?: \w+){0,3} platt",
    r" zerleg(?:e)? (?:euch|euer|eure)| stech(?:e)? (?:zu|ab)(?= \.| ,| $)| durch (?:euren?|eure|den|die) (?:eingang|tür|glastür|scheibe|fenster)",
    r" " + _WEAPON + r"(?: \w+){0,2} (?:eingepackt|eingesteckt|eingesteckt)| (?:verprügel|prügel)(?:e)? ich",
    r" feuer (?:legen|leg)| leg(?:e)? (?:euch |ihnen )?feuer| erschieß(?:e)? (?:jeden|alle|einen)| (?:ihn|sie|den|euch) umbringe\b",
    r" (?:komm|komme|kommt|steh|stehe)(?: \w+){0,3} (?:vorbei|rein|vor eurer tür)(?: \w+){0,2} (?:und )?dann (?:knallt|knallts|kracht|krachts|gibts was|gibt es was)",
    r" (?:schlag|hau)(?:e)? (?:ich )?(?:ihm|ihr|dem|der|dir|euch)(?: \w+){0,2} (?:den schädel|die birne|den kopf|die fresse) ein\b",
    r" armbrust| zerstör\w*(?: \w+){0,3} " + _PLACE + r"| fahr\w* (?:den|die|dich|euch|ihn|sie)(?: \w+){0,4} um\b| überfahr\w* (?:den|die|dich|euch|ihn|sie)\b",
)

# Everyday things lost or forgotten ("ich weiß meine Nummer nicht mehr", "finde den Bescheid nicht mehr"): the
# safety model must not read "nicht mehr" in them as a crisis (the rules never do).
# A practical problem named with the crisis words ("weiß nicht mehr weiter mit den Rechnungen"), in the
# citizen's spelling: the crisis rule leaves it out, and the safety model scores the message without it
# (`detect.model_text`), so debts get the Schuldnerberatung while any other crisis words still count.
PRACTICAL_TROUBLE = re.compile(
    r"\bwei(?:ß|ss|s)t?\s+(?:ich\s+)?(?:einfach\s+|echt\s+|wirklich\s+|gar\s+)?nicht\s+mehr\s+weiter\s+mit\s+"
    r"(?:dem|diesem|den|der|meinen|meiner|diesen|die|das)\s+(?:formular|antrag|portal|login|app|seite|rechnung|"
    r"rechnungen|mahnung|mahnungen|schulden|papieren|unterlagen|nebenkostenabrechnung|briefen|post)\b",
    re.IGNORECASE)

EVERYDAY_LOSS = _rx(r" (?:weis|kene|ken|finde|find|hab|habe|wei) (?:meine|mein|meinen|die|den|das|dis|des|ihre|unsere)"
                    r" (?:\w+ )?(?:nummer|kundennummer|bg ?nummer|bg|passwort|pin|zugang\w*|login|brief|bescheid|termin|"
                    r"adrese|email|mail|unterlagen|papiere|vertrag|daten|konto|iban|karte|ausweis)\w*"
                    r"(?: \w+){0,3} nicht mehr\b")
THREAT_IDIOMS = _rx(r" (?:eingeschlagen )?wie (?:ne |eine )?bombe| bombenjob| bombig")

# Vague menace: not an explicit act, but worth a supervisor's look.
VAGUE_MENACE = _rx(
    r" (?:ihr werdet (?:schon |noch )?|(?:sie|du) (?:werden|wirst) (?:schon|noch) )(?:sehen|merken|bereuen|euch wundern|sich wundern|wundern)",
    r" (?:wird|werdet|werden|wirst) (?:es |das )?(?:noch )?bereuen| nachspiel| pas(?:t|en sie|) (?:blos |nur |lieber )?auf (?:euch|dich|sie) auf",
    r" weis (?:genau )?wo (?:sie|er|du|die|der|ihr|deren|dessen) (?:wohn|parkt|parken|wohnen|wohnt)",
    r" (?:warte|lauere|lauer)" + _gap(3) + r" (?:auf (?:sie|ihn|euch)\b|nach feierabend| draußen auf| vor (?:der|dem|eurem|ihrem) (?:tür|haus|gebäude))",
    r" (?:dan|sonst) (?:passiert|pasiert) (?:was|etwas)| (?:dan|sonst) (?:knalt|knalts|krachts|kracht)\b",
    r" kan fur nichts (?:mehr )?garantieren| garantiere fur nichts| nichts mehr zu verlieren",
    r" (?:mach|mache) (?:euch|dich|sie|ihn) fertig| wirds hasslich| wird es hasslich| gnade euch",
    r" in acht nehmen| aufpasen wo| heim ?zahlen| rache\b| mich rachen",
    r" (?:ich|dan) verges(?:e)? mich",
    r" pas(?:en sie|t|) (?:blos |nur |lieber )?auf (?:wen|was)| sieht sich (?:imer )?zweimal| kenzeichen (?:von )?(?:ihrem|seinem|deinem|eurem)",
    r" (?:ihr|sein|dein) auto ist der| wozu ich fahig bin| (?:wird|werden) (?:ihnen|euch|dir|ihm|ihr) (?:noch )?leid tun",
    r" nach hause (?:geht|folgt|gehen)| abends nach hause| kene? leute die| anders regeln| auf meine art| panzerglas",
    r" (?:nix|nichts) mehr zu verlieren| wartet (?:mal |nur )?ab| mit dem feuer| bose enden| schlim enden fur",
    r" weis wie (?:ihre|seine|deine|eure) \w+ aussehen| weis (?:wo|in welcher strase) (?:sie|er|die|der)\b",
    r" (?:dan|sonst) pasiert (?:hier |bald |hier bald )*(?:was|etwas)| in (?:eurer|ihrer) haut| mit wem (?:ihr euch|sie sich) anleg",
    r" (?:kenn|kenne) (?:ihre|seine|deine|eure) (?:adresse|wohnung|kinder|familie|frau)| ohne folgen| für sie persönlich",
    r" wenn (?:mal )?(?:was|etwas) passiert| wundert euch nicht| gut abschließen| nachts (?:gut )?(?:aufpassen|abschließen)",
    r" kleingekriegt| klein gekriegt| seien sie vorsichtig| wen sie vor sich haben| seid vorsichtig| schicht endet",
    r" für (?:nichts|nix) (?:mehr )?garantieren| sich umschauen| das gebäude verlässt| mit welchem (?:fahrrad|auto)",
    r" nicht mit geld| gute versicherung",
    r" rastet (?:hier )?(?:einer|jemand) aus| (?:einer|jemand) durchdreht| keine juristischen| nicht juristisch| heimgeht| heim geht",
    r" aufpassen wenn| passiert bald (?:was|etwas)| kenn(?:e)? ich mich (?:selber|selbst) nicht mehr| an eurer stelle| an ihrer stelle nicht",
    r" bleib ich nicht mehr so ruhig| nicht mehr so ruhig bleib",

    r" (?:kriegt|bekomt) das zuruck| (?:ihr|sie) (?:das |es )?bereu| wer zuletzt lacht| beobachte (?:euch|sie|dich|den|die)\b",
)

# Announcing legal steps is a right, not a menace.
LEGAL_STEPS = _rx(r" anwalt| anwaltin| klage| gericht| widerspruch| dienstaufsicht| presse| beschwerde| rechtsweg")

# Giving up benefits ("ich möchte kein Geld mehr vom Jobcenter") is a waiver, not an emergency.
WAIVER = _rx(r" k\w{0,4} (?:geld|kohle|cent|leistungen|bürgergeld) mehr (?:vom|von|bekommen|beziehen|haben|nehmen)\b")

# ------------------------------------------------------------------------------------------- no money today
URGENT_NEED_PHRASES = _rx(
    r" kein(?:en)? (?:geld|cent|euro|pfenig) mehr(?! (?:vom|von|bekommen|beziehen|haben))| (?:gar|uberhaupt|absolut|null) kein(?:en)? (?:geld|cent)| keinen cent\b",
    r" kein geld (?:fur|zum) (?:esen|lebensmitel|strom|windeln|die kinder|milch|brot)",
    r" nichts (?:mehr )?(?:zu esen|zum esen|zu fresen|im kuhlschrank)| kein esen| keine lebensmitel| nix (?:mehr )?zu esen",
    r" hunger (?:haben|hat|leiden)| (?:haben|hat|habe|hab) hunger| hungern\b| hungrig",
    r" (?:seit|schon) \w+ (?:tagen|tag) nichts (?:mehr )?gegesen",
    r" strom (?:ist |wird |wurde )?(?:abgestelt|gesperrt|abgeschaltet|weg|abgedreht|abgeklemt)| stromsper| gassper",
    r" (?:gas|heizung|warmwaser|waser) (?:ist |wird |wurde )?(?:abgestelt|gesperrt|abgedreht)",
    r" geld (?:ist |sind )?(?:heute |imer |noch )*(?:nicht|nie|kein)(?: \w+){0,2} (?:gekomen|da|angekomen|eingegangen|uberwiesen|drauf|auf dem konto)",
    r" (?:zahlung|uberweisung|burgergeld|leistung|regelsatz|geld)(?: \w+){0,3} (?:ist )?(?:noch |imer noch )?nicht (?:gekomen|angekomen|eingegangen)",
    r" konto (?:ist )?(?:ler|auf nul)| (?:bin|sind) (?:total |komplet |vollig )?(?:pleite|blank)\b",
    r" zwangsraum| raumungsklage| (?:morgen|bald|nachste woche) auf der strase| fliege (?:aus der wohnung|raus)",
    r" (?:kinder|kind|kleine|baby)(?: \w+){0,3} (?:haben|hat) hunger",
    r" vorschus(?: \w+){0,3} (?:heute|sofort|dringend)| (?:heute|sofort|dringend)(?: \w+){0,3} (?:vorschus|abschlag)| abschlag(?:szahlung)?(?: \w+){0,2} (?:heute|sofort|dringend)",
    r" (?:gas|strom|heizung|waser)\w*(?: \w+){0,4} (?:abgestelt|gesperrt|abgeklemt|abgedreht|abgeschaltet)",
    r" sper\w*(?: \w+){0,4} (?:den strom|das gas)| (?:sperre|stromsperre|gassperre)(?: \w+){0,3} angekundigt| im dunkeln",
    r" stromzahler(?: \w+){0,3} ler| (?:ol|heizol) (?:ist )?ale| raumung\w*\b",
    r" noch \d+(?: \d+)? (?:euro|eur)\b(?: \w+){0,3} (?:bis|und noch)| (?:hab|habe|sind|nur noch) (?:null|0) euro| (?:null|0) euro auf (?:dem|meinem) konto| nix auf dem konto| nichts auf dem konto",
    r" kuhlschrank (?:ist )?ler| konto (?:ist )?(?:ler|im minus)| (?:karte|ec karte)(?: \w+){0,3} abgelehnt",
    r" keine (?:windeln|milch|babynahrung|lebensmitel|esen) mehr| kein geld (?:mehr )?(?:für|zum) (?:essen|neue|windeln|milch)",
    r" geld(?: \w+){0,3} (?:ist |sind |kam |ist noch |ist imer noch )?(?:nicht|nie|noch nicht)(?: \w+){0,2} (?:gekomen|da|angekomen|eingegangen|uberwiesen|drauf|auf dem konto)\b",
    r" geld kam nicht| geld imer noch nicht| zahlung(?: \w+){0,3} fehlt| kam (?:nix|nichts) an| (?:nix|nichts) gekomen",
    r" (?:nix|nichts)(?: \w+){0,2} gegesen| (?:nix|nichts) (?:mehr )?(?:im kuhlschrank|fur esen|zu esen)| ohne esen",
    r" ke(?:i|in|ine|inen) (?:geld|kohle|cent) mehr| keine kohle| ohne geld da",
    r"\w*(?:milch|windeln|esen|brot|nudeln|lebensmitel)(?: \w+){0,3} (?:ist|sind) (?:jetzt )?(?:auch )?ale\b| kein (?:brot|esen|milch) mehr",
    r" nicht (?:mehr )?einkaufen| nix (?:mehr )?einkaufen| (?:jobcenter|amt|ihr) (?:hat|habt) (?:noch )?nicht gezahlt",
    r" (?:nichts|nix) mehr da\b| lebensmitelgutschein| gutschein fur lebensmitel| hunger\b",
    r" aus der wohnung (?:geschmisen|geworfen|raus)| raus aus der wohnung",
    r" kein(?:en)? (?:einzigen )?(?:euro|cent) mehr| (?:schränke|kühlschrank|vorräte)(?: \w+){0,2} (?:sind |ist )?(?:gähnend )?leer| nix zum (?:abendbrot|essen|frühstück)",
    r" ausgeblieben| ohne (?:frühstück|essen)| nichts (?:mehr )?da ist| mit \d+ (?:cent|euro) durch| kien(?:e|en)? (?:geld|essen)\b| kein(?:e|en)? essen\b",
    r" (?:gas|strom|heizung|wasser) ab\b| abgebrannt\b| kein (?:strom|licht|gas|warmwasser)\b| leitungswasser| seit \w+ tagen (?:nichts|nix|kaum)",
    r" keine (?:\w+)?nahrung| schloss aus| ich muss raus\b| portemonnaie (?:ist )?leer| geldbeutel (?:ist )?leer| auf dem konto ist (?:auch )?(?:nichts|nix)",
    r" heizung aus| warmwasser (?:und \w+ )?aus| (?:null|keine) kohle| heute essen| essen für meine (?:familie|kinder)",
    r" geld(?: \w+){0,5} (?:nicht|nie|noch nicht) (?:gekommen|angekommen|eingegangen|überwiesen)",
    r" (?:gas|strom|heizung|wasser)\w*(?: \w+){0,8} (?:abgestellt|gesperrt|abgesperrt|abgeklemmt|abgedreht|abgeschaltet|weg)\b",
    r" ohne (?:einen )?cent| (?:wirft|schmeißt) uns(?: \w+){0,3} raus| obdachlos| schlaf\w* im auto| nur noch (?:\w+ )?(?:euro|cent)\b",
    r" kein geld (?:mehr|mer)| zu futtern| kein cent| babymilch| letzte flasche| vorschuss bitte| brauch\w* (?:nen |einen )?vorschuss",
)
