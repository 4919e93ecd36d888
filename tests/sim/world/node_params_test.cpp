// draw_clock_params: a node's drawn rates must leave its clock running; the loader checks bounded
// distributions, a draw from an unbounded one is checked here, with the scenario's position.
#include "sim/world/node_params.hpp"

#include <gtest/gtest.h>

#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

scenario::ScenarioSpec load(const std::string& clocks, const std::string& nodes = "4") {
  return scenario::load_scenario_text("duration: 1m\nnodes: " + nodes + "\nclocks: " + clocks + "\n", "rates.yaml");
}

TEST(DrawClockParams, AnUnboundedDrawThatWouldStopAClockIsALocatedError) {
  // normal(0, 1e6): about a third of the nodes draw beyond ±1e6 ppm.
  const scenario::ScenarioSpec spec = load("{drift_ppm: \"normal(0, 1000000)\"}", "40");
  int refused = 0;
  for (NodeId i = 0; i < spec.nodes.size(); ++i) {
    try {
      const ClockParams p = draw_clock_params(spec, i);
      EXPECT_LE(std::fabs(p.drift_ppm), rate_room_ppm(p));
    } catch (const scenario::ScenarioError& e) {
      ++refused;
      EXPECT_EQ(e.file(), "rates.yaml");
      EXPECT_EQ(e.line(), 3);
      EXPECT_EQ(e.key_path(), "clocks.drift_ppm");
      EXPECT_NE(e.message().find("node " + spec.nodes[i].name + "'s clock can stand still"), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(refused, 4);
  EXPECT_LT(refused, 36);
}

// An offset drawn beyond int64 nanoseconds (a Pareto law's tail: 1 s * U^-100) once became
// INT64_MIN and a negative skew, exit 0. Refused at the law, naming the node, before it is
// converted; the same for a node's own law, at its key.
TEST(DrawClockParams, AnUnboundedOffsetDrawBeyondNanosecondsIsALocatedError) {
  const scenario::ScenarioSpec spec = load("{initial_offset: \"pareto(1s, 0.01)\"}", "[n0, n1, {name: n2, initial_offset: \"pareto(1s, 0.01)\"}]");
  int refused = 0;
  for (NodeId i = 0; i < spec.nodes.size(); ++i) {
    try {
      const ClockParams p = draw_clock_params(spec, i);
      EXPECT_GE(p.initial_offset.ns(), 0);
    } catch (const scenario::ScenarioError& e) {
      ++refused;
      EXPECT_EQ(e.file(), "rates.yaml");
      EXPECT_EQ(e.key_path(), i == 2 ? "nodes.2.initial_offset" : "clocks.initial_offset") << e.what();
      EXPECT_NE(e.message().find("node " + spec.nodes[i].name + "'s clock could be off by"), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(refused, 0);
  // A normal drift that keeps the clock running but, over a long run, not within int64.
  const scenario::ScenarioSpec slow = scenario::load_scenario_text(
      "duration: 1920000h\nnodes: 3\nclocks: {drift_ppm: \"normal(0, 200000)\"}\n", "rates.yaml");
  int too_far = 0;
  for (NodeId i = 0; i < slow.nodes.size(); ++i) {
    try {
      draw_clock_params(slow, i);
    } catch (const scenario::ScenarioError& e) {
      ++too_far;
      EXPECT_EQ(e.key_path(), "clocks.initial_offset");
    }
  }
  EXPECT_GT(too_far, 0);
}

// A bounded offset beyond int64 is refused on loading even when another law is unbounded (which
// used to switch the whole check off).
TEST(DrawClockParams, ABoundedOffsetIsCheckedOnLoadingBesideAnUnboundedDrift) {
  try {
    load("{initial_offset: \"uniform(-9000000000s, 9000000000s)\", drift_ppm: \"normal(0, 1)\"}");
    ADD_FAILURE() << "loaded";
  } catch (const scenario::ScenarioError& e) {
    EXPECT_EQ(e.key_path(), "clocks.initial_offset");
    EXPECT_NE(e.message().find("clock offsets could reach"), std::string::npos) << e.what();
  }
}

TEST(DrawClockParams, ANodesOverridesAreCheckedWithTheClustersRatesAtTheNodesKeys) {
  // Bounded: refused on loading, at the node's own key.
  try {
    load("{drift_ppm: 200000}", "[n0, {name: n1, max_slew_ppm: 800000}, n2]");
    ADD_FAILURE() << "loaded";
  } catch (const scenario::ScenarioError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.key_path(), "nodes.1.max_slew_ppm");
    EXPECT_NE(e.message().find("node n1, with the cluster's clocks: these rates can stop a clock"), std::string::npos)
        << e.what();
  }
  // Unbounded: a node's draw is refused at its own keys when it has some.
  const scenario::ScenarioSpec spec = load("{drift_ppm: \"normal(0, 2000000)\"}", "[{name: n0, max_slew_ppm: 100}, n1]");
  for (NodeId i = 0; i < 2; ++i) {
    try {
      draw_clock_params(spec, i);
    } catch (const scenario::ScenarioError& e) {
      EXPECT_EQ(e.key_path(), i == 0 ? "nodes.0.max_slew_ppm" : "clocks.drift_ppm") << e.what();
    }
  }
}

TEST(DrawClockParams, ABoundedDistributionAtTheEdgeLoadsAndDraws) {
  // 999999 − 500 (slew) = 999499: the largest |drift| that leaves a clock running.
  const scenario::ScenarioSpec spec = load("{drift_ppm: \"uniform(-999498, 999498)\"}", "50");
  for (NodeId i = 0; i < spec.nodes.size(); ++i) EXPECT_NO_THROW(draw_clock_params(spec, i));
  EXPECT_THROW(load("{drift_ppm: -999500}"), scenario::ScenarioError);
}

}  // namespace
}  // namespace clocksim::sim
