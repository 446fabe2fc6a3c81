#!/usr/bin/env bash
# bench/api before and after in one run on the same machine (issue 14, "Show"): builds BASE_REV
# (default 806c852, the tree before the standalone server became a host of createForecastQL and
# before the forecast read model) in a temporary git worktree, and the current tree, then runs
# each tree's own bench/api.ts (one-series forecast query, autocannon, SQLite demo data), one after
# the other (ROUNDS times, alternating base/current), and prints both p99s and requests/s, idle and
# during training, with the ratios current/base. The goal: p99 and requests/s within 10 %.
#
# Run on a quiet machine:  bash bench/api-compare.sh [BASE_REV]
#   env: ROUNDS=1, BENCH_DURATION=20, BENCH_CONNECTIONS=32 (passed on to bench/api.ts)
set -euo pipefail

root=$(git rev-parse --show-toplevel)
base_rev=${1:-806c852}
rounds=${ROUNDS:-1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fq-api-compare-XXXXXX")
base_dir="$tmp/base"

cleanup() {
  git -C "$root" worktree remove --force "$base_dir" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

git -C "$root" worktree add --detach "$base_dir" "$base_rev" >/dev/null
# The same dependencies as the current tree (bench/api.ts and the build need them).
ln -s "$root/node_modules" "$base_dir/node_modules"

build() {
  echo "building $2 ($1)" >&2
  (cd "$1" && npm run build --silent >"$tmp/build-$2.log" 2>&1) || {
    cat "$tmp/build-$2.log" >&2
    exit 1
  }
}
build "$base_dir" base
build "$root" current

# "idle: p50 1.1 ms, p95 2.2 ms, p99 3.3 ms, 900 req/s (...)" → "3.3 900"
figures() { sed -nE "s/^$1: .* p99 ([0-9.]+) ms, ([0-9.]+) req\/s.*/\1 \2/p" "$2" | tail -1; }

# Older trees' bench/api.ts left the read budget (FORECASTQL_READ_BUDGET, 50,000,000 units a minute
# per credential: 45,537 one-series reads) at its default, and on a quiet machine the two phases
# spent it within one minute: the rest answered 429 "Read budget spent". Both trees' servers get
# the same budget, too high to bite (the benches pass their environment on to the server).
export FORECASTQL_READ_BUDGET=${FORECASTQL_READ_BUDGET:-1000000000000000}

declare -A p99 rps
for ((round = 1; round <= rounds; round++)); do
  for tree in base current; do
    dir=$root
    [[ $tree == base ]] && dir=$base_dir
    log="$tmp/$tree-$round.log"
    echo "round $round/$rounds: bench/api.ts on $tree" >&2
    (cd "$dir" && npx tsx bench/api.ts) | tee "$log" >&2
    for phase in idle "during training"; do
      read -r p r < <(figures "$phase" "$log") || { echo "no '$phase' figures in $log" >&2; exit 1; }
      p99["$tree|$phase"]="${p99["$tree|$phase"]:-} $p"
      rps["$tree|$phase"]="${rps["$tree|$phase"]:-} $r"
    done
  done
done

# Median of a list of numbers.
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo
echo "bench/api before/after ($base_rev vs current tree $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo '+changes'), $rounds round(s), median of rounds)"
printf '%-16s %12s %12s %8s %12s %12s %8s  %s\n' phase "base p99" "cur p99" ratio "base req/s" "cur req/s" ratio "within 10 %"
ok=1
for phase in idle "during training"; do
  bp=$(median "${p99["base|$phase"]}")
  cp=$(median "${p99["current|$phase"]}")
  br=$(median "${rps["base|$phase"]}")
  cr=$(median "${rps["current|$phase"]}")
  pr=$(awk -v a="$cp" -v b="$bp" 'BEGIN {printf "%.3f", a / b}')
  rr=$(awk -v a="$cr" -v b="$br" 'BEGIN {printf "%.3f", a / b}')
  verdict=$(awk -v p="$pr" -v r="$rr" 'BEGIN {print (p <= 1.10 && r >= 0.90) ? "yes" : "NO"}')
  [[ $phase == idle && $verdict == NO ]] && ok=0
  printf '%-16s %9.1f ms %9.1f ms %8s %12.0f %12.0f %8s  %s\n' "$phase" "$bp" "$cp" "$pr" "$br" "$cr" "$rr" "$verdict"
done
echo "goal (idle one-series forecast): p99 ratio <= 1.10 and req/s ratio >= 0.90: $([[ $ok == 1 ]] && echo met || echo MISSED)"
