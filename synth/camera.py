"""The pinhole camera: where it stands, how it is held, and projection to pixels.

Conventions written to the truth JSON:
- ``K``: 3x3 intrinsics, pixels; the centre of the top-left pixel is (0.5, 0.5).
- ``R``, ``t``: world → camera in OpenCV axes (x right, y down, z forward): ``X_cam = R X + t``;
  a world point X projects to ``u = fx X_cam/Z_cam + cx``, ``v = fy Y_cam/Z_cam + cy``.
- ``position``: the lens centre in world metres; ``pose_opengl``: camera-to-world 4x4 in OpenGL
  axes (x right, y up, z backward), as pyrender takes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from synth.params import Camera

#: The body must stay this far (fraction of the image side) inside every edge.
FIT_MARGIN = 0.04


@dataclass(frozen=True)
class PinholeCamera:
    """A placed camera (world → pixels)."""

    K: np.ndarray
    R: np.ndarray
    t: np.ndarray
    width: int
    height: int
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    height_m: float
    distance_m: float
    vfov_deg: float

    @property
    def position(self) -> np.ndarray:
        centre: np.ndarray = -self.R.T @ self.t
        return centre

    @property
    def forward_flat(self) -> np.ndarray:
        """The horizontal direction the camera looks along (unit, z = 0)."""
        yaw = math.radians(self.yaw_deg)
        return np.array([-math.sin(yaw), math.cos(yaw), 0.0])

    @property
    def right_flat(self) -> np.ndarray:
        """The horizontal direction to image-right before roll (unit, z = 0)."""
        f = self.forward_flat
        return np.array([f[1], -f[0], 0.0])

    def project(self, points: np.ndarray) -> np.ndarray:
        """(N, 3) world → (N, 2) pixels."""
        cam = points @ self.R.T + self.t
        uvw = cam @ self.K.T
        out: np.ndarray = uvw[:, :2] / uvw[:, 2:3]
        return out

    def depth(self, points: np.ndarray) -> np.ndarray:
        z: np.ndarray = (points @ self.R.T + self.t)[:, 2]
        return z

    def pose_opengl(self) -> np.ndarray:
        pose = np.eye(4)
        pose[:3, 0] = self.R[0]
        pose[:3, 1] = -self.R[1]
        pose[:3, 2] = -self.R[2]
        pose[:3, 3] = self.position
        return pose

    def to_json(self) -> dict[str, object]:
        return {
            "model": "pinhole, no distortion",
            "intrinsics": {
                "K": np.round(self.K, 4).tolist(),
                "fx": round(float(self.K[0, 0]), 4),
                "fy": round(float(self.K[1, 1]), 4),
                "cx": round(float(self.K[0, 2]), 4),
                "cy": round(float(self.K[1, 2]), 4),
                "vfov_deg": round(self.vfov_deg, 4),
                "pixel_centre": "the top-left pixel's centre is (0.5, 0.5)",
            },
            "extrinsics": {
                "convention": "X_cam = R @ X_world + t; OpenCV camera axes (x right, y down, "
                "z forward); world: metres, z up, floor z=0, the person faces -y, +x is "
                "the person's left",
                "R": np.round(self.R, 6).tolist(),
                "t": np.round(self.t, 6).tolist(),
                "position": np.round(self.position, 6).tolist(),
                "pose_opengl": np.round(self.pose_opengl(), 6).tolist(),
            },
            "yaw_deg": round(self.yaw_deg, 4),
            "height_m": round(self.height_m, 4),
            "distance_m": round(self.distance_m, 4),
            "pitch_deg": round(self.pitch_deg, 4),
            "pitch_convention": "+ looking down below the horizontal",
            "roll_deg": round(self.roll_deg, 4),
            "roll_convention": "+ camera turned counter-clockwise (photographer's view): true "
            "verticals appear turned clockwise on screen by roll_deg (posecheck CameraRoll)",
        }


def place_camera(
    camera: Camera, width: int, height: int, stature: float, vfov_deg: float | None = None
) -> PinholeCamera:
    """The camera of ``camera`` for a body of ``stature`` metres standing at the origin."""
    vfov = camera.vfov_deg if vfov_deg is None else vfov_deg
    yaw = math.radians(camera.yaw_deg)
    position = np.array(
        [camera.distance_m * math.sin(yaw), -camera.distance_m * math.cos(yaw), camera.height_m]
    )
    if camera.pitch_deg is None:
        pitch = math.degrees(math.atan2(camera.height_m - 0.5 * stature, camera.distance_m))
    else:
        pitch = camera.pitch_deg
    flat = np.array([-math.sin(yaw), math.cos(yaw), 0.0])
    if camera.pan_deg:
        # turned toward the photographer's right (clockwise seen from above)
        pan = math.radians(camera.pan_deg)
        flat = np.array(
            [
                flat[0] * math.cos(pan) + flat[1] * math.sin(pan),
                -flat[0] * math.sin(pan) + flat[1] * math.cos(pan),
                0.0,
            ]
        )
    p = math.radians(pitch)
    forward = math.cos(p) * flat + math.sin(p) * np.array([0.0, 0.0, -1.0])
    right = np.cross(forward, np.array([0.0, 0.0, 1.0]))
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    r = math.radians(camera.roll_deg)
    x_axis = math.cos(r) * right - math.sin(r) * down
    y_axis = math.cos(r) * down + math.sin(r) * right
    rotation = np.stack([x_axis, y_axis, forward])
    f = (height / 2) / math.tan(math.radians(vfov) / 2)
    intrinsics = np.array([[f, 0.0, width / 2], [0.0, f, height / 2], [0.0, 0.0, 1.0]])
    return PinholeCamera(
        K=intrinsics,
        R=rotation,
        t=-rotation @ position,
        width=width,
        height=height,
        yaw_deg=camera.yaw_deg,
        pitch_deg=pitch,
        roll_deg=camera.roll_deg,
        height_m=camera.height_m,
        distance_m=camera.distance_m,
        vfov_deg=vfov,
    )


def fits(cam: PinholeCamera, points: np.ndarray, margin: float = FIT_MARGIN) -> bool:
    """True when every point lies in front of the camera and inside the margin."""
    if (cam.depth(points) <= 0.05).any():
        return False
    uv = cam.project(points)
    mx, my = margin * cam.width, margin * cam.height
    return bool(
        (uv[:, 0] >= mx).all()
        and (uv[:, 0] <= cam.width - mx).all()
        and (uv[:, 1] >= my).all()
        and (uv[:, 1] <= cam.height - my).all()
    )


def fitted_camera(
    camera: Camera, width: int, height: int, stature: float, points: np.ndarray
) -> PinholeCamera:
    """The camera, its field of view widened in 1° steps (up to 100°) until the body fits."""
    vfov = camera.vfov_deg
    cam = place_camera(camera, width, height, stature, vfov)
    while not fits(cam, points) and vfov < 100.0:
        vfov += 1.0
        cam = place_camera(camera, width, height, stature, vfov)
    return cam
