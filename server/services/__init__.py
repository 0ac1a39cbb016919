"""Use cases, one module per noun: each function is one thing a person or staff member does, in one unit of work.

Channels and routes (server/rest/, server/pages/) translate HTTP and call one function here; these call
server/domain/, the only writer of records, and return plain values, plus what to send once the work is saved
(a `texts.Outgoing`, which the route hands to `texts.send_all`).
"""
