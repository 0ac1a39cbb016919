"""The domain: the only writer of records. Channels, actions and the staff API all call it."""
