#include "sim/scenario/topology_adjacency.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/network/topology.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::scenario {
namespace {

TopologySpec kind(TopologySpec::Kind k) {
  TopologySpec t;
  t.kind = k;
  return t;
}

TEST(TopologyAdjacency, DeterministicTopologies) {
  using K = TopologySpec::Kind;
  EXPECT_TRUE(*linked(kind(K::kFullMesh), 5, 0, 4));
  EXPECT_TRUE(*linked(kind(K::kRing), 5, 4, 0));
  EXPECT_TRUE(*linked(kind(K::kRing), 5, 2, 3));
  EXPECT_FALSE(*linked(kind(K::kRing), 5, 1, 3));
  EXPECT_FALSE(*linked(kind(K::kLine), 5, 4, 0));
  EXPECT_TRUE(*linked(kind(K::kLine), 5, 3, 4));
  auto star = kind(K::kStar);
  star.hub = 2;
  EXPECT_TRUE(*linked(star, 5, 4, 2));
  EXPECT_FALSE(*linked(star, 5, 0, 1));
  auto grid = kind(K::kGrid);
  grid.rows = 2;
  grid.cols = 3;  // 0 1 2 / 3 4 5
  EXPECT_TRUE(*linked(grid, 6, 1, 2));
  EXPECT_FALSE(*linked(grid, 6, 2, 3));  // row wrap is not a link
  EXPECT_TRUE(*linked(grid, 6, 1, 4));
  EXPECT_FALSE(*linked(grid, 6, 0, 4));
  EXPECT_FALSE(*linked(kind(K::kFullMesh), 5, 1, 1));
  EXPECT_FALSE(linked(kind(K::kErdosRenyi), 5, 0, 1).has_value());
  EXPECT_FALSE(linked(kind(K::kFile), 5, 0, 1).has_value());
}

// A random topology is answered by building it as the engine does: the same seed, the same graph,
// so the loader refuses exactly the pairs the run would find unlinked.
TEST(TopologyAdjacency, RandomTopologiesAgreeWithTheEnginesGraph) {
  for (const char* topology : {"erdos_renyi(0.2)", "barabasi_albert(2)"}) {
    for (std::uint64_t seed : {1u, 7u, 123u}) {
      SCOPED_TRACE(std::string(topology) + " seed " + std::to_string(seed));
      const ScenarioSpec spec = load_scenario_text(
          "duration: 1s\nnodes: 30\nseed: " + std::to_string(seed) + "\ntopology: " + topology + "\n", "t.yaml");
      const NodeNames names(spec.nodes);
      const TopologyAdjacency adjacency(spec.topology, names, spec.seed, spec.source_file);
      const sim::Topology engine = sim::build_topology(spec.topology, 30, spec.seed);
      std::size_t links = 0;
      for (NodeId a = 0; a < 30; ++a) {
        for (NodeId b = 0; b < 30; ++b) {
          EXPECT_EQ(adjacency.linked(a, b), engine.adjacent(a, b)) << a << " " << b;
          links += adjacency.linked(a, b) ? 1 : 0;
        }
      }
      EXPECT_GT(links, 0u);
      EXPECT_LT(links, 30u * 29u);
    }
  }
}

// A link fault between two nodes the drawn graph does not join fails on loading, at the fault;
// between two it joins, it loads.
TEST(TopologyAdjacency, LinkFaultsOnARandomTopologyAreCheckedOnLoading) {
  const std::string head = "duration: 1m\nnodes: 12\nseed: 5\ntopology: erdos_renyi(0.3)\n";
  const ScenarioSpec spec = load_scenario_text(head, "t.yaml");
  const sim::Topology engine = sim::build_topology(spec.topology, 12, spec.seed);
  std::optional<std::pair<NodeId, NodeId>> joined, apart;
  for (NodeId a = 0; a < 12; ++a) {
    for (NodeId b = a + 1; b < 12; ++b) (engine.adjacent(a, b) ? joined : apart) = std::pair{a, b};
  }
  ASSERT_TRUE(joined && apart);
  auto fault = [&](std::pair<NodeId, NodeId> p) {
    return head + "faults:\n  - {at: 10s, link_down: [n" + std::to_string(p.first) + ", n" + std::to_string(p.second) + "]}\n";
  };
  EXPECT_EQ(load_scenario_text(fault(*joined), "t.yaml").faults.size(), 1u);
  try {
    (void)load_scenario_text(fault(*apart), "t.yaml");
    ADD_FAILURE() << "a link fault between two unlinked nodes loaded";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("t.yaml:6:26: error: at 'faults.0.link_down': n"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("share no link in this topology"), std::string::npos) << e.what();
  }
}

// A topology file the engine cannot read fails on loading, located at the scenario's `file`.
TEST(TopologyAdjacency, ABadTopologyFileFailsOnLoadingAtItsKey) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/topology_adjacency_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/net.dot") << "graph { n0 -- n1; n1 -- n2 [loss=1.5]; }\n";
  std::ofstream(dir + "/s.yaml") << "duration: 1s\nnodes: 3\ntopology:\n  file: net.dot\n";
  try {
    (void)load_scenario_file(dir + "/s.yaml");
    ADD_FAILURE() << "a topology file with a loss of 1.5 loaded";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find(dir + "/s.yaml:4:9: error: at 'topology.file': " + dir +
                                         "/net.dot:1:34: edge n1 -- n2: loss 1.5 is not a probability in [0, 1]"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace clocksim::scenario
