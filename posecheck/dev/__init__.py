"""Developer tools: benchmark, mirror consistency, validation on renders, fitting corrections.

Run them with ``python -m posecheck.dev COMMAND``; never imported by the rest of posecheck.
"""
