// Berkeley with timed's arithmetic rounds a correction below its 5 ms quantum to 0. Such a round
// still completes (the slave is where the round wants it): the warm-up must see it take effect,
// whether every correction of the run rounds to 0 or only some do.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/sim/run/run_in_memory.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

nlohmann::json run_results(const std::string& text) {
  return testing::run_in_memory(scenario::load_scenario_text(text, "rounded.yaml")).summary["results"];
}

TEST(RoundedCorrection, ARoundOfCorrectionsRoundedToZeroEndsTheWarmUp) {
  const std::string text =
      "name: rounded\nseed: 1\nduration: 2m\ntick: 1s\nnodes: 4\n"
      "clocks:\n  initial_offset: uniform(-1ms, 1ms)\n  drift_ppm: uniform(-1, 1)\n"
      "algorithm:\n  sync: {kind: berkeley, period: 10s}\n  election: {kind: static, leader: 0}\n";
  const auto r = run_results(text);
  ASSERT_FALSE(r["warmup_ns"].is_null()) << r.dump(2);
  // The first round ends within its first second (timed's defaults: 10 probes, 1-3 ms apart).
  EXPECT_LE(r["warmup_ns"].get<std::int64_t>(), 1'000'000'000);
  EXPECT_FALSE(r["max_skew_after_warmup_ns"].is_null());
}

}  // namespace
}  // namespace clocksim::sim
