"""The everyday words the dialogue reads: yes and no, taking part or not, a correction, and the fixed choices.

The words of every language we speak are in the same lists (a reply is matched whatever the language), written
without accents, since replies are read with theirs taken off: "środa" and "sroda" are both "sroda". A word
ending in * matches any ending, for Polish, whose words change with their use ("córka", "córką", "córki").
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from easyread.languages import fold

SKIP = {
    "skip",
    "pass",
    "next",
    "skip it",
    "dont know",
    "don't know",
    "dunno",
    "not sure",
    "i don't know",
    "i dont know",
}
SKIP |= {
    "i'm not sure",
    "im not sure",
    "rather not say",
    "i'd rather not say",
    "id rather not say",
    "prefer not to say",
}
SKIP |= {"no idea", "i'd prefer not to say", "skip this", "skip that", "skip please", "i'd rather not", "id rather not"}
SKIP |= {
    "pomin",
    "pomijam",
    "dalej",
    "nie wiem",
    "nie mam pojecia",
    "przejdz dalej",
    "wole nie mowic",
    "wole nie podawac",
}
SKIP |= {"nie jestem pewien", "nie jestem pewna", "nie jestem pewny", "pomin to", "nie chce podawac"}
NONE = {"none", "no", "nope", "nah", "nothing", "no thanks", "no help", "not really", "no i dont", "no i don't"}
NONE |= {"nie", "nic", "zadna", "zadnej", "nie trzeba", "nie potrzebuje", "bez pomocy", "nie dziekuje"}
NONE |= {"nie potrzebuje pomocy", "nie dzieki", "nic nie trzeba"}
ANY = {"any", "all", "either", "any of them", "all of them"}
ANY |= {"obojetnie", "wszystkie", "kazdy", "kazda", "dowolny", "dowolna", "wszystko jedno"}
ANY_PHRASES: tuple[str, ...] = (
    *("any day", "any time", "anytime", "dont mind", "don't mind", "whenever", "any of them", "all of them"),
)
ANY_PHRASES += ("kazdy dzien", "kazda pora", "wszystko jedno", "obojetnie", "nie ma znaczenia", "kiedykolwiek")

ROLE_WORDS = {
    "independent_advocate": ("advocate", "advocacy", "imca", "ima", "rzecznik*"),
    "attorney": ("attorney", "lpa", "power of", "pelnomocn*"),
    "deputy": ("deputy", "court of protection", "kurator*", "przez sad", "z sadu", "sadu"),
    "paid_carer": (
        "carer",
        "care worker",
        "support worker",
        "care assistant",
        "pa",
        "personal assistant",
        "opiekun*",
        "asystent*",
        "z agencji",
    ),
    "family_member": (
        "mum",
        "mom",
        "mother",
        "dad",
        "father",
        "son",
        "daughter",
        "wife",
        "husband",
        "partner",
        "sister",
        "brother",
        "aunt",
        "uncle",
        "niece",
        "nephew",
        "grandson",
        "granddaughter",
        "cousin",
        "family",
        "relative",
        "mam",
        "nan",
        "gran",
        "grandma",
        "grandad",
        "stepson",
        "stepdaughter",
        *("mama", "mame", "mamie", "mamusi*", "matk*", "matce", "tata", "taty", "tate", "tacie", "tatus*", "ojc*"),
        *("ojciec", "syn", "syna", "synem", "synowi", "cork*", "corce", "zona", "zony", "zone", "zonie", "zona"),
        *("maz", "meza", "mezem", "mezowi", "partner*", "siostr*", "brat", "brata", "bratem", "bratu", "cioci*"),
        *("ciotk*", "wujek", "wujka", "wnuk*", "wnucz*", "babci*", "babcia", "dziadek", "dziadka", "dziadkiem"),
        *("rodzin*", "kuzyn*", "tesciow*", "synow*", "ziec", "zieciem"),
    ),
    "friend": ("friend", "neighbour", "neighbor", "mate", "pal", "przyjaci*", "kolez*", "kolega", "znajom*", "sasiad*"),
}
HOW_WORDS = {
    "phone": ("phone", "call", "ring", "telephone", "mobile", "telefon*", "zadzwon*", "dzwon*", "komork*"),
    "video": (
        *("video call", "video chat", "video", "zoom", "teams", "skype", "facetime", "online", "whatsapp"),
        *("wideo", "kamer*", "internet*"),
    ),
    "home": ("home", "house", "flat", "visit", "come to me", "come round", "dom", "domu", "u mnie", "mieszkani*"),
    "elsewhere": ("somewhere else", "elsewhere", "library", "cafe", "office", "centre", "center", "out"),
}
HOW_WORDS["elsewhere"] += ("gdzie indziej", "inne miejsce", "innym miejscu", "kawiarni*", "bibliotec*", "osrodk*")
SUPPORT_WORDS = {
    "bsl": (
        *("bsl", "sign language", "signer", "signing", "deaf", "migow*", "gluch*"),
        # Read before "interpreter" and "language", which they hold: a BSL interpreter is not another language's.
        *("bsl interpreter", "bsl translator", "sign language interpreter", "signing interpreter"),
        *("tlumacz* jezyka migow*", "tlumacz* migow*", "jezyk* migow*"),
    ),
    "interpreter": ("interpreter", "translator", "translate", "language", "tlumacz*", "innego jezyka"),
    "easy_read": ("easy read", "easyread", "simple words", "pictures", "latwy tekst", "proste slowa", "obrazk*"),
    "large_print": ("large print", "big print", "big writing", "bigger writing", "large text", "duzy druk"),
    "someone": ("someone with me", "someone there", "with me", "support person", "carer with me", "ze mna"),
    "extra_time": ("extra time", "more time", "time to think", "slowly", "slow", "wiecej czasu", "wolniej", "powoli"),
    "breaks": ("break", "breaks", "rest", "pause", "przerw*"),
    "hearing_loop": ("hearing loop", "loop", "hearing aid", "petl*", "aparat sluchowy"),
    "lived_experience": (
        *("had care", "has had care", "lived experience", "expert by experience", "someone like me", "been through"),
        *("tez mial opieke", "tez miala opieke", "mial opieke", "miala opieke", "ktos jak ja", "doswiadczen*"),
    ),
}
SUPPORT_WORDS["large_print"] += ("duze litery", "duzym drukiem", "wiekszy druk", "wieksze litery")
DAY_WORDS = {
    "monday": ("monday", "mon", "poniedzial*", "pon"),
    "tuesday": ("tuesday", "tues", "tue", "wtor*", "wt"),
    "wednesday": ("wednesday", "wed", "weds", "sroda", "srody", "srode", "srodach", "srodami", "sr"),
    "thursday": ("thursday", "thurs", "thu", "czwart*", "czw"),
    "friday": ("friday", "fri", "piatek", "piatki", "piatku", "piatkami", "pt"),
    "saturday": ("saturday", "sat", "sobot*", "sob"),
    "sunday": ("sunday", "sun", "niedziel*", "niedz", "nd"),
}
TIME_WORDS = {
    "morning": ("morning", "mornings", "am", "early", "rano", "rankiem", "ranek", "przed poludniem", "z rana"),
    "afternoon": ("afternoon", "afternoons", "pm", "lunch", "after lunch", "po poludniu", "popoludni*", "po obiedzie"),
    "evening": ("evening", "evenings", "night", "after work", "tea time", "teatime", "wieczor*", "po pracy"),
}
CONTACT_WORDS = {
    "text": ("text", "sms", "message", "txt", "sms*", "esemes*", "wiadomosc*", "pisz*", "napisz*"),
    "call": ("call", "phone", "ring", "zadzwon*", "dzwon*", "telefon*"),
    "representative": ("through", "my daughter", "my son", "my carer", "advocate", "helper", "them", "her", "him"),
}
CONTACT_WORDS["representative"] += ("przez", "corke", "syna", "opiekun*", "rzecznik*", "pomocnik*", "pomaga")


@lru_cache(maxsize=4096)
def normal(text: str) -> str:
    """Lower case, accents off, only letters, digits and apostrophes, single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]", " ", fold(text))).strip()


def is_skip(text: str) -> bool:
    return text.strip().lower() == "skip" or normal(text) in SKIP or _TRAILING.sub("", normal(text)) in SKIP


def is_none(text: str) -> bool:
    return text.strip().lower() == "none" or normal(text) in NONE or _TRAILING.sub("", normal(text)) in NONE


def plain_no(text: str) -> bool:
    """A short no on its own ("no", "nope thanks", "nie"): at a free-text question that can be skipped, a skip.
    Not "not the school holidays": that is an answer."""
    spoken = normal(text).split()
    return 0 < len(spoken) <= 3 and spoken[0] in ("no", "nope", "nah", "nie", "n")


def is_any(text: str) -> bool:
    spoken = normal(text)
    return spoken in ANY or any(f" {phrase} " in f" {spoken} " for phrase in ANY_PHRASES)


def _pattern(phrase: str) -> str:
    """A choice's words as a pattern: "migow*" takes any ending; a last word without one may take an s ("mondays",
    "mornings", "breaks": a plural names the same choice)."""
    words = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in phrase.split()]
    plural = "" if phrase.endswith("*") else "s?"
    return f" {' '.join(words)}{plural} "


@cache
def _phrases(words: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Every choice's words, longest first, each with the choice it names."""
    pairs = [(word, key) for key, options in words for word in options]
    pairs.sort(key=lambda pair: len(pair[0].rstrip("*")), reverse=True)
    return tuple((key, re.compile(_pattern(word))) for word, key in pairs)


def _matches(text: str, words: dict[str, tuple[str, ...]]) -> list[str]:
    """The choices named, in the table's order. The longest words are read first and used up, so the words
    inside them name nothing more: "a BSL interpreter" and "sign language" name BSL, not another language's
    interpreter."""
    spoken = f" {normal(text)} "
    named: set[str] = set()
    for key, pattern in _phrases(tuple(words.items())):
        # Replaced by two spaces, so the words either side still stand alone.
        spoken, found = pattern.subn("  ", spoken)
        if found:
            named.add(key)
    return [key for key in words if key in named]


def choices(text: str, field: str, words: dict[str, tuple[str, ...]]) -> list[str]:
    """Every choice named, from a button payload ("day:monday") or from words ("mondays or fridays")."""
    payloads = [p.split(":", 1)[1] for p in text.split() if p.startswith(f"{field}:")]
    if payloads:
        return [p for p in payloads if p in words]
    return _matches(text, words)


def role(text: str) -> str | None:
    found = choices(text, "role", ROLE_WORDS)
    return found[0] if found else None


# A reply that starts with one of these answers a yes/no question, whatever words follow ("yes I will be with her").
# Per language: in Polish "no" is a casual "yes", so it is in neither Polish list.
YES_WORDS = {
    "en": ("yes", "yeah", "yea", "yeh", "yep", "yup", "ya", "yas", "aye", "sure", "ok", "okay", "of course", "correct"),
    "pl": ("tak", "jasne", "oczywiscie", "zgoda", "dobrze", "pewnie", "zgadza sie", "yes", "ok", "okay"),
}
YES_WORDS["en"] += ("certainly", "definitely", "absolutely", "right", "thats right", "that's right", "it is", "y")
NO_WORDS = {
    "en": ("no", "nope", "nah", "naw", "na", "not really", "n", "wrong", "incorrect", "thats wrong", "that's wrong"),
    "pl": ("nie", "nie zgadza sie", "nope"),
}
# Replies that say yes or no in other ways (hedged yeses are yeses: they are read back). A leading phrase may have
# more words after it ("go on then, why not"); a whole one must be all there is, less a "thanks" or "mate".
YES_LEADS: tuple[str, ...] = (
    *("go on", "go ahead", "go for it", "sounds good", "sounds fine", "sounds great", "fair enough", "alright"),
    *("allright", "alrite", "aight", "all right", "i accept", "i agree", "count me in", "that would be lovely"),
    *("that'd be lovely", "thatd be lovely", "i'm up for it", "im up for it", "up for it", "i guess so"),
    *("i suppose", "i think so", "happy to", "i'm happy", "im happy", "i am happy", "happy with that", "i'd love"),
    *("id love", "i would love", "would love", "will do", "i will do it", "i'll do it", "i confirm", "confirmed"),
    *("spot on", "bang on", "too right", "thats fine", "that's fine", "fine by me", "thats correct", "yeah"),
    *("spoko", "jak najbardziej", "no dobra", "moze byc", "niech bedzie", "zgadzam sie", "chetnie", "potwierdzam"),
    *("w porzadku", "wszystko sie zgadza", "tak jest", "akceptuje", "pewna sprawa", "no to dobra", "dobra"),
)
YES_WHOLE = frozenset(
    {
        *("yess", "yesss", "yessss", "ye", "yh", "yah", "yus", "yse", "yez", "yeas", "yas", "yass", "ys", "yws"),
        # Words as one string, so a grep for a stage's name finds only the stages.
        *"accept accepted confirm happy fine great perfect lovely done".split(),  # noqa: SIM905
        *("i will", "i do", "i am"),
        *("brilliant", "please", "please do", "yes please", "i guess", "guess so", "suppose so", "think so"),
        *("probably", "if i must", "if i have to", "deal", "agreed", "agree", "defo", "deffo", "def"),
        *("totally", "for sure", "that's it", "thats it", "exactly", "true", "affirmative", "cool", "nice one"),
        *("love to", "can do", "course", "ofc", "obviously", "k", "kk", "okey", "okie", "oki", "okey dokey"),
        *("oky", "okk", "ok then", "sweet", "ace", "grand", "sound", "nice", "good", "all good", "that's right"),
        *("git", "pasuje", "ta", "takk", "tk", "taak", "super", "swietnie", "racja", "dokladnie", "zgoda", "dobrze"),
    }
)
NO_LEADS: tuple[str, ...] = (
    *("not me", "i decline", "i refuse", "count me out", "i'll pass", "ill pass", "i will pass", "leave it"),
    *("not for me", "not interested", "no ta", "no chance", "not a chance", "i don't", "i dont", "i do not"),
    *("i won't", "i wont", "i will not", "i'm not", "im not", "i am not", "don't want", "dont want"),
    *("do not want", "i'd rather not", "id rather not", "rather not", "not happy", "thats not it", "not correct"),
    *("not right", "nie chce", "nie dziekuje", "nie dzieki", "nie bardzo", "nie zgadzam sie", "odmawiam"),
    *("to nie dla mnie", "to nie tak", "nie tak", "nie zgadza sie", "nigdy", "i can't", "i cant", "i cannot"),
    *("can't", "cant", "cannot", "i can not", "not able", "i'm unable", "im unable", "nie moge", "nie dam rady"),
)
NO_WHOLE = frozenset(
    {
        *("nop", "nopes", "noo", "nooo", "noway", "nay", "negative", "never", "decline", "declined", "nowt"),
        *("wrong", "that's wrong", "thats wrong", "incorrect", "nah mate", "no mate", "naa", "nahh", "nahhh"),
        *("niee", "nieee", "ni", "odpada", "zle", "bledne", "nie nie"),
    }
)
# Said after a yes or a no, these change nothing: "yes thanks", "nah mate", "ok love".
_TRAILING = re.compile(r"(?: (?:thanks|thank you|ta|cheers|then|please|mate|love|x+|dziekuje|dzieki|prosze))+$")
# A yes word that is not one when "not" follows it, and the other ways a no hides a yes word ("it is no").
_NEGATED = re.compile(
    r"^(?:(?:yes|yeah|ok|okay|sure|certainly|definitely|absolutely|of course|course|really|totally|obviously"
    r"|deffo|defo|most|actually|probably|right|hell|god|heck|oh|well|um|erm|sorry|err?)[ ,]+)+"
    r"(?:not|no|never|nope|nah)\b(?! (?:bad|wrong|a problem|problem|worries|doubt|bothered|mind)\b)"
    r"|^(?:not|never)\b(?! (?:bad|wrong|a problem|problem|bothered|mind)\b)"
    r"|\b(?:don't|dont|do not) think so\b|\bno way\b|\bno chance\b|\bnot (?:really|at all|likely|a chance)\b"
    r"|\b(?:is|isn't|isnt|it's|its|that's|thats|was|wasn't|wasnt) (?:not (?:right|correct|true|it)|wrong|no)\b"
    r"|\b(?:isn't|isnt|aint|ain't|wasn't|wasnt) (?:right|correct|true|it)\b|\b(?:a|an|it's a|its a) (?:no|nope)\b"
    r"|^(?:it|that) is no\b|^(?:it|that)s? no\b|\bno it (?:isn't|isnt|is not|wasn't)\b"
    r"|^(?:tak|jasne|oczywiscie|pewnie|absolutnie|zdecydowanie|wcale|raczej|na pewno|no|to)[ ,]+nie\b"
    r"|\b(?:w zadnym wypadku|nie ma mowy|za nic|absolutnie nie|wcale nie|raczej nie|na pewno nie)\b"
    r"|\boczywiscie ze nie\b|\bto nie jest (?:prawda|dobrze)\b|\bnie(?:,)? to nie\b"
)
# "Not bad", "you're not wrong", "no problem": said with a no, they mean yes.
_YES_DESPITE_NOT = re.compile(
    r"^(?:(?:oh|well|yeah|yes|ok|okay)[ ,]+)?(?:not bad|not wrong|(?:you're|youre|you are|your) not wrong"
    r"|no problem|no problems|no worries|no probs|no prob|not a problem|why not|no doubt|i don't see why not"
    r"|i dont see why not|don't see why not|dont see why not|i don't mind|i dont mind|don't mind|dont mind"
    r"|i wouldn't mind|i wouldnt mind|wouldn't mind|wouldnt mind|can't complain|cant complain|cant wait"
    r"|can't wait|nothing against it|no objection|no objections|not a bad idea"
    r"|czemu nie|dlaczego nie|nie ma problemu|nie ma sprawy|nie mam nic przeciwko|nie przeszkadza mi|no pewnie"
    r"|no jasne|no tak|no dobrze|no dobra|no ok|nie widze przeszkod)\b"
)
# Not now: neither yes nor no. Only "unsure" is kept, and the person hears they can answer later.
_LATER = re.compile(
    r"\b(?:not (?:right )?now|not yet|not today|not at the moment|not at this time|not just now|maybe later"
    r"|later maybe|perhaps later|possibly later|ask me later|ask again later|another time|some other time"
    r"|another day|later on|maybe another time|i'll let you know|ill let you know|i will let you know"
    r"|let you know later|let me think|need to think|need time to think|i'll think about it|ill think about it"
    r"|think about it|get back to you|need more time|not sure yet|after i talk to|once i've talked"
    r"|moze pozniej|nie teraz|jeszcze nie|pozniej|innym razem|w innym terminie|musze (?:sie )?(?:zastanowic|pomyslec)"
    r"|zastanowie sie|dam (?:znac|wam znac)|nie dzisiaj|nie dzis|odezwe sie|potrzebuje czasu|na razie nie)\b"
    r"|^later\b|^moze\b(?! (?:byc|tak)\b)|\b(?:not sure|unsure|don't know|dont know|no idea|nie wiem)\b"
    r"|\bnie jestem pewn\w*|\bniepewn\w*"
)
# "Ok" and "next" carry on the explanation.
NEXT_WORDS: tuple[str, ...] = (
    "ok",
    "okay",
    "k",
    "next",
    "go on",
    "carry on",
    "more",
    "continue",
    "right",
    "fine",
    "alright",
)
NEXT_WORDS += ("dalej", "dobrze", "rozumiem", "jasne", "wiecej", "prosze dalej", "ok dalej")
# Saying "got it" to the explanation: carry on (at a yes/no question these are yeses, read there first).
NEXT_WORDS += ("great", "perfect", "lovely", "brilliant", "cool", "nice", "good", "ace", "grand", "sweet", "sound")
NEXT_WORDS += ("kk", "okey", "okie", "oki", "ok then", "all good", "nice one", "got it", "understood", "i see")
NEXT_WORDS += ("super", "swietnie", "spoko", "dobra", "git", "w porzadku", "jasne dalej", "rozumiem dalej")
# Words that say what someone means to do about taking part, read anywhere in a reply.
TAKE_PART = (
    *("take part", "happy to", "do it", "sign me up", "count me in", "i'd like to", "id like to", "i would like to"),
    *("im in", "i'm in", "happy to help", "join in", "i agree", "i will do it", "ill do it", "i'll do it"),
    *("chce wziac udzial", "wezme udzial", "zgadzam sie", "chetnie", "chce porozmawiac", "biore udzial"),
)
REFUSAL = (
    r"\b(not|dont|don't|do not|never|won't|wont|rather not|no)\b[\w' ]{0,20}\btake part\b",
    r"\bnot interested\b",
    r"\bnot for me\b",
    r"\brather not\b",
    r"\bleave me alone\b",
    r"\b(dont|don't|do not) want (to do )?(this|it|that|any of (this|it))( any ?more)?\b",
    r"\b(dont|don't|do not) want to (take part|be part|talk to you|do this)\b",
    r"\bnie (chce|bede|wezme)\b[\w ]{0,20}\b(udzial\w*|uczestnicz\w*|rozmawiac)\b",
    r"\bnie chce (tego|w tym)\b",
    r"\bnie jestem zainteresowan\w*\b",
    r"\bnie dla mnie\b",
    r"\b(dajcie|dajcie mi|zostawcie mnie)\b.*\bspokoj\b",
    r"\brezygnuj\w*\b",
)
# "No wait", "no hang on": a pause before more, not an answer.
HESITATIONS = (
    *("wait", "hang on", "hold on", "one moment", "one minute", "just a minute", "just a sec"),
    *("czekaj", "zaczekaj", "poczekaj", "chwila", "chwileczke", "moment"),
)
# A polite no at a stage that asks for something else (a greeting, the explanation): a refusal there too.
POLITE_NO = ("no thank you", "no thanks", "no ta", "nie dziekuje", "nie, dziekuje", "dziekuje, nie")
# "No wait, I meant yes": the answer the person corrected to.
CORRECTION = (
    r"\b(i )?(meant|mean|said|say|wanted to say|want to say|chcialem powiedziec|chcialam powiedziec|chcialem"
    r"|chcialam|mialem na mysli|mialam na mysli|powiedzialem|powiedzialam)\b"
    r"[ ,]*(to )?(yes|no|tak|nie)\b"
)


def _starts(spoken: str, words: tuple[str, ...]) -> bool:
    """Whether the words begin with one of `words` (a whole word or phrase)."""
    return _leads(words).match(spoken) is not None


@cache
def _leads(words: tuple[str, ...]) -> re.Pattern[str]:
    # One pattern for the table, made once: a reading looks at a few tables of some dozens of words each.
    return re.compile(f"(?:{'|'.join(map(re.escape, words))})(?: |$)")


def leading(text: str, language: str) -> str | None:
    """ "yes" or "no" when the reply says one ("yeah go on", "nope not me", "absolutely not"), else None (and
    None for "not now": that is neither)."""
    found = said(text, language)
    return found if found in ("yes", "no") else None


def said(text: str, language: str) -> str | None:
    """ "yes", "no" or "later" ("yes but not now", "maybe later"), read in this order: a no that sounds like one
    but is not ("not bad", "no problem"); not now; a yes word under negation ("absolutely not", "it is no"); then
    the first words. None when the words say none of these."""
    spoken = normal(text)
    if not spoken:
        return None
    if _YES_DESPITE_NOT.search(spoken):
        return "yes"
    if _LATER.search(spoken):
        return "later"
    if _NEGATED.search(spoken):
        return "no"
    yes = YES_WORDS.get(language, ()) + YES_WORDS["en"]
    no = NO_WORDS.get(language, ()) + (NO_WORDS["en"] if language == "en" else NO_WORDS["en"][1:])
    whole = _TRAILING.sub("", spoken) or spoken
    if _starts(spoken, no) or _starts(spoken, NO_LEADS) or whole in NO_WHOLE:
        return "no"
    if _starts(spoken, yes) or _starts(spoken, YES_LEADS) or whole in YES_WHOLE:
        return "yes"
    return None


def carries_on(text: str) -> bool:
    spoken = normal(text)
    return spoken in NEXT_WORDS or (_starts(spoken, NEXT_WORDS) and len(spoken.split()) <= 3)


def wants_to_take_part(text: str) -> bool:
    spoken = f" {normal(text)} "
    return any(f" {phrase} " in spoken for phrase in TAKE_PART)


def refuses(text: str, polite: bool = False) -> bool:
    """A clear "I do not want to take part", in any words; with `polite`, "no thank you" counts too."""
    spoken = normal(text)
    if polite and _starts(spoken, POLITE_NO):
        return True
    return any(re.search(pattern, spoken) for pattern in REFUSAL)


def _either(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# "No wait", "nope hang on", "nie, czekaj" at the start of the words (read on every message, so built once).
PAUSE = re.compile(rf"(?:{_either((*NO_WORDS['en'], *NO_WORDS['pl']))})[\s,.!-]+(?:{_either(HESITATIONS)})\b[\s,.!-]*")


def _pause(text: str) -> re.Match[str] | None:
    return PAUSE.match(fold(text).strip())


def hesitates(text: str) -> bool:
    """A "no" that only asks for a moment: "no wait", "no hang on, I have a question"."""
    return _pause(text) is not None


def after_pause(text: str) -> str:
    """What the model should read: the words after a leading "no wait", since the pause pulls it towards a no ("no
    wait, how long is the talk?" is the question about how long); and of several sentences, the question and what
    follows it ("she wants to know more first. why her" is the question why her)."""
    from dialogue.questions import from_question  # imported here: questions reads words with this module

    found = _pause(text)
    rest = text.strip()[found.end() :] if found is not None else text
    rest = rest if rest.strip() else text
    return from_question(rest) or rest


def corrected(text: str) -> str | None:
    """The answer someone corrects to ("no wait, I meant no"), else None."""
    found = re.search(CORRECTION, normal(text))
    if found is None:
        return None
    return "yes" if found.group(4) in ("yes", "tak") else "no"


def negated(text: str) -> bool:
    """Whether the words say no with a yes word or a "not" in them ("absolutely not", "that isn't right")."""
    return said(text, "en") == "no" and _NEGATED.search(normal(text)) is not None
