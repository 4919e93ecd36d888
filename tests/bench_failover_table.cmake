# Smoke run of bench/failover_table.sh (docs/failover-table.md), label "bench": 8 nodes, 2 seeds
# of every election algorithm through the real `clocksim sweep`; passes when the table has a row
# for each algorithm in which both runs completed their failover (no timing asserted).
add_test(NAME bench.failover_table_smoke
  COMMAND bash -c [=[
    set -o pipefail
    out="$1/failover-table-smoke"
    bash "$2/bench/failover_table.sh" --clocksim "$3" --nodes 8 --seeds 2 --out "$out" | tee "$1/failover-table-smoke.md" || exit 1
    for alg in tsp bully ring standby; do
      grep -Eq "^\| $alg \| 8 \| 2 \| 2 \| [0-9]" "$1/failover-table-smoke.md" || { echo "no complete row for $alg"; exit 1; }
    done
  ]=] failover_table_smoke ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_SOURCE_DIR} $<TARGET_FILE:clocksim>)
set_tests_properties(bench.failover_table_smoke PROPERTIES LABELS bench TIMEOUT 60)
