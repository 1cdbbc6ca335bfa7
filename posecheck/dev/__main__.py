"""``python -m posecheck.dev``."""

import sys

if sys.argv[1:2] == ["bench-cluster"]:  # the cluster extra's bench (posecheck/dev/cluster_bench.py)
    from posecheck.dev.cluster_bench import main as bench_cluster

    sys.exit(bench_cluster(sys.argv[2:]))

from posecheck.dev.cli import main

sys.exit(main())
