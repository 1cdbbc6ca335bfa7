"""A batch on a Dask cluster started here (a scheduler and two one-thread worker processes on
127.0.0.1, no dashboard): the same outputs as one local process, in the order given, with the
model loaded once per worker, and nothing lost when a worker is killed mid-batch; the same for a
batch of photos and video clips (sent as bytes up to the cap, or as paths)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from posecheck.batch import (
    BatchInput,
    BatchItem,
    BatchOutput,
    BatchSettings,
    ClipItem,
    analyze_batch,
)
from posecheck.cli import EXIT_FAILED, expand_batch, main
from posecheck.errors import ErrorCode, InvalidImageError, PosecheckError
from posecheck.samples import sample_paths

pytestmark = pytest.mark.slow

SETTINGS = BatchSettings(model="full", view=None, annotate=None)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample renders and a broken file."""
    folder = tmp_path_factory.mktemp("photos")
    for path in sample_paths():
        shutil.copyfile(path, folder / path.name)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    return folder


@pytest.fixture(scope="module")
def items(folder: Path) -> list[str | InvalidImageError]:
    return [str(p) for p in sorted(folder.iterdir())]


@pytest.fixture(scope="module")
def serial(items: list[str | InvalidImageError]) -> list[BatchItem]:
    return list(analyze_batch(items, SETTINGS, jobs=1))


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip(
        "distributed", reason="the cluster extra is not installed: pip install 'posecheck[cluster]'"
    )
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,  # nothing listens beyond the scheduler and workers on 127.0.0.1
        worker_dashboard_address=None,
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    import distributed

    with distributed.Client(cluster.scheduler_address, set_as_default=False) as connected:
        yield connected


def _same(serial: list[BatchItem], other: list[BatchItem]) -> None:
    assert [i.result.name for i in other] == [i.result.name for i in serial]
    for one, two in zip(serial, other, strict=True):
        assert two.document == one.document  # the same numbers, landmark for landmark
        assert two.rows == one.rows
        assert two.text == one.text


def test_the_cluster_gives_what_one_process_gives_in_the_same_order(
    cluster: Any, client: Any, items: list[str | InvalidImageError], serial: list[BatchItem]
) -> None:
    import psutil  # comes with distributed

    from posecheck.cluster import analyze_on_cluster, analyzers_opened, close_analyzers

    pids = {os.getpid(), *client.run(os.getpid).values()}
    listening = [
        f"{pid} {c.laddr.ip}:{c.laddr.port}"
        for pid in pids
        for c in psutil.Process(pid).net_connections("tcp")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening and all(" 127.0.0.1:" in address for address in listening), listening
    remote = list(analyze_on_cluster(items, SETTINGS, cluster.scheduler_address))
    _same(serial, remote)
    assert [i.result.name for i in remote] == items
    broken = remote[items.index(next(i for i in items if str(i).endswith("broken.jpg")))]
    assert broken.document["error"]["code"] == ErrorCode.UNSUPPORTED_FORMAT
    assert all(i.result.image is None or i.result.image.rgb.nbytes == 3 for i in remote)
    # each worker (one thread) opened one analyzer and reused it for all its photos
    opened = client.run(analyzers_opened)
    assert sorted(opened.values()) == [1, 1], opened
    # the same again, the workers reading the paths themselves (a shared file system)
    _same(serial, list(analyze_on_cluster(items, SETTINGS, cluster.scheduler_address,
                                          send_paths=True)))  # fmt: skip
    assert sorted(client.run(analyzers_opened).values()) == [1, 1]
    client.run(close_analyzers)  # freed models load again at the next photo, once
    list(analyze_on_cluster(items[:4], SETTINGS, cluster.scheduler_address))
    assert sum(client.run(analyzers_opened).values()) in (3, 4)  # a worker may get none


def test_missing_and_folder_items_fail_as_they_do_locally(
    cluster: Any, folder: Path, tmp_path: Path
) -> None:
    from posecheck.cluster import analyze_on_cluster

    unreadable: InvalidImageError = InvalidImageError(
        "Cannot read the folder.", code=ErrorCode.UNREADABLE, extra={"name": "locked"}
    )
    items: list[str | InvalidImageError] = [str(tmp_path / "gone.jpg"), str(folder), unreadable]
    local = list(analyze_batch(items, SETTINGS, jobs=1))
    remote = list(analyze_on_cluster(items, SETTINGS, cluster.scheduler_address))
    _same(local, remote)
    codes = [i.document["error"]["code"] for i in remote]
    assert codes == [ErrorCode.NOT_FOUND, ErrorCode.NOT_A_FILE, ErrorCode.UNREADABLE]


def test_a_killed_worker_loses_nothing(
    cluster: Any,
    client: Any,
    items: list[str | InvalidImageError],
    serial: list[BatchItem],
    tmp_path: Path,
) -> None:
    from posecheck.cluster import analyze_on_cluster

    annotated = tmp_path / "annotated"
    settings = BatchSettings(model="full", view=None, annotate=annotated)
    pids = client.run(os.getpid)
    twice = items * 2  # all of them out at once: the killed worker surely holds some
    batch = analyze_on_cluster(twice, settings, cluster.scheduler_address, in_flight=len(twice))
    first = next(batch)
    # a worker holding photos (running or queued on it) dies without a word
    busy = {w: keys for w, keys in client.processing().items() if keys}
    assert busy, "no photo was out when the worker was killed: the test proves nothing"
    victim = max(busy, key=lambda w: len(busy[w]))
    os.kill(pids[victim], signal.SIGKILL)
    rest = list(batch)
    done = [first, *rest]
    _same(serial * 2, done)  # every photo exactly once, in order, with the same outputs
    assert pids[victim] not in client.run(os.getpid).values()  # it really died
    # each analysed photo's picture written once, by this process, from the worker's drawing
    stems = [Path(i.result.name).stem for i in serial if i.result.ok]
    pictures = sorted(p.name for p in annotated.iterdir())
    assert pictures == sorted([f"{s}.pose.jpg" for s in stems] + [f"{s}.pose-2.jpg" for s in stems])


def test_a_photo_whose_task_fails_becomes_its_failure() -> None:
    from posecheck.cluster import _collect

    class Failing:
        released = False

        def result(self) -> Any:
            raise RuntimeError("the worker ran out of memory")

        def release(self) -> None:
            self.released = True

    future = Failing()
    item = _collect(future, "a.jpg", SETTINGS)
    assert not item.result.ok and item.result.name == "a.jpg"
    assert item.document["error"]["code"] == ErrorCode.ERROR
    assert "ran out of memory" in item.document["error"]["message"]
    assert future.released


def test_the_cli_runs_on_the_cluster_and_resumes(
    cluster: Any,
    folder: Path,
    serial: list[BatchItem],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    resume = tmp_path / "results.jsonl"
    args = ["analyze", str(folder), "--cluster", cluster.scheduler_address, "--json"]
    status = main([*args, "--resume", str(resume), "--csv", str(tmp_path / "rows.csv")])
    stdout, stderr = capsys.readouterr()
    assert status == EXIT_FAILED  # the broken file fails; the others are all there
    document = json.loads(stdout)
    assert document["results"] == [i.document for i in serial]
    assert f"[{len(serial)}/{len(serial)}]" in stderr  # progress on stderr, as with --jobs
    assert len(resume.read_text(encoding="utf-8").splitlines()) == len(serial)
    # a re-run takes every analysed photo from the file: only the broken one goes out again
    status = main([*args, "--resume", str(resume)])
    again = json.loads(capsys.readouterr().out)
    assert status == EXIT_FAILED and again == document
    assert len(resume.read_text(encoding="utf-8").splitlines()) == len(serial) + 1
    # the workers opening the paths themselves (this machine's folder is every worker's)
    assert main([*args, "--shared-folder"]) == EXIT_FAILED
    assert json.loads(capsys.readouterr().out) == document


def test_importing_posecheck_does_not_import_dask() -> None:
    code = (
        "import sys, posecheck, posecheck.cli, posecheck.cluster; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_without_dask_the_cluster_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from posecheck.cluster import analyze_on_cluster

    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    with pytest.raises(PosecheckError, match=r"pip install 'posecheck\[cluster\]'"):
        analyze_on_cluster(["a.jpg"], SETTINGS, "tcp://127.0.0.1:8786")


def test_the_paper_estimate() -> None:
    from posecheck.dev.cluster_bench import ESTIMATE_PHOTOS, estimate, link_hours

    assert ESTIMATE_PHOTOS == 100_000
    # 8 cores at 80 ms a photo: 100 photos a second, 1,000 s for the lot; 4 machines: 250 s
    rows = estimate(0.08, [1, 4], cores=8)
    assert rows[2] == "| 1 | 100 | 0.28 h (17 min) |"
    assert rows[3] == "| 4 | 400 | 0.07 h (4 min) |"
    assert link_hours(4.212e6, bytes_per_second=117e6) == pytest.approx(1.0)


def test_a_bounded_number_of_photos_is_out_and_retries_are_asked_for(tmp_path: Path) -> None:
    """With a stand-in client: never more than the window out at once, each task asks Dask for
    retries, and photos still out when the caller stops are cancelled."""
    from posecheck.batch import failed_item
    from posecheck.cluster import _window

    class Future:
        def __init__(self, client: Client, item: str) -> None:
            self.client, self.item = client, item

        def result(self) -> tuple[BatchItem, None]:
            return failed_item(self.item, "full", PosecheckError("stand-in")), None

        def release(self) -> None:
            self.client.out -= 1

    class Client:
        def __init__(self) -> None:
            self.out = self.most = 0
            self.retries: set[int] = set()
            self.cancelled: list[Future] = []

        def submit(self, function: Any, photo: Any, settings: Any, **options: Any) -> Future:
            self.out += 1
            self.most = max(self.most, self.out)
            self.retries.add(options["retries"])
            return Future(self, photo.item)

        def cancel(self, futures: list[Future]) -> None:
            self.cancelled += futures

    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"not looked at")
    items: list[str | InvalidImageError] = [str(photo)] * 20
    client = Client()
    done = list(_window(client, items, SETTINGS, 3, False, 2))
    assert len(done) == 20 and client.most == 3 and client.retries == {2}
    client = Client()
    batch = _window(client, items, SETTINGS, 3, False, 2)
    next(batch)
    batch.close()  # the caller stops early: the photos out are cancelled
    assert len(client.cancelled) == 2


# --- video clips in the batch ---------------------------------------------------------------------

#: Clips with the light model and an exercise to count (photos too, with the same model).
CLIPS_SETTINGS = BatchSettings(model="lite", view=None, annotate=None, exercise="heel_raises")
CLIPS = Path(__file__).resolve().parent / "data" / "clips"


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A photo, two committed rendered clips and a broken clip (the head of a real MP4)."""
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copyfile(sample_paths()[0], folder / "a_photo.jpg")
    shutil.copyfile(CLIPS / "heel_raises_side.mp4", folder / "b_raises.mp4")  # 217 kB
    (folder / "c_broken.mp4").write_bytes((CLIPS / "stance_still_front.mp4").read_bytes()[:4000])
    shutil.copyfile(CLIPS / "stance_still_front.mp4", folder / "d_still.mp4")  # 80 kB
    return folder


@pytest.fixture(scope="module")
def mixed(mixed_folder: Path) -> list[BatchInput]:
    return expand_batch([str(mixed_folder)])


@pytest.fixture(scope="module")
def mixed_serial(mixed: list[BatchInput]) -> list[BatchOutput]:
    return list(analyze_batch(mixed, CLIPS_SETTINGS, jobs=1))


def _same_outputs(serial: list[BatchOutput], other: list[BatchOutput]) -> None:
    """Photos and clips alike: the same kinds, documents and texts, in the same order."""
    assert [type(i) for i in other] == [type(i) for i in serial]
    for one, two in zip(serial, other, strict=True):
        assert two.document == one.document
        assert two.text == one.text


def test_clips_on_the_cluster_give_what_one_process_gives(
    cluster: Any,
    mixed: list[BatchInput],
    mixed_serial: list[BatchOutput],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import posecheck.cluster
    from posecheck.cluster import analyze_on_cluster

    kinds = [i.document["error"]["code"] if i.document["error"] else "ok" for i in mixed_serial]
    assert kinds == ["ok", "ok", ErrorCode.CORRUPT_VIDEO, "ok"]
    raises = mixed_serial[1]
    assert isinstance(raises, ClipItem) and raises.document["exercise"]["total_count"] == 4
    address = cluster.scheduler_address
    _same_outputs(mixed_serial, list(analyze_on_cluster(mixed, CLIPS_SETTINGS, address)))
    _same_outputs(
        mixed_serial, list(analyze_on_cluster(mixed, CLIPS_SETTINGS, address, send_paths=True))
    )
    # past the cap, a clip is not sent: its own error says to use a shared folder
    monkeypatch.setattr(posecheck.cluster, "MAX_CLIP_BYTES", 200_000)
    capped = list(analyze_on_cluster(mixed, CLIPS_SETTINGS, address))
    error = capped[1].document["error"]
    assert error["code"] == ErrorCode.VIDEO_TOO_LARGE and "--shared-folder" in error["message"]
    _same_outputs(mixed_serial[2:], capped[2:])
    _same_outputs(mixed_serial[:1], capped[:1])
    shared = list(analyze_on_cluster(mixed, CLIPS_SETTINGS, address, send_paths=True))
    _same_outputs(mixed_serial, shared)


def test_a_worker_killed_mid_clip_loses_nothing(
    cluster: Any, client: Any, mixed: list[BatchInput], mixed_serial: list[BatchOutput]
) -> None:
    from posecheck.cluster import analyze_on_cluster

    pids = client.run(os.getpid)
    twice = mixed * 2
    batch = analyze_on_cluster(
        twice, CLIPS_SETTINGS, cluster.scheduler_address, in_flight=len(twice)
    )
    first = next(batch)
    # a worker at a clip (running it or holding it queued) dies without a word
    busy = {
        worker: keys
        for worker, keys in client.processing().items()
        if any(str(key).startswith("posecheck-video-") for key in keys)
    }
    assert busy, "no clip was out when the worker was killed: the test proves nothing"
    victim = next(iter(busy))
    os.kill(pids[victim], signal.SIGKILL)
    rest = list(batch)
    _same_outputs(mixed_serial * 2, [first, *rest])  # every clip once, unchanged, in order
    assert pids[victim] not in client.run(os.getpid).values()  # it really died


def test_the_cli_runs_clips_on_the_cluster_and_resumes(
    cluster: Any,
    mixed_folder: Path,
    mixed_serial: list[BatchOutput],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    resume = tmp_path / "results.jsonl"
    args = ["analyze", str(mixed_folder), "--cluster", cluster.scheduler_address, "--json",
            "--model", "lite", "--exercise", "heel_raises", "--resume", str(resume)]  # fmt: skip
    assert main(args) == EXIT_FAILED  # the broken clip; the others are all there
    stdout, stderr = capsys.readouterr()
    document = json.loads(stdout)
    assert document["results"] == [i.document for i in mixed_serial if isinstance(i, BatchItem)]
    assert document["videos"] == [i.document for i in mixed_serial if isinstance(i, ClipItem)]
    assert "[4/4]" in stderr
    lines = [json.loads(line) for line in resume.read_text(encoding="utf-8").splitlines()]
    assert [("photo" in line, "video" in line) for line in lines] == [
        (True, False), (False, True), (False, True), (False, True),
    ]  # fmt: skip
    # a re-run takes the photo and both clips from the file: only the broken clip goes out again
    assert main(args) == EXIT_FAILED
    assert json.loads(capsys.readouterr().out) == document
    again = resume.read_text(encoding="utf-8").splitlines()
    assert len(again) == 5 and json.loads(again[-1])["video"].endswith("c_broken.mp4")
