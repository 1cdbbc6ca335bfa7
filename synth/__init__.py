"""Ground-truth renderer: people with known joint angles, and the truth beside each image.

An optional, separate environment (``.venv-synth``: torch, anny, pyrender); posecheck itself never
imports this package. Run it as ``python -m synth.render --set NAME --out DIR``; see README.md.
Nothing here runs on import: the body model and the renderer are loaded on first use.
"""
