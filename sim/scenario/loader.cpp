#include "sim/scenario/loader.hpp"

#include <filesystem>

#include "algorithms/core/duration_parse.hpp"
#include "config/file.hpp"
#include "algorithms/registry.hpp"
#include "sim/scenario/algorithm_parse.hpp"
#include "sim/scenario/clocks_parse.hpp"
#include "sim/scenario/expect_parse.hpp"
#include "sim/scenario/faults_parse.hpp"
#include "sim/scenario/links_parse.hpp"
#include "sim/scenario/node_names.hpp"
#include "sim/scenario/nodes_parse.hpp"
#include "sim/scenario/output_parse.hpp"
#include "sim/scenario/overrides.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/topology_adjacency.hpp"
#include "sim/scenario/topology_parse.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {
namespace {

const std::vector<std::string>& top_level_keys() { return keys::top_level(); }

constexpr Duration kDefaultTick = Duration::from_ns(1'000'000'000);

ScenarioSpec build_spec(const yaml::Node& root, const std::string& display_name, sim::TopologyCache* topologies) {
  if (root.is_null()) {
    fail_at(root, "", "the scenario is empty; expected a mapping with at least 'duration' and 'nodes'");
  }
  expect_map(root, "", "a scenario");
  check_keys(root, "", top_level_keys());

  ScenarioSpec spec;
  spec.source_file = display_name;
  spec.name = std::filesystem::path(display_name).stem().string();
  if (auto* v = root.find("name")) spec.name = read_string(*v, "name", "a scenario name");
  if (auto* v = root.find("description")) {
    if (!v->is_scalar()) fail_at(*v, "description", "expected a description (text), got " + yaml::describe(*v));
    spec.description = v->text;  // may be empty
  }
  if (auto* v = root.find("seed")) spec.seed = read_uint64(*v, "seed");
  if (auto* v = root.find("host")) {
    const std::string host = read_string(*v, "host", "algorithm or daemon");
    if (host == "daemon") {
      spec.host = NodeHost::kDaemon;
    } else if (host != "algorithm") {
      fail_at(*v, "host", "unknown host '" + host + "'; expected algorithm or daemon");
    }
  }

  const yaml::Node& duration_node = require_key(root, "", "duration", "how long to simulate, e.g. 5m");
  spec.duration = read_duration(duration_node, "duration", Duration::from_ns(1));
  spec.tick = kDefaultTick;
  if (auto* v = root.find("tick")) spec.tick = read_duration(*v, "tick", Duration::from_ns(1));
  // Output rows fall on multiples of tick and the last row is at `duration`, so the run length
  // must be whole ticks.
  const yaml::Node& tick_at = root.find("tick") ? *root.find("tick") : duration_node;
  const std::string tick_path = root.find("tick") ? "tick" : "duration";
  const std::string tick_text = root.find("tick") ? tick_at.text : "1s, the default";
  if (spec.tick > spec.duration) {
    fail_at(tick_at, tick_path, "tick (" + tick_text + ") is longer than duration (" + duration_node.text + ")");
  }
  if (spec.duration.ns() % spec.tick.ns() != 0) {
    fail_at(tick_at, tick_path, "duration (" + duration_node.text + ") must be a whole number of ticks (" + tick_text + ")");
  }

  if (auto* v = root.find("warmup")) {
    spec.warmup = read_duration(*v, "warmup", Duration::zero());
    if (*spec.warmup > spec.duration) {
      fail_at(*v, "warmup", "warmup (" + v->text + ") is longer than duration (" + duration_node.text + ")");
    }
  }

  spec.nodes = parse_nodes(require_key(root, "", "nodes", "a node count such as 8, or a list of nodes"), "nodes");
  const NodeNames names(spec.nodes);
  spec.clocks = parse_clocks(root.find("clocks"), "clocks");
  check_override_rate_rooms(spec.clocks, spec.nodes);
  const auto base_dir = std::filesystem::path(display_name).parent_path();
  spec.topology = parse_topology(root.find("topology"), "topology", names, base_dir.empty() ? "." : base_dir);
  const TopologyAdjacency adjacency(spec.topology, names, spec.seed, spec.source_file, topologies);
  adjacency.check_file();
  spec.links = parse_links(root.find("links"), "links", names, adjacency);
  spec.algorithm = parse_algorithm(root.find("algorithm"), "algorithm", algorithms::catalogue());
  check_node_params(root.find("algorithm"), "algorithm", spec.algorithm, spec.nodes.size(), algorithms::catalogue());
  spec.faults = parse_faults(root.find("faults"), "faults", names, adjacency, spec.duration);
  spec.expects = parse_expects(root.find("expect"), "expect", spec.duration);
  spec.output = parse_output(root.find("output"), "output", names, spec.tick);
  spec.ordering = parse_ordering(root.find("ordering"), "ordering", names);
  return spec;
}

}  // namespace

ScenarioSpec load_scenario_text(std::string_view text, const std::string& display_name, const LoadOptions& options) {
  yaml::Node root = yaml::parse_document(text, display_name);
  for (const auto& s : options.set_overrides) apply_set_override(root, s);
  return build_spec(root, display_name, options.topologies);
}

ScenarioSpec load_scenario_file(const std::string& path, const LoadOptions& options) {
  return load_scenario_text(config::read_text_file(path, "scenario file"), path, options);
}

}  // namespace clocksim::scenario
