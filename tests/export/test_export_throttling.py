"""Downloads back off when the service throttles and recover when it stops: the window of downloads in flight
halves on 429s and grows by one per window of successes (cvmigrate.export.imagestore.Window). The fake answers 429
with Retry-After to image reads beyond a number in flight, as the service does above its rate limit."""
from __future__ import annotations

import time

from cv_fake import DOMAINS, FakeProject, image, tag
from cv_projects import EMPTY_ID, img_id
from cvmigrate.export.imagestore import Window


def test_the_window_halves_on_429s_and_grows_back_one_per_window_of_successes():
    throttled = [0]
    window = Window(16, lambda: throttled[0])
    throttled[0] = 3
    window.after_completion()
    assert (window.size, window.smallest) == (8, 8)
    throttled[0] = 4
    window.after_completion()
    assert window.size == 4
    for _ in range(4):
        window.after_completion()
    assert window.size == 5                       # 4 successes at size 4 -> 5
    for _ in range(5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 40):
        window.after_completion()
    assert (window.size, window.smallest) == (16, 4)   # recovered to the ceiling, never above it


def test_an_export_under_throttling_backs_off_finishes_and_recovers(service, tmp_path):
    from cvmigrate.export import ExportOptions, run_export

    p = FakeProject(EMPTY_ID, "busy", DOMAINS["classification"], "Multiclass", [tag("t1", "one")])
    p.tagged = [image(service, p, img_id("ee", n), n, ({"id": "t1"},)) for n in range(300)]
    service.add(p)
    service.max_concurrent_blobs = 3
    service.throttle_retry_after = "1"
    service.blob_latency = 0.005                  # reads overlap, so more than 3 are in flight at once
    sleeps = []
    out = tmp_path / "out"
    result = run_export(ExportOptions(endpoint=service.endpoint, key=service.key, project="busy", out=out, split=0,
                                      concurrency=16, progress=False,
                                      sleep=lambda s: (sleeps.append(s), time.sleep(s / 20))))  # 1 s -> 50 ms
    assert result.train == 300 and len(list((out / "images").iterdir())) == 300
    assert result.throttled > 0 and set(sleeps) == {1.0}          # Retry-After honoured on every 429
    assert result.smallest_window < 16
    assert result.final_window > result.smallest_window           # grew back once the 429s stopped
