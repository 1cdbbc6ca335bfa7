"""``posecheck.dev bench``'s arithmetic and report, on timings made up for the test."""

from __future__ import annotations

from posecheck.dev.bench import BenchReport, ImageTiming, format_report


def _timing(name: str, detect: float, whole: float, floor: float) -> ImageTiming:
    return ImageTiming(
        name=name,
        width=720,
        height=1280,
        detect_ms=detect,
        wrap_detect_ms=detect + 1.0,
        file_ms=detect + 5.0,
        whole_ms=whole,
        decode_ms=3.0,
        model_ms=detect,
        floor_ms=floor,
    )


def test_the_floor_and_the_room_it_leaves_the_posture_work() -> None:
    report = BenchReport(
        model="full",
        repeats=3,
        model_load_ms=600.0,
        images=(
            _timing("a.jpg", detect=30.0, whole=40.0, floor=35.0),
            _timing("b.jpg", detect=20.0, whole=30.0, floor=27.0),
            _timing("c.jpg", detect=25.0, whole=32.0, floor=28.0),
        ),
        peak_rss_mb=400.0,
    )
    a = report.images[0]
    assert a.posture_ms == 5.0 and a.rest_ms == 7.0
    assert a.floor_ratio() == 35.0 / 30.0 and a.floor_ratio("file") == 1.0
    # medians of 35/30, 27/20, 28/25 and of 5, 3, 4 ms
    assert report.median_floor_ratio() == 35.0 / 30.0
    assert report.median_posture_ms() == 4.0
    # 1.2 x detect - floor: 1, -3 and 2 ms
    assert report.median_posture_room_ms(1.2) == 1.0
    assert report.to_dict()["images"][1]["posture_ms"] == 3.0
    text = format_report(report)
    assert "median posture work 4.0 ms, where whole / detect 1.2 would leave it 1.0 ms" in text
    assert "median ratio floor / (detect, wrap+detect, file): 1.17, 1.13, 1.00" in text
