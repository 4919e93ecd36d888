#include "sim/network/topology.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "algorithms/core/rng.hpp"

namespace clocksim::sim {
namespace topology_test {

using Kind = scenario::TopologySpec::Kind;

scenario::TopologySpec spec_of(Kind kind) {
  scenario::TopologySpec s;
  s.kind = kind;
  return s;
}

std::string fixture(const std::string& name) {
  return std::string(CLOCKSIM_SOURCE_DIR) + "/tests/sim/network/" + name;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path.string();
}

// Every sparse topology: neighbours sorted and symmetric, link indices a bijection.
void expect_well_formed(const Topology& t) {
  std::set<std::uint64_t> indices;
  for (NodeId v = 0; v < t.node_count(); ++v) {
    NodeId previous = 0;
    bool first = true;
    std::uint64_t count = 0;
    t.for_each_neighbor(v, [&](NodeId w) {
      EXPECT_TRUE(first || w > previous) << "neighbours of " << v << " not sorted";
      EXPECT_TRUE(t.adjacent(w, v));
      indices.insert(t.directed_link_index(v, w));
      previous = w;
      first = false;
      ++count;
    });
    EXPECT_EQ(count, t.degree(v));
  }
  EXPECT_EQ(indices.size(), t.directed_link_count());
  if (!indices.empty()) {
    EXPECT_EQ(*indices.rbegin(), t.directed_link_count() - 1);
  }
}

// directed_link_index against the CSR rows read one by one, for every ordered pair: rows that
// fill their range (a hub anywhere, rings, lines, dense rows), rows with a gap, and random ones.
void expect_link_indices_match_rows(const Topology& t) {
  const NodeId n = t.node_count();
  std::vector<std::uint64_t> want(static_cast<std::size_t>(n) * n, Topology::kNoLink);
  for (NodeId v = 0; v < n; ++v) {
    auto [it, end] = boost::out_edges(v, t.graph());
    for (; it != end; ++it) {
      want[static_cast<std::size_t>(v) * n + boost::target(*it, t.graph())] = boost::get(boost::edge_index, t.graph(), *it);
    }
  }
  for (NodeId v = 0; v < n; ++v) {
    for (NodeId w = 0; w < n; ++w) {
      ASSERT_EQ(t.directed_link_index(v, w), want[static_cast<std::size_t>(v) * n + w]) << v << " -> " << w;
    }
    EXPECT_EQ(t.directed_link_index(v, n), Topology::kNoLink);
  }
}

TEST(Topology, LinkIndexMatchesTheRowsWhateverTheirShape) {
  for (NodeId hub : {0u, 1u, 6u, 12u, 13u}) expect_link_indices_match_rows(Topology::from_edges(14, star_edges(14, hub)));
  expect_link_indices_match_rows(Topology::from_edges(9, ring_edges(9)));
  expect_link_indices_match_rows(Topology::from_edges(9, line_edges(9)));
  expect_link_indices_match_rows(Topology::from_edges(12, grid_edges(3, 4)));
  // A hub that misses one client, two hubs, a row that is full but for its own id and one more.
  auto gap = star_edges(10, 4);
  gap.erase(gap.begin() + 6);
  expect_link_indices_match_rows(Topology::from_edges(10, gap));
  auto two = star_edges(10, 0);
  for (const auto& e : star_edges(10, 9)) two.push_back(e);
  expect_link_indices_match_rows(Topology::from_edges(10, two));
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    expect_link_indices_match_rows(Topology::from_edges(16, erdos_renyi_edges(16, 0.05 * static_cast<double>(seed % 20), seed)));
  }
  expect_link_indices_match_rows(Topology::from_edges(5, {}));
}

TEST(Topology, FullMeshIsImplicit) {
  const Topology t = build_topology(spec_of(Kind::kFullMesh), 1'000'000, 1);
  EXPECT_TRUE(t.is_full_mesh());
  EXPECT_EQ(t.edge_count(), 1'000'000ULL * 999'999 / 2);
  EXPECT_EQ(t.degree(12345), 999'999u);
  EXPECT_TRUE(t.adjacent(0, 999'999));
  EXPECT_FALSE(t.adjacent(7, 7));
  EXPECT_TRUE(t.connected());
  EXPECT_EQ(boost::num_vertices(t.graph()), 0u);  // nothing materialised
  expect_well_formed(Topology::full_mesh(6));
}

TEST(Topology, Star) {
  auto s = spec_of(Kind::kStar);
  s.hub = 3;
  const Topology t = build_topology(s, 10, 1);
  EXPECT_EQ(t.edge_count(), 9u);
  EXPECT_EQ(t.degree(3), 9u);
  EXPECT_EQ(t.degree(0), 1u);
  EXPECT_TRUE(t.adjacent(0, 3));
  EXPECT_FALSE(t.adjacent(0, 1));
  expect_well_formed(t);
  s.hub = 10;
  EXPECT_THROW(build_topology(s, 10, 1), TopologyError);
}

TEST(Topology, RingAndLine) {
  const Topology ring = build_topology(spec_of(Kind::kRing), 8, 1);
  EXPECT_EQ(ring.edge_count(), 8u);
  for (NodeId v = 0; v < 8; ++v) EXPECT_EQ(ring.degree(v), 2u);
  EXPECT_TRUE(ring.adjacent(7, 0));
  expect_well_formed(ring);
  EXPECT_EQ(build_topology(spec_of(Kind::kRing), 2, 1).edge_count(), 1u);

  const Topology line = build_topology(spec_of(Kind::kLine), 8, 1);
  EXPECT_EQ(line.edge_count(), 7u);
  EXPECT_EQ(line.degree(0), 1u);
  EXPECT_EQ(line.degree(7), 1u);
  EXPECT_EQ(line.degree(4), 2u);
  EXPECT_FALSE(line.adjacent(7, 0));
  expect_well_formed(line);
}

TEST(Topology, Grid) {
  auto s = spec_of(Kind::kGrid);
  s.rows = 3;
  s.cols = 4;
  const Topology t = build_topology(s, 12, 1);
  EXPECT_EQ(t.edge_count(), 3u * 3 + 4u * 2);
  EXPECT_EQ(t.degree(0), 2u);   // corner
  EXPECT_EQ(t.degree(1), 3u);   // edge
  EXPECT_EQ(t.degree(5), 4u);   // interior (row 1, col 1)
  EXPECT_TRUE(t.adjacent(5, 9));
  EXPECT_FALSE(t.adjacent(3, 4));  // no wrap from the end of row 0 to the start of row 1
  expect_well_formed(t);
  try {
    build_topology(s, 13, 1);
    FAIL() << "grid size mismatch accepted";
  } catch (const TopologyError& e) {
    EXPECT_NE(std::string(e.what()).find("rows * cols must equal the node count 13"), std::string::npos)
        << e.what();
  }
}

TEST(Topology, ErdosRenyiEdgeCountAndDeterminism) {
  auto s = spec_of(Kind::kErdosRenyi);
  s.p = 0.01;
  const NodeId n = 2000;
  const Topology t = build_topology(s, n, 7);
  const double expected = s.p * n * (n - 1) / 2;
  EXPECT_NEAR(double(t.edge_count()), expected, 5 * std::sqrt(expected * (1 - s.p)));
  expect_well_formed(t);

  const auto a = erdos_renyi_edges(n, s.p, derive_seed(7, "topology"));
  const auto b = erdos_renyi_edges(n, s.p, derive_seed(7, "topology"));
  const auto c = erdos_renyi_edges(n, s.p, derive_seed(8, "topology"));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(erdos_renyi_edges(n, 0, 1).empty());
  EXPECT_EQ(erdos_renyi_edges(10, 1, 1).size(), 45u);
  s.p = 1.5;
  EXPECT_THROW(build_topology(s, 10, 1), TopologyError);
}

TEST(Topology, ErdosRenyiLargeSparseIsFast) {
  // O(n + m) generation: 10^6 nodes, mean degree 4.
  const auto edges = erdos_renyi_edges(1'000'000, 4e-6, 3);
  EXPECT_NEAR(double(edges.size()), 2e6, 5 * std::sqrt(2e6));
}

TEST(Topology, DisconnectedGraphIsAWarningNotAnError) {
  auto s = spec_of(Kind::kErdosRenyi);
  s.p = 0.0;
  const Topology t = build_topology(s, 5, 1);
  EXPECT_EQ(t.component_count(), 5u);
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("disconnected (5 components)"), std::string::npos);
}

TEST(Topology, BarabasiAlbert) {
  auto s = spec_of(Kind::kBarabasiAlbert);
  s.m = 2;
  const NodeId n = 10'000;
  const Topology t = build_topology(s, n, 11);
  EXPECT_EQ(t.edge_count(), 2u * 3 / 2 + (n - 3) * 2u);
  std::uint64_t max_degree = 0;
  for (NodeId v = 0; v < n; ++v) {
    EXPECT_GE(t.degree(v), 2u);
    max_degree = std::max(max_degree, t.degree(v));
  }
  // Preferential attachment grows hubs (expected max degree ~ m sqrt(n) = 200); uniform
  // attachment would stay near 20.
  EXPECT_GT(max_degree, 60u);
  EXPECT_TRUE(t.connected());
  expect_well_formed(t);
  EXPECT_EQ(barabasi_albert_edges(n, 2, 5), barabasi_albert_edges(n, 2, 5));
  EXPECT_NE(barabasi_albert_edges(n, 2, 5), barabasi_albert_edges(n, 2, 6));
  EXPECT_EQ(barabasi_albert_edges(3, 4, 5).size(), 3u);  // fewer nodes than m: complete graph
}

TEST(TopologyFile, GraphMLMapsByNameWithAttributes) {
  auto s = spec_of(Kind::kFile);
  s.file = fixture("small.graphml");
  const Topology t = build_topology(s, 5, 1);
  EXPECT_EQ(t.edge_count(), 5u);
  EXPECT_TRUE(t.adjacent(0, 1));
  EXPECT_TRUE(t.adjacent(3, 0));
  EXPECT_TRUE(t.adjacent(4, 2));
  EXPECT_FALSE(t.adjacent(0, 2));
  EXPECT_EQ(t.degree(2), 3u);
  EXPECT_TRUE(t.warnings.empty());
  ASSERT_EQ(t.link_attributes.size(), 2u);
  EXPECT_EQ(t.link_attributes[0].a, 0u);
  EXPECT_EQ(t.link_attributes[0].b, 1u);
  EXPECT_EQ(t.link_attributes[0].latency_ns->a, 2e6);
  EXPECT_FALSE(t.link_attributes[0].loss);
  EXPECT_EQ(t.link_attributes[1].a, 2u);
  EXPECT_EQ(t.link_attributes[1].b, 3u);
  EXPECT_EQ(t.link_attributes[1].latency_ns->a, 5e5);
  EXPECT_EQ(*t.link_attributes[1].loss, 0.25);
}

TEST(TopologyFile, DotMapsByOrderWithAWarning) {
  auto s = spec_of(Kind::kFile);
  s.file = fixture("small.dot");
  const Topology t = build_topology(s, 4, 1);
  EXPECT_EQ(t.edge_count(), 4u);
  // Boost's DOT reader orders nodes by name: alpha 0, beta 1, delta 2, gamma 3.
  EXPECT_TRUE(t.adjacent(0, 1));  // alpha -- beta
  EXPECT_TRUE(t.adjacent(0, 3));  // alpha -- gamma
  EXPECT_TRUE(t.adjacent(3, 2));  // gamma -- delta
  EXPECT_FALSE(t.adjacent(1, 2)); // beta -- delta
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("mapped by the reader's order (alpha -> 0, beta -> 1, delta -> 2, ...)"),
            std::string::npos) << t.warnings[0];
  ASSERT_EQ(t.link_attributes.size(), 3u);
  EXPECT_EQ(t.link_attributes[0].latency_ns->a, 3e6);
  EXPECT_EQ(t.link_attributes[1].a, 0u);  // alpha -- gamma
  EXPECT_EQ(t.link_attributes[1].b, 3u);
  EXPECT_EQ(t.link_attributes[1].latency_ns->kind, scenario::Distribution::Kind::kUniform);
  EXPECT_EQ(t.link_attributes[1].latency_ns->b, 2e6);
  EXPECT_EQ(*t.link_attributes[2].loss, 0.1);
  EXPECT_EQ(t.link_attributes[2].a, 2u);
  EXPECT_EQ(t.link_attributes[2].b, 3u);
}

TEST(TopologyFile, GraphMLMapsByDocumentOrder) {
  const std::string path = write_temp("order.graphml", R"(<graphml><graph edgedefault="undirected">
    <node id="a"/><node id="c"/><node id="b"/>
    <edge source="a" target="c"/></graph></graphml>)");
  const Topology t = read_topology_file(path, 3, {});
  EXPECT_TRUE(t.adjacent(0, 1));
  EXPECT_EQ(t.edge_count(), 1u);
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("(a -> 0, c -> 1, b -> 2)"), std::string::npos) << t.warnings[0];
}

TEST(TopologyFile, DotMapsByScenarioNames) {
  const std::vector<std::string> names = {"delta", "gamma", "beta", "alpha"};
  const Topology t = read_topology_file(fixture("small.dot"), 4, names);
  EXPECT_TRUE(t.adjacent(3, 2));  // alpha -- beta
  EXPECT_TRUE(t.adjacent(3, 1));  // alpha -- gamma
  EXPECT_FALSE(t.adjacent(2, 0)); // beta -- delta
  EXPECT_TRUE(t.warnings.empty());
}

void expect_error(const std::string& path, NodeId n, const std::string& fragment) {
  try {
    read_topology_file(path, n, {});
    FAIL() << "accepted " << path;
  } catch (const TopologyError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

// Loops and repeated edges are legal DOT and GraphML but mean nothing here: warned, not fatal.
TEST(TopologyFile, LoopsAndRepeatedEdgesAreWarnedAbout) {
  const std::vector<std::string> names{"n0", "n1", "n2"};
  const Topology t = read_topology_file(
      write_temp("repeats.dot", "graph { n0 -- n0; n0 -- n1 [latency=\"1ms\"]; n1 -- n0 [latency=\"5ms\"]; n1 -- n2; }"), 3,
      names);
  EXPECT_EQ(t.edge_count(), 2u);
  ASSERT_EQ(t.warnings.size(), 2u);
  EXPECT_NE(t.warnings[0].find("1 edge(s) from a node to itself ignored: n0"), std::string::npos) << t.warnings[0];
  EXPECT_NE(t.warnings[1].find("1 edge(s) listed more than once, kept as one link with the last attributes given: n1 -- n0"),
            std::string::npos)
      << t.warnings[1];
}

// Attributes clocksim does not read are said, each once: a misspelt "lossy" must not leave every
// link lossless without a word. Node attributes (a DOT shape, a GraphML label) are not links'.
TEST(TopologyFile, IgnoredEdgeAttributesAreNamed) {
  const std::vector<std::string> names{"n0", "n1", "n2"};
  const Topology dot = read_topology_file(
      write_temp("attrs.dot", "graph { n0 [shape=box]; n0 -- n1 [latency=\"2ms\", color=red]; n1 -- n2 [lossy=0.5, color=blue]; }"),
      3, names);
  ASSERT_EQ(dot.warnings.size(), 1u);
  EXPECT_NE(dot.warnings[0].find("2 edge attribute(s) ignored (clocksim reads an edge's latency and loss): color, lossy"),
            std::string::npos)
      << dot.warnings[0];
  EXPECT_EQ(dot.link_attributes.size(), 1u);  // n0 -- n1's latency; "lossy" set nothing
  const Topology graphml = read_topology_file(
      write_temp("attrs.graphml",
                 "<graphml><key id=\"w\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>"
                 "<key id=\"l\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>"
                 "<graph edgedefault=\"undirected\"><node id=\"n0\"><data key=\"l\">a</data></node><node id=\"n1\"/>"
                 "<node id=\"n2\"/><edge source=\"n0\" target=\"n1\"><data key=\"w\">3</data></edge>"
                 "<edge source=\"n1\" target=\"n2\"/></graph></graphml>"),
      3, names);
  ASSERT_EQ(graphml.warnings.size(), 1u);
  EXPECT_NE(graphml.warnings[0].find("1 edge attribute(s) ignored (clocksim reads an edge's latency and loss): weight"),
            std::string::npos)
      << graphml.warnings[0];
  const Topology plain = read_topology_file(write_temp("plain.dot", "graph { n0 -- n1 [loss=0.1]; n1 -- n2; }"), 3, names);
  EXPECT_TRUE(plain.warnings.empty());
}

TEST(TopologyFile, Errors) {
  expect_error(fixture("small.graphml"), 6, "the file has 5 nodes but the scenario has 6");
  expect_error(fixture("missing.graphml"), 5, "cannot open topology file");
  expect_error(fixture("small.txt"), 5, "unknown topology file type");
  expect_error(write_temp("partial.dot", "graph { n0 -- n1; n1 -- x; }"), 3,
               "node \"x\" is not a scenario node name (2 of 3 ids match");
  expect_error(write_temp("badlat.dot", "graph { n0 -- n1 [latency=fast]; }"), 2,
               "latency \"fast\": expected a latency");
  expect_error(write_temp("badloss.dot", "graph { n0 -- n1 [loss=2]; }"), 2,
               "edge n0 -- n1: loss 2 is not a probability");
  expect_error(write_temp("syntax.dot", "graph { n0 -- ; }"), 2,
               "syntax.dot:1:15: expected a node name, a subgraph or a statement, got ';'");
  // Located in the file: a bad attribute value, and a loss that is not a number.
  expect_error(write_temp("latency.dot", "graph {\n  n0 -- n1;\n  n1 -- n0 [latency=\"5 parsecs\"];\n}\n"), 2,
               "latency.dot:3:21: edge n1 -- n0: latency \"5 parsecs\"");
  // And in a GraphML file.
  expect_error(write_temp("latency.graphml",
                          "<graphml><key id=\"d0\" for=\"edge\" attr.name=\"latency\" attr.type=\"string\"/>\n"
                          "<graph edgedefault=\"undirected\"><node id=\"n0\"/><node id=\"n1\"/>\n"
                          "<edge source=\"n0\" target=\"n1\">\n  <data key=\"d0\">5 parsecs</data>\n</edge></graph></graphml>\n"),
               2, "latency.graphml:4:18: edge n0 -- n1: latency \"5 parsecs\"");
  expect_error(write_temp("undeclared.graphml",
                          "<graphml><graph edgedefault=\"undirected\">\n<node id=\"n0\"/><node id=\"n1\"/>\n"
                          "<edge source=\"n0\" target=\"n7\"/></graph></graphml>\n"),
               2, "undeclared.graphml:3:1: edge n0 -- n7: node \"n7\" is not declared");
  const std::string count = write_temp("count.dot", "graph {\n  n0 -- n1;\n  n1 -- nl;\n}\n");
  expect_error(count, 2, "the file has 3 nodes but the scenario has 2; not scenario node names: \"nl\" (" + count + ":3:9)");
  expect_error(write_temp("name.dot", "graph {\n  n0 -- n1;\n  n1 -- N2;\n}\n"), 3, "name.dot:3:9: node \"N2\" is not a scenario node name");
  expect_error(write_temp("loss.dot", "graph {\n  n0 -- n1\n  [loss=\"x\"];\n}\n"), 2, "loss.dot:3:9: loss \"x\" is not a number");
  expect_error(write_temp("range.dot", "graph {\n  n0 -- n1 [loss=0.5];\n  n1 -- n0 [loss=1.5];\n}\n"), 2,
               "range.dot:3:18: edge n1 -- n0: loss 1.5 is not a probability");
  // NaN fails every comparison, so a range check written as "out of range" would let it pass.
  expect_error(write_temp("nan.dot", "graph {\n  n0 -- n1 [loss=\"nan\"];\n  n1 -- n2;\n}\n"), 3,
               "nan.dot:2:18: edge n0 -- n1: loss NaN is not a probability in [0, 1]");
  expect_error(write_temp("nan.graphml",
                          "<graphml><key id=\"l\" for=\"edge\" attr.name=\"loss\" attr.type=\"double\"/>\n"
                          "<graph edgedefault=\"undirected\"><node id=\"n0\"/><node id=\"n1\"/>\n"
                          "<edge source=\"n0\" target=\"n1\"><data key=\"l\">NaN</data></edge></graph></graphml>\n"),
               2, "nan.graphml:3:45: edge n0 -- n1: loss NaN is not a probability in [0, 1]");
  expect_error(write_temp("broken.graphml", "<graphml><graph edgedefault=\"undirected\">"), 2,
               "broken.graphml:1: not well-formed XML");
  expect_error(write_temp("undeclared.graphml", "<graphml><graph edgedefault=\"undirected\"><node id=\"n0\"/>"
                                                "<node id=\"n1\"/><edge source=\"n0\" target=\"n2\"/></graph></graphml>"),
               2, "edge n0 -- n2: node \"n2\" is not declared");
}

// Nested 10^5 levels deep, a file of a few hundred kilobytes overflowed the stack of the parsers
// that descend into it (a crash, not an error): refused, located, before any of them reads it.
TEST(TopologyFile, NestingTooDeepForAParserIsRefusedWhereItStarts) {
  std::string braces, elements;
  for (int i = 0; i < 100000; ++i) braces += "{";
  for (int i = 0; i < 100000; ++i) braces += "}";
  expect_error(write_temp("deep.dot", "graph {\n  n0 -- n1;\n  " + braces + "\n}\n"), 2,
               "deep.dot:3:258: nested more than 256 braces deep; a topology file needs a few levels");
  std::string chain;
  for (int i = 0; i < 100000; ++i) chain += "subgraph {";
  for (int i = 0; i < 100000; ++i) chain += "}";
  expect_error(write_temp("deep2.dot", "graph { n0 -- " + chain + " }"), 2, "deep2.dot:1:2574: nested more than 256 braces");
  for (int i = 0; i < 100000; ++i) elements += "<x>";
  for (int i = 0; i < 100000; ++i) elements += "</x>";
  expect_error(write_temp("deep.graphml", "<graphml><graph edgedefault=\"undirected\"><node id=\"n0\"/><node id=\"n1\"/>\n" +
                                              elements + "</graph></graphml>"),
               2, "deep.graphml:2:763: nested more than 256 elements deep");
  // As deep as a real file nests, and deeper: read.
  std::string clusters;
  for (int i = 0; i < 200; ++i) clusters += "subgraph c" + std::to_string(i) + " { ";
  clusters += "n1";
  for (int i = 0; i < 200; ++i) clusters += " }";
  EXPECT_EQ(read_topology_file(write_temp("clusters.dot", "graph { n0 -- " + clusters + " }"), 2, {}).node_count(), 2u);
}

}  // namespace topology_test
}  // namespace clocksim::sim
