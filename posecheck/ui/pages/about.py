"""The About page: what posecheck measures and how well (the figures of docs/VALIDATION.md and
docs/SCREENING.md and docs/ACCURACY.md), what it cannot judge, and privacy.

A page script: Streamlit runs it; nothing imports it.
"""

from __future__ import annotations

import streamlit as st

from posecheck import CLINICIAN_NOTE, DISCLAIMER, MEASURES, MeasureSpec, Unit
from posecheck.ui.analyses import MAX_ANALYSES

_VIEW_WORDS = {"left": "side", "right": "side"}
_UNIT_WORDS = {Unit.DEG: "°", Unit.PCT_HIP_WIDTH: "% hip width", Unit.PCT_BODY_HEIGHT: "% height"}

#: Figures measured on rendered bodies with known angles, as the app looks (both ways): the
#: README's "How right it is" and docs/ACCURACY.md's "Both ways" table (2026-12-04; the shoulder
#: level and the trunk's lean 2026-12-05, the forward head 2026-12-06: `python -m posecheck.dev
#: validate out/synth/test --both-ways`; how often the truth lay within the band, 2026-12-05, the
#: forward head 2026-12-06: `python -m posecheck.dev screening out/synth/hard_test --both-ways`).
ACCURACY = """
posecheck publishes its own error, measured on rendered bodies whose true angles are known
(bodies, cameras and rooms it was never tuned on):

- **Found the person and the view** in all 120 unseen test renders.
- **Each photo is looked at twice**, as it is and mirrored, and the two looks are averaged: steadier
  readings, and a mirrored photo gets exactly the mirrored readings.
- **Mean error** on those renders: knee angle (front) 1.2-1.4°, shoulder level 0.8°, forward head
  1.9°, trunk lean 1.0°, foot angle 3.7-3.9° (the target of 3° is not met yet). The shoulder level,
  the trunk's lean and the head's forward position are given only where the camera's tilt can be
  found (47 of 60, 40 of 45 and 40 of 45 of those renders): against a plain wall, a phone tilted
  the usual 3° would move them further than their readings can be trusted.
- **On photos taken the way phones are really held** (640 renders turned up to 15°, cameras
  rolled up to 8°, half with no door frame or wall corner to find the level by, cameras 0.5-1.6 m
  high): 6 of the 639 in which a person was found got a false finding (**specificity ≥ 95 %**
  for every kind of finding), but **sensitivity is low** (11-43 % for the foot, knee and
  shoulder findings): a reading must be beyond the usual range by more than its error to count,
  so posecheck prefers missing a borderline case to inventing one. Most of the rest are at least
  told to **recheck** ("possible": outside, but within the error): 79 % of the feet truly turned
  out and 89 % of the knees truly falling in are found or told to recheck (the shoulder level
  36 %), while 7-8 % of usual feet and knees are told to recheck in vain. The foot angle's error
  there is about 4°.
- **The ± beside each number** is its typical error, widened for what the photo leaves unknown
  (a body turned a little, a phone held tilted). It is not a guarantee: on those photos the true
  value lay within it for 98 % of the knee readings from the front, 96 % of the trunk's lean,
  91 % of the shoulder level, 97 % of the head's forward position, 86-87 % of the foot angles,
  81 % of the knee from the side and 72-93 % of the positions over the ankle.
- **Experimental**, shown but never the basis of a finding: the hip level (the body model barely
  follows a true pelvic tilt), the head tilt, the upper body's and the hips' sideways positions
  (the model's points are too far off on real photos) and the heel angles (not validated).

Details, and the figures for one look (the command line's default): `docs/ACCURACY.md`,
`docs/VALIDATION.md` and `docs/SCREENING.md` in posecheck's source.
"""

CANNOT_JUDGE = """
- **Arches and flat feet, bunions, toe shape**: the body model has one point at the heel and one
  at the tip of each foot, no toe joints and no arch.
- **The spine's curves and scoliosis**, **forward pelvic tilt**, **tibial torsion** and the
  **Q-angle**: none of them can be seen from landmarks on the skin's outline.
- **Pain, strength, flexibility or your history.** A photo shows one moment of one stance.
- **Live:** toe curling and gripping (the coach times and paces those exercises and checks that
  the foot stays still), pressure under the foot, small rolls of a ball.
"""

PRIVACY = f"""
- **Everything runs on this machine.** The pose model, the measures and the coach run here; the
  app listens only on this computer (127.0.0.1) and makes no connection to the internet (a test
  watches every connection the app and the command line make, below Python). Started for a phone
  (`make run-phone`), it listens on your home network too, over https, and opens only with the
  key in the address it prints.
- **Nothing is stored unless you save it.** Photos and recorded clips you upload are received,
  analysed and kept in memory, never written to disk (a test watches the web server's file system
  calls during an upload of each): this page keeps the last {MAX_ANALYSES} analyses of your photos
  and your last clip's result while it is open, and forgets them when you close it. Webcam frames
  are analysed as they arrive and never recorded; the live summary stays in this page until you
  close it or download it.
- **Downloads** (the PDF and JSON reports, the CSV of measures, the live summary, a clip with the
  overlay drawn on it) are written only where your browser saves them.
"""


def _range(spec: MeasureSpec) -> str:
    low, high = spec.normal
    unit = _UNIT_WORDS.get(spec.unit, "")
    return f"{low:g} to {high:g}{unit}"


def measure_rows() -> list[dict[str, object]]:
    """Every measure: what, from which photo, its usual range and its known error."""
    return [
        {
            "measure": spec.label,
            "photo": ", ".join(sorted({_VIEW_WORDS.get(v.value, v.value) for v in spec.views})),
            "usual range": _range(spec),
            "known error": f"± {spec.known_error:g}{_UNIT_WORDS.get(spec.unit, '')}",
            "used for findings": "yes" if spec.for_findings else "no (experimental)",
        }
        for spec in MEASURES
    ]


def render() -> None:
    st.title("About posecheck")
    st.write(
        "posecheck estimates how your feet, knees, hips, shoulders and head are aligned from "
        "standing photos (the **Check** page) and follows foot exercises in front of a webcam or "
        "in a clip you recorded (the **Live** page). It finds 33 body points with MediaPipe's "
        "BlazePose model and measures angles and offsets between them."
    )
    st.warning(f"{DISCLAIMER} {CLINICIAN_NOTE}")
    st.header("What it measures")
    st.table(measure_rows())
    st.caption(
        "A reading inside the usual range is *normal*; outside it by no more than its error, "
        "*possible: recheck*; clearly outside, *mild* or *marked*. Only mild and marked readings "
        "make findings."
    )
    st.header("How right it is")
    st.markdown(ACCURACY)
    st.header("What it cannot judge")
    st.markdown(CANNOT_JUDGE)
    st.header("Privacy")
    st.markdown(PRIVACY)


if __name__ == "__main__":
    render()
