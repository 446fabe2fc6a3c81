#!/usr/bin/python3
"""Paired bootstrap over series of two predictions files, scored as ../shared/peers/score.py scores them.

    /usr/bin/python3 bench/paired-bootstrap.py DATA.csv.gz --horizon H --origins K [--sample N --sample-seed S] \
        --a ours.csv --b peer.csv [--resamples 5000]

MASE is the mean over (series, window) pairs and wQL pools pinball sums over all points, as in
score.py (its own functions are imported from ../shared/peers/common.py). The series are resampled
with replacement; the script prints both files' scores, how many series A has the lower MASE on,
and the 95 % interval of A − B for MASE and mean wQL with the share of resamples in which A is
better. Debian's /usr/bin/python3 (pandas, numpy) as for the peers; figures are printed, never
asserted.
"""
import argparse
import os
import sys
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers"))
import common  # noqa: E402  (the peers' scoring code)

# Scoring one series at a time divides by zero in score()'s pooled WAPE and wQL for a series whose
# test windows are all zero; this script uses neither of those (it pools the sums itself).
warnings.filterwarnings("ignore", category=RuntimeWarning)


def per_series(path, tasks, m, sids):
    """series id -> (MASE averaged over its windows, pinball sums per quantile, sum of |actual|)."""
    pred = common.read_predictions(path)
    out = {}
    for s in sids:
        mase = common.score(pred, tasks, m, only={s})["mase"]
        num, den = np.zeros(len(common.QUANTILES)), 0.0
        for t in tasks:
            if t.sid != s:
                continue
            ok = ~np.isnan(t.y_test)
            y = t.y_test[ok]
            f = pred.reindex(pd.MultiIndex.from_arrays([[t.sid] * int(ok.sum()), t.dates_test[ok]]))
            num += [common.pinball(y, f[f"p{int(q * 100)}"].to_numpy(), q) for q in common.QUANTILES]
            den += np.sum(np.abs(y))
        out[s] = (mase, num, den)
    return out


def aggregate(scores, sids, idx):
    mase = np.nanmean([scores[sids[i]][0] for i in idx])
    num = sum(scores[sids[i]][1] for i in idx)
    den = sum(scores[sids[i]][2] for i in idx)
    return mase, float((num / den).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_data_args(ap)
    ap.add_argument("--a", required=True, help="predictions file A (e.g. ours)")
    ap.add_argument("--b", required=True, help="predictions file B (e.g. a peer)")
    ap.add_argument("--resamples", type=int, default=5000)
    args = ap.parse_args()
    freq, _exog, tasks = common.setup(args)
    m = common.SEASON[freq]
    sids = sorted({t.sid for t in tasks})
    a, b = per_series(args.a, tasks, m, sids), per_series(args.b, tasks, m, sids)
    every = range(len(sids))
    print(f"A {args.a}: MASE {aggregate(a, sids, every)[0]:.3f}, wQL {aggregate(a, sids, every)[1]:.3f}")
    print(f"B {args.b}: MASE {aggregate(b, sids, every)[0]:.3f}, wQL {aggregate(b, sids, every)[1]:.3f}")
    print(f"series where A has the lower MASE: {sum(a[s][0] < b[s][0] for s in sids)}/{len(sids)}")
    rng = np.random.default_rng(1)
    d_mase, d_wql = [], []
    for _ in range(args.resamples):
        idx = rng.integers(0, len(sids), len(sids))
        (ma, wa), (mb, wb) = aggregate(a, sids, idx), aggregate(b, sids, idx)
        d_mase.append(ma - mb)
        d_wql.append(wa - wb)
    for name, d in (("MASE", np.array(d_mase)), ("wQL", np.array(d_wql))):
        lo, hi = np.percentile(d, [2.5, 97.5])
        print(f"{name} A-B: 95% interval {lo:.3f} .. {hi:.3f}; A better in {np.mean(d < 0):.1%} of resamples")


if __name__ == "__main__":
    main()
