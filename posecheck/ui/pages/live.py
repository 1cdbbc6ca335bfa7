"""The Live page: the webcam, analysed on this machine: the stance check and the exercise coach.

The video goes through streamlit-webrtc to a processor on this machine (``posecheck.ui.live``),
which draws the skeleton, the key angle and short cues on each frame; the page reads what the
processor shares (a ``LiveBoard``) twice a second. Where WebRTC cannot connect, a snapshot from
the camera goes through the photo path instead.

A page script: Streamlit runs it; nothing imports it.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from typing import Any

import cv2
import streamlit as st
from streamlit_webrtc import Translations, WebRtcMode, WebRtcStreamerContext, webrtc_streamer

from posecheck import (
    CLINICIAN_NOTE,
    COACHED_IDS,
    DISCLAIMER,
    FOOT_CARE_IDS,
    MEASURES_BY_NAME,
    Analysis,
    CameraRoll,
    Coach,
    CoachPhase,
    CoachState,
    CueKind,
    LiveFrame,
    MeasureName,
    PosecheckError,
    Side,
    StancePhase,
    StanceResult,
    Status,
    Unit,
    beside_the_count,
    body_map,
    live_pdf_report,
    next_in_routine,
    printable_name,
    roll_known,
    sample_clip_paths,
    side_amount_words,
    summary_to_dict,
    why_no_stance,
)
from posecheck.ui import LIVE_CHOICE
from posecheck.ui.analyses import analyse, cap_note
from posecheck.ui.browser import camera_blocked, on_another_device
from posecheck.ui.clips import CLIP_TYPES, MAX_CLIP_MB, MAX_CLIP_SECONDS, ClipResult, analyse_clip
from posecheck.ui.exercise_card import exercise_card
from posecheck.ui.history import offer_to_save_session
from posecheck.ui.live import (
    BoardView,
    EndedSet,
    LiveBoard,
    load_live_model,
    processor_factory,
)
from posecheck.ui.results import reading, show_assessment, show_photo
from posecheck.ui.text import plain
from posecheck.ui.voice import voice_box

BOARD_KEY = "posecheck_live_board"
#: The recorded clip's progress bar moves at most this often (seconds).
PROGRESS_EVERY_S = 0.25
#: Set while the sample clip is chosen (until a clip is uploaded).
SAMPLE_CLIP_KEY = "posecheck_live_sample_clip"
#: Where this session keeps its one recorded clip's result (what it was made from, the result).
CLIP_KEY = "posecheck_live_clip"
STANCE = "stance"
#: How often the page reads the board while the camera runs (seconds).
REFRESH_S = 0.5
#: Signalling this long without video: WebRTC cannot connect here.
CONNECT_TIMEOUT_S = 15.0
STANCE_CAMERA = (
    "Camera at hip height, 2-3 m away, facing you or side-on, your whole body and feet in view. "
    "Stand still for a few seconds."
)
#: What the player says when the camera cannot be used (streamlit-webrtc's translations).
CAMERA_MESSAGES = Translations(
    start="Start",
    stop="Stop",
    select_device="Choose a camera",
    device_ask_permission="Please allow this page to use your camera.",
    device_access_denied=(
        "The camera is blocked for this page. Allow it (the camera icon in the address bar), "
        "then press Start again — or upload photos on the Check page"
    ),
    device_not_available=(
        "No camera found, or another program is using it. Connect one or close the other "
        "program, then press Start again — or upload photos on the Check page"
    ),
    media_api_not_available=(
        "This browser cannot share a camera with this page: it needs a secure address. Open "
        "posecheck at http://localhost:8501 on this computer, or upload photos on the Check page"
    ),
)
_CUE_ICON = {
    CueKind.SETUP: ":material/photo_camera:",
    CueKind.FORM: ":orange[:material/priority_high:]",
    CueKind.PROGRESS: ":green[:material/trending_up:]",
    CueKind.LIMIT: ":gray[:material/visibility_off:]",
}
#: The coach's phase in words, under its progress bar.
COACH_WORDS = {
    CoachPhase.SETUP: "Getting ready: follow the advice below",
    CoachPhase.CALIBRATING: "Hold still a moment: learning your starting position",
    CoachPhase.ACTIVE: "Following your exercise",
    CoachPhase.DONE: "Dose done: well done",
}
_STANCE_WORDS = {
    StancePhase.NO_PERSON: "Step back until your whole body and feet are in view",
    StancePhase.NOT_STANDING: "Stand up straight",
    StancePhase.MOVING: "Stand still",
    StancePhase.STILL: "Holding still: measuring",
    StancePhase.OTHERS_IN_VIEW: (
        "Someone else is in view (a person, a mirror's reflection or a poster of one): waiting "
        "until you are alone in the picture"
    ),
}


def board() -> LiveBoard:
    """This browser session's board (made on first use; never shared with another session)."""
    found = st.session_state.get(BOARD_KEY)
    if not isinstance(found, LiveBoard):
        found = LiveBoard()
        st.session_state[BOARD_KEY] = found
    return found


@st.cache_data
def exercise_names() -> dict[str, str]:
    """Every choice (the stance check, then the coached exercises) and its name."""
    return {STANCE: "Stance check", **{i: Coach(i).name for i in COACHED_IDS}}


def chosen() -> str | None:
    choice = st.session_state.get(LIVE_CHOICE, STANCE)
    return None if choice == STANCE else str(choice)


def first_side() -> Side:
    return Side(st.session_state.get("live-side", Side.RIGHT.value))


def _apply_side() -> None:
    """The first side changed: a running camera starts the exercise again on it (a new exercise
    reaches the camera through ``follow`` in ``render``)."""
    board().choose(chosen(), first_side())


def _restart() -> None:
    board().restart()


def _check_stance() -> None:
    """The stance check, afresh (the set so far goes to the summary)."""
    st.session_state[LIVE_CHOICE] = STANCE
    board().choose(None)


def chooser() -> None:
    names = exercise_names()
    st.selectbox(
        "What do you want to do?",
        list(names),
        format_func=names.__getitem__,
        key=LIVE_CHOICE,
    )
    exercise = chosen()
    if exercise is None:
        st.info(f"**Where to put the camera:** {STANCE_CAMERA}", icon=":material/videocam:")
        return
    coach = Coach(exercise)
    summary = coach.summary()
    st.info(
        f"**Where to put the camera:** {summary.camera}  \n**Dose:** {summary.dose}",
        icon=":material/videocam:",
    )
    if summary.cannot_see:
        st.caption(summary.cannot_see)
    if coach.exercise is not None:  # the posture hold is the coach's own, not the catalogue's
        with st.expander("How to do it, step by step", icon=":material/help:"):
            st.write(coach.exercise.summary)
            exercise_card(coach.exercise, live_line=False)
    if coach.dose.per_side:
        st.radio(
            "Start with",
            [Side.RIGHT.value, Side.LEFT.value],
            format_func=lambda side: f"{side} side",
            key="live-side",
            horizontal=True,
            on_change=_apply_side,
        )


#: No STUN or TURN server: an empty list (an empty dict would let the library add outside ones).
RTC_CONFIGURATION: dict[str, Any] = {"iceServers": []}


def camera(live: LiveBoard) -> WebRtcStreamerContext[Any, Any]:
    return webrtc_streamer(
        key="live-camera",
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=RTC_CONFIGURATION,
        media_stream_constraints={
            "video": {
                "width": {"ideal": 640},
                "height": {"ideal": 480},
                "frameRate": {"ideal": 15},
            },
            "audio": False,
        },
        video_processor_factory=processor_factory(
            live, exercise=chosen(), first_side=first_side(), mirror=mirror()
        ),
        async_processing=True,
        sendback_audio=False,
        translations=CAMERA_MESSAGES,
        video_html_attrs={
            "autoPlay": True,
            "controls": False,
            "muted": True,
            "playsInline": True,
            "style": {"width": "100%"},
        },
    )


def mirror() -> bool:
    return bool(st.session_state.get("live-mirror", True))


def _cues(frame: LiveFrame) -> None:
    # with the coach, its count or time is on show above
    cues = frame.cues if frame.coach is None else beside_the_count(frame.cues)
    for cue in cues[:4]:
        st.markdown(f"{_CUE_ICON.get(cue.kind, '')} {cue.text}")


def _coach_status(coach: CoachState) -> None:
    current = coach.current
    side = f" — {coach.side.value} side" if coach.side is not None else ""
    st.subheader(f"{coach.name}{side}")
    left, right = st.columns(2)
    if current.target_count is not None:
        under_way = current.set_count
        if under_way is None:
            left.metric("Count", current.count_words)
        else:  # the set in the label: the number stays short enough for a phone
            label = f"Count, set {under_way.number} of {under_way.sets}"
            left.metric(label, f"{under_way.count} of {under_way.per_set}")
    if current.target_ms is not None:
        left.metric("Time", f"{current.time_ms / 1000:.0f} of {current.target_ms / 1000:.0f} s")
    if coach.hold_ms > 0:
        right.metric("Holding", f"{coach.hold_ms / 1000:.1f} s")
    st.progress(current.fraction, text=COACH_WORDS[coach.phase])
    if coach.phase is CoachPhase.DONE:
        _next_in_routine(coach.exercise_id)


def _next_in_routine(done: str) -> None:
    """After an exercise of the foot routine, the next one: where its camera goes, and a button
    that starts it while the camera keeps running (the set just done goes to the summaries)."""
    following = next_in_routine(done)
    if following is None:
        if done in FOOT_CARE_IDS:
            st.success(
                f"That was the last of the {len(FOOT_CARE_IDS)} foot exercises: the routine is "
                "done.",
                icon=":material/celebration:",
            )
        return
    coach = Coach(following)
    position = FOOT_CARE_IDS.index(following) + 1
    st.info(
        f"**Next in the foot routine ({position} of {len(FOOT_CARE_IDS)}): {coach.name}.** "
        f"Where to put the camera: {coach.summary().camera}",
        icon=":material/skip_next:",
    )
    if st.button(
        f"Next: {coach.name}",
        icon=":material/skip_next:",
        key="live-next",
        on_click=_start_next,
        args=(following,),
    ):
        st.rerun()  # the whole page: the chooser above shows the new exercise


def _start_next(exercise: str) -> None:
    st.session_state[LIVE_CHOICE] = exercise
    board().choose(exercise, first_side())


#: The stance table's status of a measure with no mean; why is said under the table.
NOT_MEASURED_STATUS = "see why under the table"


def stance_rows(result: StanceResult) -> list[dict[str, object]]:
    """The stance table: each mean with its error band and its spread over the frames, and its
    status in the photo report's words (a held or experimental reading says it is not judged)."""
    rows: list[dict[str, object]] = []
    for measure in result.measures.values():
        if measure.value is None:
            rows.append(
                {
                    "measure": MEASURES_BY_NAME[measure.name].label,
                    "mean ± error (spread)": "not measured",
                    "status": NOT_MEASURED_STATUS,
                }
            )
            continue
        digits = 2 if measure.unit is Unit.RATIO else 1
        band = f" ± {measure.error:.{digits}f}" if measure.error else ""
        spread = f" (sd {measure.spread:.{digits}f})" if measure.spread is not None else ""
        status = measure.status_words
        rows.append(
            {
                "measure": MEASURES_BY_NAME[measure.name].label,
                "mean ± error (spread)": reading(measure.value, measure.unit, band + spread),
                "status": status,
            }
        )
    return rows


def _stance_table(result: StanceResult) -> None:
    st.table(stance_rows(result))
    for note in result.notes():
        st.caption(note)


def _stance_status(frame: LiveFrame) -> None:
    stance = frame.stance
    st.subheader("Stance check")
    st.progress(stance.progress, text=_STANCE_WORDS[stance.phase])
    if stance.result is not None:
        result = stance.result
        st.caption(
            f"Averaged over {result.frames} still frames ({result.duration_ms / 1000:.1f} s, "
            f"{result.view.value} view). {level_words(frame.roll)}"
        )
        st.image(
            stance_map(result),
            caption="Body map of the averaged stance (your left on the picture's right); the "
            "table says each measure in words",
            width="stretch",
        )
        _stance_table(result)


@dataclass(frozen=True)
class _Read:
    """All the body map needs of a stance measure: which, whether it has a value, its status."""

    name: MeasureName
    value: float | None
    status: Status


def stance_map(result: StanceResult) -> bytes:
    """The body map of a stance result as PNG bytes: the same bytes while no region changes (the
    page asks twice a second; drawing and encoding the map each time would take from the live
    analysis, and the browser reloads an image only when its bytes change)."""
    key = tuple(
        (m.name.value, m.value is not None, m.status.value) for m in result.measures.values()
    )
    return _map_png(key)


@functools.lru_cache(maxsize=8)
def _map_png(key: tuple[tuple[str, bool, str], ...]) -> bytes:
    readings = {
        MeasureName(name): _Read(MeasureName(name), 0.0 if known else None, Status(status))
        for name, known, status in key
    }
    rgb = body_map(readings)
    ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:  # pragma: no cover - encoding a small RGB array does not fail
        raise RuntimeError("could not encode the body map")
    return png.tobytes()


def level_words(roll: CameraRoll | None) -> str:
    """Whether the camera's tilt is known, in words (levels and sideways positions lean on it)."""
    if roll is None:
        return ""
    if roll_known(roll) and roll.degrees is not None:
        return (
            f"The room's straight edges show the camera tilted {abs(roll.degrees):.1f}°: "
            "the measures allow for it."
        )
    if roll.degrees is None:
        return (
            "The camera's tilt is not known (no door frame or wall corner in view). The readings "
            "it would move most are not measured (the shoulder level, the head tilt and forward "
            "position, the trunk's lean, the body's positions over the feet), and others are not "
            "judged: the table says which, and why. Put the camera where a door frame or a wall "
            "corner shows."
        )
    return (
        f"The camera's tilt is only roughly known (about {abs(roll.degrees):.0f}°, from faint "
        "edges). The readings it would move most (some of the body's positions over the feet) "
        "are not measured, and others are not judged: the table says which, and why. Put the "
        "camera where a door frame or a wall corner shows."
    )


def _speed(view: BoardView) -> str:
    parts = [f"camera pictures checked: {view.frames}"]
    if view.fps is not None:
        parts.append(f"{view.fps:.1f} a second")
    if view.frame_ms is not None:
        parts.append(f"{view.frame_ms:.0f} ms to check each")
    if view.first_frame_s is not None:
        parts.append(f"the first {view.first_frame_s:.1f} s after Start")
    return " · ".join(parts)


def status(view: BoardView) -> None:
    """What the coach or the stance check says now."""
    if view.error:
        st.error(f"The live analysis cannot run: {view.error}")
        return
    frame = view.frame
    if frame is None:
        st.info("Starting the camera… the first frames take a second or two.")
        return
    if frame.coach is not None:
        _coach_status(frame.coach)
    else:
        _stance_status(frame)
    _cues(frame)
    st.caption(_speed(view))


def _set_lines(ended: EndedSet) -> list[str]:
    data = summary_to_dict(ended.summary)
    lines = [
        f"{data['duration_s']:.0f} s in front of the camera ({data['frames']} pictures checked)"
    ]
    exercise = data["exercise"]
    if exercise:
        for side in exercise["sides"]:
            who = f"{side['side']} side" if side["side"] else "set"
            amount = side_amount_words(side)
            lines.append(f"{who}: {amount}" + (" (done)" if side["done"] else ""))
        lines += [f"form: {note}" for note in exercise["form_notes"]]
    return lines


def summaries(live: LiveBoard) -> None:
    ended = live.ended_sets()
    if not ended:
        return
    st.header("Session summary")
    names = exercise_names()
    for index, item in enumerate(ended):
        title = names.get(item.exercise or STANCE, item.exercise or STANCE)
        with st.expander(title, expanded=index == 0):
            show_set(item, title, key=str(index))
    st.button("Clear the summary", on_click=live.clear)


def show_set(item: EndedSet, title: str, *, key: str) -> None:
    """One set's summary: its lines, the stance (or why there is none), the downloads and the
    offer to save it (``key`` tells sets apart)."""
    st.markdown("\n".join(f"- {line}" for line in _set_lines(item)))
    summary = item.summary
    if summary.stance is not None:
        st.markdown("**Stance** (mean and spread over the still frames)")
        _stance_table(summary.stance)
    elif item.exercise is None:
        why = why_no_stance(
            summary.duration_ms / 1000.0, summary.frames_with_person, summary.frames_with_others
        )
        st.caption(f"Stance: {why}.")
    pdf, data = st.columns(2)
    pdf.download_button(
        "Download this summary (PDF)",
        functools.partial(live_pdf_report, summary, title),
        file_name=f"posecheck-live-{item.exercise or STANCE}.pdf",
        mime="application/pdf",
        on_click="ignore",
        key=f"summary-pdf-{key}",
        type="primary",
    )
    data.download_button(
        "Download this summary (JSON)",
        json.dumps(summary_to_dict(summary), indent=2, ensure_ascii=False),
        file_name=f"posecheck-live-{item.exercise or STANCE}.json",
        mime="application/json",
        key=f"summary-{key}",
    )
    offer_to_save_session(summary, title, key=key)


def recorded_clip() -> None:
    """A clip filmed beforehand (on a phone, say), through the same live session as the webcam."""
    st.header("Or a recorded clip")
    st.write(
        "No webcam here, or on a phone? Film yourself doing what you chose above (the camera "
        "placed as it says), then upload the clip. It is analysed on this computer, in memory, "
        "and not kept."
    )
    upload = st.file_uploader(
        f"A video clip (MP4, MOV, WebM, AVI, ...; up to {MAX_CLIP_MB} MB and "
        f"{MAX_CLIP_SECONDS / 60:.0f} minutes)",
        type=list(CLIP_TYPES),
        key="live-clip",
        max_upload_size=MAX_CLIP_MB,
    )
    samples = sample_clip_paths()
    if upload is not None:
        st.session_state.pop(SAMPLE_CLIP_KEY, None)  # the user's own clip comes first
        source: tuple[object, ...] = (getattr(upload, "file_id", upload.name), upload.size)
        name, read = printable_name(upload.name), upload.getvalue
    elif st.session_state.get(SAMPLE_CLIP_KEY) and samples:
        path = samples[0]
        source, name, read = ("sample", path.name), path.name, path.read_bytes
        st.button("Close the sample clip", on_click=_close_the_sample, key="live-clip-close")
    else:
        st.session_state.pop(CLIP_KEY, None)  # the clip was removed: so is its result
        _offer_the_sample(bool(samples))
        return
    exercise, side = chosen(), first_side()
    wanted = (source, exercise, side)
    kept = st.session_state.get(CLIP_KEY)
    if not (isinstance(kept, tuple) and kept[0] == wanted):
        st.session_state.pop(CLIP_KEY, None)  # one clip's result at a time
        kept = (wanted, _analysed(read(), name, exercise, side))
        st.session_state[CLIP_KEY] = kept
    result = kept[1]
    if isinstance(result, PosecheckError):
        st.error(plain(result.message), icon=":material/error:")
        return
    _show_clip(result)


def _offer_the_sample(there: bool) -> None:
    if not there:
        return
    st.caption(
        "No clip at hand? Try the sample: a rendered person doing four heel raises, side-on."
    )
    st.button(
        "Sample clip: heel raises",
        icon=":material/play_circle:",
        on_click=_choose_the_sample,
        key="live-clip-sample",
    )


def _choose_the_sample() -> None:
    st.session_state[SAMPLE_CLIP_KEY] = True
    st.session_state[LIVE_CHOICE] = "heel_raises"  # what the sample shows
    board().choose("heel_raises", first_side())


def _close_the_sample() -> None:
    st.session_state.pop(SAMPLE_CLIP_KEY, None)


def _analysed(
    data: bytes, name: str, exercise: str | None, side: Side
) -> ClipResult | PosecheckError:
    title = exercise_names().get(exercise or STANCE, "")
    bar = st.progress(0.0, text=f"Analysing {plain(name)} ({title})…")

    shown = [0.0]

    def progress(share: float | None, line: str) -> None:
        now = time.monotonic()
        if now - shown[0] >= PROGRESS_EVERY_S:  # each update is a message to the browser
            shown[0] = now
            bar.progress(share if share is not None else 0.0, text=line)

    try:
        return analyse_clip(data, name, exercise, side, progress=progress)
    except PosecheckError as error:
        return error
    finally:
        bar.empty()


def _show_clip(result: ClipResult) -> None:
    title = exercise_names().get(result.exercise or STANCE, result.exercise or STANCE)
    st.subheader(f"{title}: {plain(result.name)}")
    width, height = result.info.working_size
    picture, words = st.columns([1, 1] if height > width else [3, 2])  # a portrait clip: narrower
    picture.video(result.video, format="video/mp4")
    stem = result.name.rsplit(".", 1)[0] or "clip"
    with words:
        # the clip's name goes with its summary: in the PDF's title and in the history
        show_set(EndedSet(result.exercise, result.summary), f"{title} ({result.name})", key="clip")
        st.download_button(
            "Download the clip with the overlay (MP4)",
            result.video,
            file_name=f"posecheck-{stem}-annotated.mp4",
            mime="video/mp4",
            on_click="ignore",
            key="clip-video",
            icon=":material/movie:",
        )
        st.download_button(
            "Download each frame's figures (CSV)",
            result.frames_csv,
            file_name=f"posecheck-{stem}-frames.csv",
            mime="text/csv",
            on_click="ignore",
            key="clip-csv",
            icon=":material/table:",
        )


def snapshot() -> None:
    """The fallback: one photo from the camera, through the photo path."""
    with st.expander("No live video? Take a snapshot instead"):
        st.write(
            "If the video does not start (some networks or browsers block the live connection), "
            "take a still photo of your whole body, standing, and get the photo check."
        )
        picture = st.camera_input("Snapshot", key="live-snapshot")
        if picture is None:
            return
        with st.spinner("Analysing the snapshot…"):
            result = analyse(picture.getvalue(), "snapshot.jpg")
        show_photo(result)
        if isinstance(result, Analysis) and result.judged and result.plan is not None:
            show_assessment(result.assessment, result.plan)
        st.caption(cap_note())


def _connecting_too_long(playing: bool, signalling: bool) -> bool:
    """Whether the camera has been connecting (no video yet) for too long."""
    if playing or not signalling:
        st.session_state.pop("live-connecting-since", None)
        return False
    since = st.session_state.setdefault("live-connecting-since", time.monotonic())
    return bool(time.monotonic() - since > CONNECT_TIMEOUT_S)


def render() -> None:
    st.title("Live")
    where = (
        "Your camera's video goes over your own network to the computer running posecheck and "
        "is analysed there (nothing goes further, nothing is recorded)."
        if on_another_device(st.context.url)
        else "Your webcam, analysed on this computer (nothing is sent anywhere or recorded)."
    )
    st.write(
        f"{where} Choose what to do, put the camera where it says, press **Start**, and allow "
        "the camera."
    )
    live = board()
    try:
        load_live_model()
    except PosecheckError as error:
        st.error(f"The live analysis cannot start: {error}")
        snapshot()
        st.caption(f"{DISCLAIMER} {CLINICIAN_NOTE}")
        return
    if camera_blocked(st.context.url):
        st.warning(
            "This page reached you over plain http from another computer, and browsers give "
            "the camera only to secure pages (https, or the computer running posecheck itself), "
            "so neither the live video nor the snapshot below will start here. Film yourself with "
            "this device's camera instead and upload the clip under **Or a recorded clip**, or "
            "use photos on the Check page.",
            icon=":material/no_photography:",
        )
    # One container, whatever the choice shows (a caption, the sides, how to do it): the camera
    # below keeps its place on the page, so that choosing while it runs does not start it anew
    with st.container():
        chooser()
    # the choice, made here or elsewhere (a coach button in the snapshot's plan), reaches a
    # running camera
    live.follow(chosen(), first_side())
    st.toggle(
        "Mirror image (like a mirror; your left stays your left either way)",
        value=True,
        key="live-mirror",
        help="Takes effect at the next Start.",
    )
    video, side = st.columns([3, 2])
    with video:
        context = camera(live)
    playing, signalling = context.state.playing, context.state.signalling
    with side:
        left, right = st.columns(2)
        left.button(
            "Check my stance",
            icon=":material/accessibility_new:",
            disabled=not playing,
            on_click=_check_stance,
            help="Switches to the stance check and starts it afresh: stand still a few seconds.",
        )
        right.button(
            "Start again",
            icon=":material/restart_alt:",
            disabled=not playing,
            on_click=_restart,
            help="Starts the set (or the stance check) again from zero.",
        )

        @st.fragment(run_every=REFRESH_S if playing or signalling else None)
        def live_status() -> None:
            view = live.view()
            voice_box(view.frame if view.running else None)
            if view.running or view.error:
                status(view)
            elif _connecting_too_long(playing, signalling):
                st.warning(
                    "The live video has not started. This browser or network may block the "
                    "connection: try the snapshot below, or upload photos on the Check page."
                )
            elif not playing:
                st.caption(
                    "Press **Start** to begin. If the camera is blocked or missing, the player "
                    "says so; the snapshot below and the Check page work without live video."
                )

        live_status()
    summaries(live)
    recorded_clip()
    snapshot()
    st.caption(
        "Each exercise's steps and cautions are on the Exercises page. Stop if it hurts. "
        f"{DISCLAIMER} {CLINICIAN_NOTE}"
    )


if __name__ == "__main__":
    render()
