"""posecheck: posture and foot-alignment screening from photos and a webcam."""
