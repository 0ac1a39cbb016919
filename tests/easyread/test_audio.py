"""The audio cache on its own: prompts rendered once, and prompts nobody uses any more deleted."""

from __future__ import annotations

import os
import time
from pathlib import Path

from easyread.audio import AudioCache, duration_seconds, rendered_count

OLD = "Thank you for talking with us. Goodbye."
NEW = "Press 9 to hear this again. Press 0 to talk to a person."


def test_prompts_not_used_for_a_while_are_deleted_and_made_again_when_needed(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path, "gmw/en", 140)
    ids = cache.render([OLD, NEW])
    assert set(ids) == {OLD, NEW}
    month_ago = time.time() - 31 * 86_400
    for path in (cache.wav(ids[OLD]), tmp_path / f"{ids[OLD]}.txt", cache.wav(ids[NEW])):
        os.utime(path, (month_ago, month_ago))
    (tmp_path / "left.wav.123.tmp").write_bytes(b"")
    os.utime(tmp_path / "left.wav.123.tmp", (month_ago, month_ago))

    assert cache.prune(30 * 86_400) == 1
    assert not cache.ready(ids[OLD]) and cache.text_of(ids[OLD]) is None
    # Its words were used lately, so NEW stays, however old its audio file is.
    assert cache.ready(ids[NEW])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{ids[NEW]}.wav", f"{ids[NEW]}.txt"])

    before = rendered_count()
    again = cache.render([OLD, NEW])
    assert again == ids and rendered_count() == before + 1
    assert duration_seconds(cache.wav(ids[OLD])) > 1
