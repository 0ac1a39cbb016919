"""Messages in everyday words that suggest someone is at risk are all caught; ordinary questions are not."""

from __future__ import annotations

import pytest

from dialogue.safety import suggests_risk

AT_RISK = [
    "i want to die",
    "I dont want to be here any more",
    "i feel like ending it all tonight",
    "I'm going to kill myself",
    "thinking about suicide",
    "i have been cutting myself again",
    "i've taken too many tablets",
    "i took an overdose",
    "no point living anymore",
    "i cant go on like this",
    "I cant cope any more",
    "my carer hits me",
    "he hit me last night",
    "my son pushed me down the stairs",
    "someone is hurting me",
    "she slapped me",
    "my husband threatens to hurt me",
    "he takes my money and my bank card",
    "my daughter stole my pension",
    "they lock me in my room",
    "she wont let me eat",
    "they dont give me my tablets",
    "im scared of him",
    "I am frightened of my son",
    "i dont feel safe at home",
    "i am in danger",
    "I'm being abused",
    "the carer touched me and i didnt like it",
    "wish i was dead",
    "better off dead tbh",
    "I\u2019m scared he\u2019ll hurt me",
    "please help me now",
]

ORDINARY = [
    "can i stop at any time",
    "will my care stop if i say no",
    "what happens if i say no",
    "can my carer come with me",
    "i dont want to take part",
    "leave me alone",
    "stop",
    "is it safe to give you my details",
    "who will i talk to",
    "my carer is late again today",
    "i had substance abuse problems in the past",
    "will it hurt my care if I say no",
    "can you ring me in the morning",
    "i am a bit nervous about talking",
    "i'm scared of getting it wrong",
    "my mum has dementia, I'm helping her",
    "can we meet at my home",
    "I need a BSL interpreter",
    "yes please",
    "no thanks",
    "how will you use what i say",
    "my son will come with me",
    "i take a lot of tablets for my heart",
    "will you take my money",
    "can my daughter help me answer",
    "is this a scam",
    "I'm dying to know more",
    "end",
]


@pytest.mark.parametrize("message", AT_RISK)
def test_messages_suggesting_risk_are_caught(message: str) -> None:
    assert suggests_risk(message)


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_messages_are_not_treated_as_risk(message: str) -> None:
    assert not suggests_risk(message)
