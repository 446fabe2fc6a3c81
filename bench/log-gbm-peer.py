#!/usr/bin/python3
# A peer in the published orange-juice benchmark's style, which the peers' harness does not have:
# gradient-boosted trees (sklearn's HistGradientBoostingRegressor, LightGBM's algorithm) on the
# log of sales, one direct model per forecast step whose lags start at that step (so a one-week
# gap needs no recursion), every price column, the own price against its 13-week top, the
# promotion flags, store and brand codes and the week of the year. It writes p50 only (no
# intervals), with the harness's windows (each series' last K·H points, origins H apart):
#
#   /usr/bin/python3 bench/log-gbm-peer.py PANEL.csv H K OUT.csv
#   npx tsx bench/gap-mape.ts PANEL.csv 3 auto=auto.csv log-gbm=OUT.csv
#   /usr/bin/python3 ../shared/peers/score.py PANEL.csv --horizon H --origins K --pred log-gbm=OUT.csv
#
# Weekly panels with a `brand` column and either `price` or `price1` … `priceB` (the own one named
# by `brand`), as bench/price-synthetic.ts and bench/promo-synthetic.ts write them. Benchmarks
# only (Debian's python3-sklearn and python3-pandas), never CI.
import sys, numpy as np, pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
data, H, K, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
d = pd.read_csv(data, parse_dates=['date'])
weeks = sorted(d.date.unique()); widx = {w: i for i, w in enumerate(weeks)}
d['t'] = d.date.map(widx)
ids = sorted(d.series_id.unique()); sidx = {s: i for i, s in enumerate(ids)}
T = len(weeks); N = len(ids)
Y = np.full((N, T), np.nan)
Y[d.series_id.map(sidx).values, d.t.values] = d.value.values
L = np.log1p(Y)
pcols = [c for c in d.columns if c.startswith('price')]
cov = {}
flags = [c for c in ['deal', 'feat', 'display'] if c in d.columns]
for c in pcols + flags:
    M = np.full((N, T), np.nan); M[d.series_id.map(sidx).values, d.t.values] = d[c].values
    M = pd.DataFrame(M).T.ffill().bfill().T.values
    cov[c] = M
braw = d.groupby('series_id').brand.first().reindex(ids)
wide = 'price1' in d.columns
brand = braw.values.astype(int) if wide else braw.astype('category').cat.codes.values
store = d.groupby('series_id').store.first().reindex(ids).astype('category').cat.codes.values
own = np.stack([cov[f'price{b}'][i] for i, b in enumerate(brand)]) if wide else cov['price']
ref = pd.DataFrame(own).T.rolling(13, min_periods=1).max().T.values
rel = np.log(own / ref)
def feats(i, t, h):
    lags = [L[i, t - k] for k in range(h, h + 4)]
    win = L[i, max(0, t - h - 12): t - h + 1]
    return lags + [np.nanmean(win) if np.isfinite(win).any() else np.nan, np.nanstd(win) if np.isfinite(win).sum() > 1 else np.nan] + \
        [np.log(cov[c][i, t]) for c in pcols] + [cov[c][i, t] for c in flags] + [rel[i, t], store[i], brand[i], t % 52]
# Windows as the harness: each series' last K·H points, origins H apart, per series end.
last = np.array([np.max(np.where(np.isfinite(Y[i]))[0]) for i in range(N)])
rows = []
for k in range(K, 0, -1):
    for h in range(1, H + 1):
        X, y = [], []
        # train on every series' points before its origin
        for i in range(N):
            o = last[i] + 1 - k * H
            for t in range(h + 13, o):
                if np.isfinite(L[i, t]): X.append(feats(i, t, h)); y.append(L[i, t])
        m = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.05, random_state=0).fit(np.array(X), np.array(y))
        for i in range(N):
            o = last[i] + 1 - k * H
            t = o + h - 1
            if t < T:
                p = float(np.expm1(m.predict(np.array([feats(i, t, h)]))[0]))
                rows.append((ids[i], pd.Timestamp(weeks[t]).strftime('%Y-%m-%d'), max(0.0, p)))
pd.DataFrame(rows, columns=['series_id', 'date', 'p50']).to_csv(out, index=False)
