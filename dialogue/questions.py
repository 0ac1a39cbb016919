"""Whether a message is shaped like a question, with or without "?": most people who text leave the "?" out.

A question starts (after a "so", "ok" or "sorry") with a question word ("why do you need my name"), or with an
auxiliary before its subject ("can my advocate be there", "is this a scam", "do I have to"); in Polish with "czy",
"dlaczego", "po co", "jak", "kiedy", "kto", "gdzie", "co", "ile" and the like. Not questions: an auxiliary with no
subject after it ("will do", "would love to", "do it"), a question word that opens a clause ("when I am at work",
"jak najbardziej", "co tydzień"), and, where we ask how someone would like to meet, a request ("can you ring me",
"could I have an interpreter", "how about Tuesday"): that is their answer.
"""

from __future__ import annotations

import re

from dialogue.answers import normal

# Question words that are a question whatever follows ("why", "what if", "how come").
_ALWAYS = r"why|whys|how come|what if|whose|whom|wot|wat|wut"
# Question words that open a clause when a subject follows them ("when I'm at work", "what I said").
_WH = r"what|whats|what's|how|hows|how's|when|whens|who|whos|who's|where|wheres|where's|which"
_CLAUSE_SUBJECT = r"i|im|i'm|i've|ive|i'd|she|he|we|they|my|our|his|her|it's|its|you like|you want|suits"
# Auxiliaries that make a question when a subject comes straight after them.
_AUX = (
    r"can|could|will|would|should|shall|may|might|must|did|does|do|is|are|am|was|were|have|has|had|isn't|isnt"
    r"|aren't|arent|don't|dont|doesn't|doesnt|didn't|didnt|can't|cant|won't|wont|wouldn't|wouldnt|shouldn't"
    r"|shouldnt|couldn't|couldnt"
)
_SUBJECT = (
    r"i|you|u|ya|ye|we|they|he|she|it|this|that|there|these|those|my|your|ur|our|their|his|her|the|someone"
    r"|somebody|anyone|anybody|everyone|people|me|a|an|any|its|it's|that's|thats"
)
# A subject that does not make a question after this auxiliary: "do it" and "have a nice day" are not questions.
_NOT_AFTER = {"do": {"it", "a", "an", "that", "this", "me", "any"}, "have": {"a", "an", "it", "that", "this", "any"}}
_NOT_AFTER["does"] = {"me"}
# Words that come before a question and change nothing: "so why", "ok but what", "sorry, who are you".
_FILLER = (
    r"so|but|and|ok|okay|oh|sorry|um|umm|erm|hmm|hm|hi|hello|hey|well|also|just|right|then|excuse me|a|ale|to"
    r"|no|nope|nah|nie|halo|hej|przepraszam|dobrze|witam|dzien dobry|ok ale|and also|one more thing"
    r"|quick question|question"
)
_TELL_ME = (
    r"tell me|i want to know|i'd like to know|id like to know|i would like to know|i wonder|i was wondering"
    r"|just wondering|wondering|can i ask|could i ask|may i ask|i need to know|explain|i don't understand"
    r"|i dont understand|chce wiedziec|chcialbym wiedziec|chcialabym wiedziec|prosze wyjasnic|wyjasnij|nie rozumiem"
    r"|powiedz mi|powiedzcie mi|ciekawi mnie|zastanawiam sie"
)
# Polish: a question word; "czy" always asks.
_PL = (
    r"czy|dlaczego|czemu|po co|jak|jaki|jaka|jakie|jakiego|jakim|jakiej|kiedy|kto|kogo|komu|kim|gdzie|co|ile"
    r"|ilu|skad|dokad|ktory|ktora|ktore|ktorego|czyj|czyja|czyje|a jesli|a jezeli|co jesli|co jezeli|co gdy"
    r"|co gdyby|mozna|mozecie|moze pan|moze pani|musze|musimy|czemuz"
)
# Polish question words that open an answer instead: "jak najbardziej" (yes), "co tydzień" (every week),
# "kiedy chcecie" (whenever you like), "czemu nie" (why not: yes), "musze pomyslec" (I need to think).
_PL_NOT = (
    r"jak najbardziej|jak najszybciej|jak najwczesniej|jak najpozniej|jak chcecie|jak chcesz|jak wam pasuje"
    r"|jak wolicie|kiedy chcecie|kiedy chcesz|kiedy wam pasuje|kiedy wolicie|kiedykolwiek|co tydzien|co drugi"
    r"|co miesiac|co \w+ tydzien|czemu nie|dlaczego nie|musze (?:sie )?(?:pomyslec|zastanowic)|co do"
)
# A question word after a preposition: "for how long", "at what time", "o której", "z kim", "na jaki numer".
_PREPOSITION = (
    r"(?:for|at|in|to|from|with|by|on|about) (?:what|which|who|whom|how|when|where)"
    r"|(?:o|do|na|w|z|ze|od|przez|po|za|dla|u) (?:ktorej|ktorym|ktora|ktore|ktory|jaki|jakim|jakiej|jaka|jakie|kim"
    r"|czym|kogo|kiedy|ile|jak dlugo|co)"
)
_ASKS = re.compile(
    rf"^(?:(?:{_FILLER})[ ,]+){{0,3}}(?:"
    rf"(?:{_ALWAYS})\b"
    rf"|(?:{_WH})\b(?! (?:{_CLAUSE_SUBJECT})\b)"
    rf"|(?P<aux>{_AUX}) (?P<subject>{_SUBJECT})\b"
    rf"|(?:{_TELL_ME})\b"
    rf"|(?:{_PREPOSITION})\b"
    rf"|(?!(?:{_PL_NOT})\b)(?:{_PL})\b"
    r")"
)
# "Why not" alone is a yes; "what" or "pardon" alone asks to hear it again, not a question about case tracking.
_NOT_A_QUESTION = re.compile(r"^(?:(?:oh|well|ok|okay|so)[ ,]+)?(?:why not|what|wat|eh|pardon|sorry what|co)$")
# A request where we ask how someone would like to meet: "can you ring me", "could I have an interpreter",
# "would it be ok to meet on Tuesday", "how about mornings", "czy może przyjść ktoś...". Its choice is the answer.
_REQUEST = re.compile(
    r"^(?:(?:so|ok|okay|well|then|um|erm|a|to)[ ,]+)*(?:"
    r"(?:can|could|would|will|may) (?:you|u|ya|i|we|someone|somebody|it|they|the meeting)\b"
    r"|(?:how|what) about\b|how's about|hows about"
    r"|(?:czy )?(?:mozecie|mozna|moge|mozemy|moze pan|moze pani|dacie rade)\b"
    r"|(?:a |czy )?(?:moze|co powiecie na)\b"
    r")"
)


def asks(text: str) -> bool:
    """Whether the words are shaped like a question, "?" or not (see the module's docstring), in any of their
    sentences ("no wait, she wants to know more. why her"). A "?" alone does not make one: "no?" and "Monday?"
    are answers, and the model reads what the words leave open."""
    return any(_asks(sentence) for sentence in re.split(r"[.!?;\n]+", text) if sentence.strip())


def from_question(text: str) -> str | None:
    """Of several sentences, the first shaped like a question and what follows it; None for one sentence, or none
    shaped like a question."""
    sentences = [s for s in re.split(r"(?<=[.!?;\n])", text) if s.strip()]
    if len(sentences) < 2:
        return None
    for index, sentence in enumerate(sentences):
        if _asks(sentence.strip(" .!?;\n")):
            return "".join(sentences[index:]).strip() if index else None
    return None


def _asks(text: str) -> bool:
    spoken = normal(text)
    if not spoken:
        return False
    if _NOT_A_QUESTION.match(spoken):
        return False
    found = _ASKS.match(spoken)
    if found is None:
        return False
    aux, subject = found.group("aux"), found.group("subject")
    return not (aux and subject in _NOT_AFTER.get(aux, set()))


def requests(text: str) -> bool:
    """Whether a question-shaped message asks for something ("can you ring me"): at a preference, its answer."""
    return any(_REQUEST.match(normal(s)) for s in re.split(r"[.!?;\n]+", text) if s.strip())
