#include "sim/network/topology_cache.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path.string();
}

scenario::TopologySpec file_spec(const std::string& path) {
  scenario::TopologySpec s;
  s.kind = scenario::TopologySpec::Kind::kFile;
  s.file = path;
  return s;
}

TEST(TopologyCache, AFileIsReadOnceForItsNodeCountAndNames) {
  const std::string path = write_temp("cache.dot", "graph { n0 -- n1; n1 -- n2; a -- b; }");
  const std::string named = write_temp("cache_named.dot", "graph { x -- y; y -- z; }");
  TopologyCache cache;
  const std::vector<std::string> none;
  const auto first = cache.get(file_spec(named), 3, 1, std::vector<std::string>{"x", "y", "z"});
  EXPECT_EQ(cache.get(file_spec(named), 3, 99, std::vector<std::string>{"x", "y", "z"}), first);  // the seed plays no part
  EXPECT_NE(cache.get(file_spec(named), 3, 1, std::vector<std::string>{"z", "y", "x"}), first);   // other names, other map
  EXPECT_TRUE(first->adjacent(0, 1));
  EXPECT_FALSE(first->adjacent(0, 2));
  // A file that does not fit the scenario fails each time, and is not kept.
  EXPECT_THROW(cache.get(file_spec(path), 3, 1, none), TopologyError);
  EXPECT_THROW(cache.get(file_spec(path), 3, 1, none), TopologyError);
}

// Random graphs are generated afresh: a sweep over seeds must not keep one per seed.
TEST(TopologyCache, GeneratedKindsAreNotKept) {
  TopologyCache cache;
  scenario::TopologySpec er;
  er.kind = scenario::TopologySpec::Kind::kErdosRenyi;
  er.p = 0.3;
  const auto a = cache.get(er, 20, 7, {});
  const auto b = cache.get(er, 20, 7, {});
  EXPECT_NE(a, b);
  EXPECT_EQ(a->edge_count(), b->edge_count());  // the same graph, built twice
  EXPECT_EQ(a->edge_count(), build_topology(er, 20, 7).edge_count());
}

// The loader's check and the run share one reading: with the cache, the run does not go back to
// the file (here gone in between); without it, it does.
TEST(TopologyCache, TheRunTakesTheGraphTheLoaderRead) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/topology_cache_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/net.dot") << "graph { n0 -- n1; n1 -- n2; n2 -- n0; }\n";
  std::ofstream(dir + "/s.yaml") << "name: c\nduration: 10s\nnodes: 3\ntopology: {file: net.dot}\n"
                                     "algorithm: {sync: {kind: berkeley, period: 2s}}\n";
  TopologyCache cache;
  scenario::LoadOptions load;
  load.topologies = &cache;
  const scenario::ScenarioSpec spec = scenario::load_scenario_file(dir + "/s.yaml", load);
  std::filesystem::remove(dir + "/net.dot");
  MemoryFolder folder;
  RunOptions options;
  options.folder = &folder;
  options.topologies = &cache;
  std::ostringstream report;
  EXPECT_TRUE(run_scenario(spec, options, report).expectations_passed);
  EXPECT_EQ(folder.files().count("summary.json"), 1u);
  MemoryFolder again;
  options.folder = &again;
  options.topologies = nullptr;
  EXPECT_THROW(run_scenario(spec, options, report), TopologyError);
}

}  // namespace
}  // namespace clocksim::sim
