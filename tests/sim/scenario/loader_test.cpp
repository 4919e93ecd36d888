// Good scenarios parse into the expected ScenarioSpec.
#include "sim/scenario/loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "config/error.hpp"

namespace clocksim::scenario {
namespace {

using namespace clocksim::literals;
using DK = Distribution::Kind;

ScenarioSpec load(const std::string& text, LoadOptions opts = {}) {
  return load_scenario_text(text, "test.yaml", opts);
}

// The schema check (tests/sim/scenario/schema_check.py) holds docs/scenario.schema.json to
// accept every file under good/; this holds the loader to the same files, so the two agree.
TEST(Loader, EveryGoodFileLoads) {
  const std::filesystem::path dir = std::filesystem::path(CLOCKSIM_SOURCE_DIR) / "tests/sim/scenario/good";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    EXPECT_NO_THROW(load_scenario_file(entry.path().string())) << entry.path();
  }
  EXPECT_GE(files, 5);
}

TEST(Loader, EmptySectionsAreAbsentAndOffsetExpectationsSigned) {
  const auto s = load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/tests/sim/scenario/good/signs-and-empty-sections.yaml");
  EXPECT_EQ(s.duration, 10_s);
  EXPECT_TRUE(s.faults.empty());
  ASSERT_EQ(s.expects.size(), 2u);
}

TEST(Loader, MinimalScenarioGetsDefaults) {
  const auto s = load("duration: 10s\nnodes: 3\n");
  EXPECT_EQ(s.name, "test");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.duration, 10_s);
  EXPECT_EQ(s.tick, 1_s);
  ASSERT_EQ(s.nodes.size(), 3u);
  EXPECT_EQ(s.nodes[2].id, 2u);
  EXPECT_EQ(s.nodes[2].name, "n2");
  EXPECT_TRUE(s.nodes[2].can_be_master);
  EXPECT_EQ(s.topology.kind, TopologySpec::Kind::kFullMesh);
  EXPECT_EQ(s.algorithm.sync.kind, "none");
  EXPECT_TRUE(s.algorithm.election.kind.empty());
  EXPECT_TRUE(s.faults.empty());
  EXPECT_TRUE(s.expects.empty());
  EXPECT_TRUE(s.output.trace);
  EXPECT_EQ(s.links.defaults.latency_ns.kind, DK::kConstant);
  EXPECT_DOUBLE_EQ(s.links.defaults.latency_ns.a, 1e6);
}

// host: daemon runs clocksyncd's clock guard with the limits its config would give it, written
// the same way; under host: algorithm there is no guard, and limits there are a mistake.
TEST(Loader, LimitsAreClocksyncdsAndOnlyUnderTheDaemonHost) {
  EXPECT_EQ(load("duration: 10s\nnodes: 3\nhost: daemon\n").daemon_limits.panic_threshold,
            ClockGuardConfig{}.panic_threshold);
  const auto s = load("duration: 10s\nnodes: 3\nhost: daemon\nlimits: {master_max_adjust: 0s, min_step: 2ms}\n");
  EXPECT_EQ(s.daemon_limits.master_max_adjust, Duration::zero());
  EXPECT_EQ(s.daemon_limits.min_step, 2_ms);
  EXPECT_EQ(s.daemon_limits.panic_threshold, ClockGuardConfig{}.panic_threshold);
  // --set reaches them, as any key.
  EXPECT_EQ(load("duration: 10s\nnodes: 3\nhost: daemon\n", LoadOptions{{"limits.panic_threshold=5s"}})
                .daemon_limits.panic_threshold,
            5_s);
  try {
    load("duration: 10s\nnodes: 3\nlimits: {panic_threshold: 5s}\n");
    FAIL() << "limits under host: algorithm were taken";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yaml:3:9: error: at 'limits': limits are clocksyncd's clock guard limits "
                                         "and apply only under host: daemon"),
              std::string::npos)
        << e.what();
  }
  // Each mistake of the section with the others of the file.
  try {
    load("duration: 10s\nnodes: 3\nhost: daemon\nlimits: {panic_treshold: 5s, min_step: -1ms}\ntick: 0s\n");
    FAIL() << "bad limits were taken";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'limits.panic_treshold': unknown key 'panic_treshold' (did you mean 'panic_threshold'?)"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("'limits.min_step'"), std::string::npos) << what;
    EXPECT_NE(what.find("'tick'"), std::string::npos) << what;
  }
}

// A node's own limits: (a member whose clocksyncd config differs) take the top-level section's
// values and put theirs on top; the other nodes run the top-level ones. In both node forms, and
// with the same errors as the top-level section, at the node's own path.
TEST(Loader, ANodesOwnLimitsGoOnTopOfTheScenarios) {
  const auto s = load(
      "duration: 10s\nhost: daemon\nlimits: {min_step: 2ms}\n"
      "nodes:\n  - {name: a, limits: {panic_threshold: 5s}}\n  - b\n  - {name: c, drift_ppm: 3}\n");
  ASSERT_EQ(s.node_limits.size(), 1u);
  EXPECT_EQ(s.limits_of(0).panic_threshold, 5_s);
  EXPECT_EQ(s.limits_of(0).min_step, 2_ms);  // the scenario's, under the node's
  EXPECT_EQ(s.limits_of(0).master_max_adjust, ClockGuardConfig{}.master_max_adjust);
  EXPECT_EQ(s.limits_of(1).panic_threshold, ClockGuardConfig{}.panic_threshold);
  EXPECT_EQ(s.limits_of(2).min_step, 2_ms);

  const auto m = load("duration: 10s\nhost: daemon\nnodes: {count: 4, overrides: {n2: {limits: {max_rate_ppm: 50}}}}\n");
  ASSERT_EQ(m.node_limits.size(), 1u);
  EXPECT_EQ(m.limits_of(2).max_rate_ppm, 50);
  EXPECT_EQ(m.limits_of(3).max_rate_ppm, ClockGuardConfig{}.max_rate_ppm);
  // --set reaches a node's limits as any key.
  const auto set = load("duration: 10s\nhost: daemon\nnodes: {count: 4, overrides: {n1: {drift_ppm: 1}}}\n",
                        LoadOptions{{"nodes.overrides.n1.limits.panic_threshold=7s"}});
  EXPECT_EQ(set.limits_of(1).panic_threshold, 7_s);

  try {
    load("duration: 10s\nnodes:\n  - {name: a, limits: {panic_threshold: 5s}}\n");
    FAIL() << "a node's limits under host: algorithm were taken";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yaml:3:23: error: at 'nodes.0.limits': a node's limits are its "
                                         "clocksyncd's clock guard limits and apply only under host: daemon"),
              std::string::npos)
        << e.what();
  }
  try {
    load("duration: 10s\nhost: daemon\nnodes: {count: 3, overrides: {n1: {limits: {panic_treshold: 5s, min_step: -1ms}}}}\n"
         "tick: 0s\n");
    FAIL() << "bad limits of a node were taken";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'nodes.overrides.n1.limits.panic_treshold': unknown key 'panic_treshold' (did you mean "
                        "'panic_threshold'?)"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("'nodes.overrides.n1.limits.min_step'"), std::string::npos) << what;
    EXPECT_NE(what.find("'tick'"), std::string::npos) << what;
  }
}

TEST(Loader, FullScenario) {
  const auto s = load(R"yaml(
name: failover
description: Eight nodes; the master crashes.
seed: 42
duration: 5m
tick: 100ms
nodes: 8
clocks:
  drift_ppm: uniform(-100, 100)
  initial_offset: uniform(-50ms, 50ms)
  wander_ppm_per_sqrt_s: 0.01
  sine_amplitude_ppm: 2
  sine_period: 1h
  max_slew_ppm: 500
  resolution: 1us
topology: star(n3)
links:
  latency: 1ms + exponential(2ms)
  asymmetry: 0.2
  loss: 0.01
  overrides:
    - {between: [n0, n3], latency: 'adversarial(1ms, 5ms)', loss: 0.5}
faults:
  - {at: 60s, crash: master}
  - {at: 70s, crash: n2, until: 80s}
  - {at: 180s, restart: n0}
  - {at: 200s, partition: [[n0, n1, n2], rest], until: 240s}
  - {at: 241s, heal: all}
  - {at: 90s, link_down: [n3, n5], until: 95s}
  - {at: 96s, link_up: [n5, n3]}
  - {at: 30s, clock_step: {node: n6, by: -50ms}}
  - {at: 250s, stop: master, until: 280s}
expect:
  - {max_skew: bound, after: 30s}
  - {max_skew: 1.5 * bound, after: 10s, until: 20s}
  - {max_skew: 5ms}
  - {masters_at_end: 1}
  - {failover_time_max: 20s}
  - {max_abs_offset: 1s, after: 1m, outside_failover: 5s}
output:
  trace: false
  events: true
  trace_nodes: [n0, n7]
  trace_every: 1s
  compress: gzip
)yaml");
  EXPECT_EQ(s.name, "failover");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.duration, 300_s);
  EXPECT_EQ(s.tick, 100_ms);
  EXPECT_EQ(s.clocks.drift_ppm.kind, DK::kUniform);
  EXPECT_DOUBLE_EQ(s.clocks.drift_ppm.a, -100);
  EXPECT_DOUBLE_EQ(s.clocks.drift_ppm.b, 100);
  EXPECT_DOUBLE_EQ(s.clocks.initial_offset_ns.a, -50e6);
  EXPECT_DOUBLE_EQ(s.clocks.wander_ppm_per_sqrt_s, 0.01);
  EXPECT_DOUBLE_EQ(s.clocks.sine_amplitude_ppm.a, 2);
  EXPECT_EQ(s.clocks.sine_period, 3600_s);
  EXPECT_EQ(s.clocks.resolution, 1000_ns);
  EXPECT_EQ(s.topology.kind, TopologySpec::Kind::kStar);
  EXPECT_EQ(s.topology.hub, 3u);
  EXPECT_EQ(s.links.defaults.latency_ns.kind, DK::kExponential);
  EXPECT_DOUBLE_EQ(s.links.defaults.latency_ns.a, 2e6);
  EXPECT_DOUBLE_EQ(s.links.defaults.latency_ns.shift, 1e6);
  EXPECT_DOUBLE_EQ(s.links.defaults.asymmetry.a, 0.2);
  ASSERT_EQ(s.links.overrides.size(), 1u);
  EXPECT_EQ(s.links.overrides[0].model.latency_ns.kind, DK::kAdversarial);
  EXPECT_DOUBLE_EQ(s.links.overrides[0].model.loss, 0.5);
  EXPECT_DOUBLE_EQ(s.links.overrides[0].model.asymmetry.a, 0.2);  // inherited

  ASSERT_EQ(s.faults.size(), 9u);
  EXPECT_EQ(s.faults[0].kind, FaultSpec::Kind::kCrash);
  EXPECT_TRUE(s.faults[0].node_is_master);
  EXPECT_FALSE(s.faults[0].graceful);
  // stop: a crash after a graceful shutdown.
  EXPECT_EQ(s.faults[8].kind, FaultSpec::Kind::kCrash);
  EXPECT_TRUE(s.faults[8].graceful);
  EXPECT_TRUE(s.faults[8].node_is_master);
  EXPECT_EQ(*s.faults[8].until, 280_s);
  EXPECT_EQ(s.faults[0].at, 60_s);
  EXPECT_EQ(s.faults[0].where.line, 24);
  EXPECT_EQ(s.faults[0].where.column, 5);
  EXPECT_EQ(format_location(s.faults[0].where), "test.yaml:24:5");
  EXPECT_EQ(format_location(s.expects[0].where), "test.yaml:34:5");
  EXPECT_EQ(s.faults[1].node, 2u);
  EXPECT_EQ(s.faults[1].until, 80_s);
  EXPECT_EQ(s.faults[2].kind, FaultSpec::Kind::kRestart);
  ASSERT_EQ(s.faults[3].groups.size(), 2u);
  EXPECT_EQ(s.faults[3].groups[0], (std::vector<NodeId>{0, 1, 2}));
  EXPECT_EQ(s.faults[3].groups[1], (std::vector<NodeId>{3, 4, 5, 6, 7}));
  EXPECT_EQ(s.faults[4].kind, FaultSpec::Kind::kHeal);
  EXPECT_EQ(s.faults[5].kind, FaultSpec::Kind::kLinkDown);
  EXPECT_EQ(s.faults[5].a, 3u);
  EXPECT_EQ(s.faults[5].b, 5u);
  EXPECT_EQ(s.faults[6].kind, FaultSpec::Kind::kLinkUp);
  EXPECT_EQ(s.faults[7].kind, FaultSpec::Kind::kClockStep);
  EXPECT_EQ(s.faults[7].node, 6u);
  EXPECT_EQ(s.faults[7].step, -50_ms);

  ASSERT_EQ(s.expects.size(), 6u);
  EXPECT_TRUE(s.expects[0].use_bound);
  EXPECT_EQ(s.expects[0].after, 30_s);
  EXPECT_DOUBLE_EQ(s.expects[1].bound_factor, 1.5);
  EXPECT_EQ(s.expects[1].until, 20_s);
  EXPECT_FALSE(s.expects[2].use_bound);
  EXPECT_EQ(s.expects[2].value, 5_ms);
  EXPECT_EQ(s.expects[3].kind, ExpectSpec::Kind::kMastersAtEnd);
  EXPECT_EQ(s.expects[3].count, 1);
  EXPECT_EQ(s.expects[4].kind, ExpectSpec::Kind::kFailoverTimeMax);
  EXPECT_EQ(s.expects[4].value, 20_s);
  EXPECT_EQ(s.expects[5].kind, ExpectSpec::Kind::kMaxAbsOffset);
  EXPECT_EQ(s.expects[5].outside_failover, 5_s);
  EXPECT_FALSE(s.expects[0].outside_failover);

  EXPECT_FALSE(s.output.trace);
  EXPECT_EQ(s.output.trace_nodes, (std::vector<NodeId>{0, 7}));
  EXPECT_EQ(s.output.trace_every, 1_s);
  EXPECT_TRUE(s.output.compress_trace);
}

TEST(Loader, LinkOverridesAndLinkFaultsMustNameNeighbours) {
  EXPECT_THROW(load("duration: 1m\nnodes: 4\ntopology: line\nlinks: {overrides: [{between: [n0, n2], loss: 1}]}\n"),
               ScenarioError);
  EXPECT_NO_THROW(load("duration: 1m\nnodes: 4\ntopology: line\nlinks: {overrides: [{between: [n2, n1], loss: 1}]}\n"));
  // Random topologies are only known to the engine.
  EXPECT_NO_THROW(load("duration: 1m\nnodes: 4\ntopology: erdos_renyi(0.5)\nfaults: [{at: 1s, link_up: [n0, n3]}]\n"));
}

TEST(Loader, NodeMappingWithOverrides) {
  const auto s = load(R"yaml(
duration: 1m
nodes:
  count: 4
  overrides:
    n2: {drift_ppm: 200, can_be_master: false, initial_offset: 5ms}
)yaml");
  ASSERT_EQ(s.nodes.size(), 4u);
  EXPECT_FALSE(s.nodes[2].can_be_master);
  ASSERT_TRUE(s.nodes[2].clock->drift_ppm);
  EXPECT_DOUBLE_EQ(s.nodes[2].clock->drift_ppm->a, 200);
  EXPECT_DOUBLE_EQ(s.nodes[2].clock->initial_offset_ns->a, 5e6);
  EXPECT_FALSE(s.nodes[1].clock->drift_ppm);
  // Sparse: only the node with overrides stores one.
  EXPECT_TRUE(s.nodes[2].clock.has_value());
  EXPECT_FALSE(s.nodes[1].clock.has_value());
}

TEST(Loader, NodeListWithNames) {
  const auto s = load(R"yaml(
duration: 1m
nodes:
  - alpha
  - {name: beta, can_be_master: false, max_slew_ppm: 100}
  - {drift_ppm: "normal(0, 10)"}
faults:
  - {at: 10s, crash: beta}
  - {at: 20s, partition: [[alpha], [beta, n2]]}
)yaml");
  ASSERT_EQ(s.nodes.size(), 3u);
  EXPECT_EQ(s.nodes[0].name, "alpha");
  EXPECT_EQ(s.nodes[1].name, "beta");
  EXPECT_EQ(s.nodes[2].name, "n2");
  EXPECT_FALSE(s.nodes[1].can_be_master);
  EXPECT_DOUBLE_EQ(*s.nodes[1].clock->max_slew_ppm, 100);
  EXPECT_EQ(s.nodes[2].clock->drift_ppm->kind, DK::kNormal);
  EXPECT_EQ(s.faults[0].node, 1u);
  EXPECT_EQ(s.faults[1].groups[1], (std::vector<NodeId>{1, 2}));
}

TEST(Loader, Topologies) {
  EXPECT_EQ(load("duration: 1s\nnodes: 6\ntopology: grid(2, 3)\n").topology.rows, 2);
  EXPECT_EQ(load("duration: 1s\nnodes: 6\ntopology: grid(rows=3, cols=2)\n").topology.cols, 2);
  EXPECT_EQ(load("duration: 1s\nnodes: 6\ntopology: ring\n").topology.kind, TopologySpec::Kind::kRing);
  EXPECT_EQ(load("duration: 1s\nnodes: 6\ntopology: line\n").topology.kind, TopologySpec::Kind::kLine);
  EXPECT_EQ(load("duration: 1s\nnodes: 6\ntopology: star\n").topology.hub, 0u);
  EXPECT_DOUBLE_EQ(load("duration: 1s\nnodes: 6\ntopology: erdos_renyi(p=0.3)\n").topology.p, 0.3);
  EXPECT_EQ(load("duration: 1s\nnodes: 6\ntopology: barabasi_albert(m=2)\n").topology.m, 2);
}

TEST(Loader, TopologyFileIsResolvedRelativeToTheScenario) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/scenario_loader_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/net.graphml") << "<graphml><graph edgedefault=\"undirected\"><node id=\"n0\"/><node id=\"n1\"/>"
                                          "<edge source=\"n0\" target=\"n1\"/></graph></graphml>\n";
  std::ofstream(dir + "/s.yaml") << "duration: 1s\nnodes: 2\ntopology: {file: net.graphml}\n";
  const auto s = load_scenario_file(dir + "/s.yaml");
  EXPECT_EQ(s.topology.kind, TopologySpec::Kind::kFile);
  EXPECT_EQ(s.topology.file, std::filesystem::path(dir + "/net.graphml").lexically_normal().string());
  // A folder (or a pipe, a device) by that name is there but holds no graph to read.
  std::filesystem::create_directories(dir + "/folder.dot");
  std::ofstream(dir + "/d.yaml") << "duration: 1s\nnodes: 2\ntopology: {file: folder.dot}\n";
  try {
    load_scenario_file(dir + "/d.yaml");
    FAIL() << "a folder was taken for a topology file";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("3:18: error: at 'topology.file': topology file 'folder.dot' (resolved to '" +
                                         std::filesystem::path(dir + "/folder.dot").lexically_normal().string() +
                                         "') is not a regular file"),
              std::string::npos)
        << e.what();
  }
}

TEST(Loader, Distributions) {
  auto drift = [](const std::string& d) { return load("duration: 1s\nnodes: 1\nclocks: {drift_ppm: '" + d + "'}\n").clocks.drift_ppm; };
  auto lat = [](const std::string& d) { return load("duration: 1s\nnodes: 1\nlinks: {latency: '" + d + "'}\n").links.defaults.latency_ns; };
  EXPECT_EQ(drift("5").kind, DK::kConstant);
  EXPECT_DOUBLE_EQ(drift("-2.5").a, -2.5);
  EXPECT_DOUBLE_EQ(drift("constant(3)").a, 3);
  EXPECT_EQ(drift("normal(mean=1, sd=2)").kind, DK::kNormal);
  EXPECT_DOUBLE_EQ(drift("normal(sd=2, mean=1)").b, 2);
  const auto ln = lat("lognormal(2ms, 0.5)");
  EXPECT_EQ(ln.kind, DK::kLognormal);
  EXPECT_DOUBLE_EQ(ln.a, 2e6);
  EXPECT_DOUBLE_EQ(ln.b, 0.5);
  const auto p = lat("pareto(scale=1ms, shape=1.5)");
  EXPECT_EQ(p.kind, DK::kPareto);
  EXPECT_DOUBLE_EQ(p.b, 1.5);
  EXPECT_DOUBLE_EQ(lat("normal(5ms, 1ms)").a, 5e6);
  EXPECT_DOUBLE_EQ(lat("250us").a, 250e3);
  EXPECT_DOUBLE_EQ(lat("0.5ms + uniform(0, 1ms)").shift, 0.5e6);
  EXPECT_DOUBLE_EQ(drift("10 + normal(0, 1)").shift, 10);
}

TEST(Loader, SetOverridesEditTheTreeBeforeValidation) {
  LoadOptions o;
  o.set_overrides = {"seed=9", "nodes=5", "links.loss=0.25", "faults.0.at=20s", "output.trace_nodes=[n1, n4]",
                     "clocks.drift_ppm=uniform(-1, 1)", "algorithm.sync.kind=none"};
  const auto s = load("duration: 1m\nnodes: 3\nfaults:\n  - {at: 10s, crash: n0}\n", o);
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.nodes.size(), 5u);
  EXPECT_DOUBLE_EQ(s.links.defaults.loss, 0.25);
  EXPECT_EQ(s.faults[0].at, 20_s);
  EXPECT_EQ(s.output.trace_nodes, (std::vector<NodeId>{1, 4}));
  EXPECT_EQ(s.clocks.drift_ppm.kind, DK::kUniform);
  EXPECT_EQ(s.algorithm.sync.kind, "none");
}

TEST(Loader, DescriptionMayBeEmptyButNotAList) {
  EXPECT_EQ(load("duration: 1s\nnodes: 1\ndescription: ''\n").description, "");
  EXPECT_THROW(load("duration: 1s\nnodes: 1\ndescription: [a]\n"), ScenarioError);
}

TEST(Loader, TwoSidedExpectationKeys) {
  const auto s = load("duration: 1m\nnodes: 2\nexpect:\n  - {offset: -3m, within: 1us, after: 1s}\n"
                      "  - {max_skew: 80ms, at_least: 79ms}\n");
  ASSERT_EQ(s.expects.size(), 2u);
  EXPECT_EQ(s.expects[0].kind, ExpectSpec::Kind::kOffset);
  EXPECT_EQ(s.expects[0].value, Duration::from_seconds(-180));
  EXPECT_EQ(s.expects[0].within, 1_us);
  EXPECT_EQ(*s.expects[1].at_least, 79_ms);
  // at_least above the upper limit, within on another kind, at_least on offset: refused.
  EXPECT_THROW(load("duration: 1m\nnodes: 2\nexpect: [{max_skew: 1ms, at_least: 2ms}]\n"), ScenarioError);
  EXPECT_THROW(load("duration: 1m\nnodes: 2\nexpect: [{max_skew: 1ms, within: 2ms}]\n"), ScenarioError);
  EXPECT_THROW(load("duration: 1m\nnodes: 2\nexpect: [{offset: 1ms, at_least: 2ms}]\n"), ScenarioError);
}

TEST(Loader, SetOverrideCanFillAnEmptyFile) {
  LoadOptions o;
  o.set_overrides = {"duration=2s", "nodes=1"};
  EXPECT_EQ(load("", o).duration, 2_s);
}

TEST(Loader, AnchorsAndAliasesAreExpanded) {
  const auto s = load(R"yaml(
duration: 1m
nodes: 3
clocks: {drift_ppm: &d 'uniform(-5, 5)'}
links: {overrides: [{between: [n0, n1], latency: &l 3ms}, {between: [n1, n2], latency: *l}]}
)yaml");
  EXPECT_DOUBLE_EQ(s.links.overrides[1].model.latency_ns.a, 3e6);
}

TEST(Loader, ErrorsAreScenarioErrorsWithLocation) {
  try {
    load("duration: 10s\nnodes: 3\nlinks:\n  latency: 5 parsecs\n");
    FAIL() << "expected an error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), "test.yaml");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 12);
    EXPECT_EQ(e.key_path(), "links.latency");
    EXPECT_STREQ(e.what(),
                 "test.yaml:4:12: error: at 'links.latency': expected a latency distribution such as "
                 "uniform(1ms, 5ms), got '5 parsecs'");
  }
}

// (line, key path) of every error a scenario text raises, in the order reported.
std::vector<std::pair<int, std::string>> errors_of(const std::string& text) {
  try {
    load(text);
  } catch (const config::ConfigError& e) {
    std::vector<std::pair<int, std::string>> found;
    for (const auto& one : e.each()) found.emplace_back(one.line(), one.key_path());
    return found;
  }
  return {};
}

// A mistake in one section says nothing about another: one reading names them all, in the order
// of the file, however many sections they are spread over.
TEST(Loader, MistakesInSeveralSectionsAreReportedTogetherInFileOrder) {
  const std::string text =
      "seeed: 3\n"                        // 1
      "duration: 10s\n"                   // 2
      "nodes: 3\n"                        // 3
      "clocks:\n  drift_pmm: 5\n"          // 5
      "links:\n  latency: 5 parsecs\n"     // 7
      "algorithm:\n  sync: {kind: berkeley, perod: 5s}\n"  // 9
      "faults:\n  - {at: 1s, crsh: n1}\n"  // 11
      "expect:\n  - max_skw: 5ms\n"        // 13
      "output:\n  trcae: true\n";          // 15
  const std::vector<std::pair<int, std::string>> want = {
      {1, "seeed"}, {5, "clocks.drift_pmm"}, {7, "links.latency"}, {9, "algorithm.sync.perod"},
      {11, "faults.0.crsh"}, {13, "expect.0.max_skw"}, {15, "output.trcae"}};
  const auto got = errors_of(text);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].first, want[i].first) << got[i].second;
    EXPECT_EQ(got[i].second.rfind(want[i].second, 0), 0u) << got[i].second << " against " << want[i].second;
  }
}

// What other sections read (the duration, the nodes, the algorithm) is reported once: the sections
// that depend on it are not read against a default and blamed for its mistake.
TEST(Loader, AMistakeOtherSectionsDependOnIsReportedOnce) {
  // A bad duration: no "tick longer than duration", no fault "after the end", no output error.
  auto got = errors_of("duration: 10 parsecs\nnodes: 3\nfaults:\n  - {at: 5s, crash: n1}\nclocks:\n  drift_pmm: 5\n");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].second, "duration");
  EXPECT_EQ(got[1].second, "clocks.drift_pmm");
  // Bad nodes: nothing that names a node is read, but what came before is still reported.
  got = errors_of("seeed: 1\nduration: 10s\nnodes: -3\nfaults:\n  - {at: 5s, crash: n7}\n");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].second, "seeed");
  EXPECT_EQ(got[1].second.rfind("nodes", 0), 0u) << got[1].second;
  // An algorithm whose kind cannot be read: expectations (which depend on it) are not read.
  got = errors_of("duration: 10s\nnodes: 3\nalgorithm: {sync: {kind: [berkeley]}}\nexpect:\n  - causality: consistent\n");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second.rfind("algorithm", 0), 0u) << got[0].second;
  // One whose kind reads but whose parameters do not: they are, against that kind.
  got = errors_of("duration: 10s\nnodes: 3\nalgorithm: {sync: {kind: berkeley, perod: 1s}}\nexpect:\n  - causality: consistent\n");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].second.rfind("expect.0", 0), 0u) << got[1].second;
}

}  // namespace
}  // namespace clocksim::scenario
