#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "algorithms/core/duration_parse.hpp"
#include "config/clock_limits.hpp"
#include "config/file.hpp"
#include "config/file_errors.hpp"
#include "algorithms/registry.hpp"
#include "sim/clock/clock_reach.hpp"
#include "sim/run/float_environment.hpp"
#include "sim/scenario/algorithm_parse.hpp"
#include "sim/scenario/clocks_parse.hpp"
#include "sim/scenario/expect_parse.hpp"
#include "sim/scenario/faults_parse.hpp"
#include "sim/scenario/links_parse.hpp"
#include "sim/scenario/node_names.hpp"
#include "sim/scenario/node_limits_parse.hpp"
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

// A workload that only answers messages (AlgorithmInfo::needs_link_delay) over links that take
// no time would process events at t = 0 forever.
void check_link_delay(const yaml::Node& root, const ScenarioSpec& spec) {
  for (const auto& a : algorithms::catalogue()) {
    if (a.kind != spec.algorithm.sync.kind || a.layer != algorithms::Layer::kSync || !a.needs_link_delay) continue;
    if (spec.links.defaults.latency_ns.upper_bound() > 0) return;
    const yaml::Node* links = root.find("links");
    const yaml::Node* latency = links != nullptr && links->is_map() ? links->find("latency") : nullptr;
    fail_at(latency != nullptr ? *latency : root, latency != nullptr ? "links.latency" : "links",
            "'" + a.kind + "' answers every message with another and arms no timer: over links that take no " +
                "time its run would never leave t = 0; give links a latency above 0");
  }
}

// Clock readings and offsets are int64 nanoseconds (±292 years), and a skew is the difference of
// two offsets. So the farthest any offset can get over the run (the initial offset, the drift and
// sine terms for the whole duration, every clock step), times three (a skew, and the corrections
// that move clocks by up to a skew), plus the duration, must fit: beyond that readings would
// saturate and the results be wrong without a word. Unbounded laws (normal) are left to the draws.
// The node at a dotted key path ("faults.2.clock_step.by"), or null.
const yaml::Node* find_path(const yaml::Node& root, const std::string& path) {
  const yaml::Node* cur = &root;
  std::size_t start = 0;
  while (cur != nullptr && start <= path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string seg = path.substr(start, dot - start);
    if (cur->is_map()) {
      cur = cur->find(seg);
    } else if (cur->is_sequence() && !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos &&
               std::stoull(seg) < cur->items.size()) {
      cur = &cur->items[std::stoull(seg)];
    } else {
      return nullptr;
    }
    start = dot + 1;
  }
  return cur;
}

void check_clock_range(const yaml::Node& root, const ScenarioSpec& spec) {
  // What bounded laws allow. An unbounded one (normal, Pareto) counts 0 here, so that the bounded
  // rest is still checked; its draws are checked node by node when the run starts
  // (sim/world/node_params).
  auto magnitude = [](const Distribution& d) {
    const double m = std::max(std::fabs(d.lower_bound()), std::fabs(d.upper_bound()));
    return std::isfinite(m) ? m : 0.0;
  };
  const ClockSpec& c = spec.clocks;
  double offset_ns = magnitude(c.initial_offset_ns);
  double rate_ppm = magnitude(c.drift_ppm) + magnitude(c.sine_amplitude_ppm);
  // Where each term is largest, to name that key if the reach does not fit.
  std::string offset_key = "clocks.initial_offset", rate_key = "clocks.drift_ppm";
  if (magnitude(c.sine_amplitude_ppm) > magnitude(c.drift_ppm)) rate_key = "clocks.sine_amplitude_ppm";
  for (const NodeSpec& n : spec.nodes) {
    if (!n.clock.has_value()) continue;
    const ClockOverride& o = n.clock;
    if (o.initial_offset_ns && magnitude(*o.initial_offset_ns) > offset_ns) {
      offset_ns = magnitude(*o.initial_offset_ns);
      offset_key = o.offset_key;
    }
    const double rate = magnitude(o.drift_ppm.value_or(c.drift_ppm)) +
                        magnitude(o.sine_amplitude_ppm.value_or(c.sine_amplitude_ppm));
    if (rate > rate_ppm) {
      rate_ppm = rate;
      if (!o.rates_key.empty()) rate_key = o.rates_key;
    }
  }
  double steps_ns = 0, largest_step_ns = 0;
  std::string step_key;
  for (std::size_t i = 0; i < spec.faults.size(); ++i) {
    const FaultSpec& f = spec.faults[i];
    if (f.kind != FaultSpec::Kind::kClockStep) continue;
    const double step = std::fabs(static_cast<double>(f.step.ns()));
    steps_ns += step;
    if (step > largest_step_ns) {
      largest_step_ns = step;
      step_key = "faults." + std::to_string(i) + ".clock_step.by";
    }
  }
  const double duration_ns = static_cast<double>(spec.duration.ns());
  const double reach_ns = sim::clock_reach_ns(offset_ns, rate_ppm, duration_ns, steps_ns);
  if (sim::clock_reach_fits(reach_ns, duration_ns)) return;
  constexpr double kRoomNs = sim::kClockRoomNs;
  const std::string room = format_duration(Duration::from_ns(static_cast<std::int64_t>(kRoomNs)));
  const yaml::Node* duration = root.find("duration");
  if (reach_ns == 0 || duration_ns >= kRoomNs) {
    fail_at(duration != nullptr ? *duration : root, "duration",
            "nanosecond clock arithmetic holds 292 years: a run may last at most " + room);
  }
  // The key of the largest term: the initial offset, the rate over the run, or the clock steps
  // (named by the largest one); the duration where the file does not say it (a default).
  const double rate_ns = duration_ns * rate_ppm * 1e-6;
  const std::string& key = steps_ns >= offset_ns && steps_ns >= rate_ns ? step_key
                           : rate_ns >= offset_ns                       ? rate_key
                                                                        : offset_key;
  const yaml::Node* at = find_path(root, key);
  const std::string reach = reach_ns >= kRoomNs ? "more than " + room
                                                : format_duration(Duration::from_ns(static_cast<std::int64_t>(reach_ns)));
  fail_at(at != nullptr ? *at : (duration != nullptr ? *duration : root), at != nullptr ? key : "duration",
          "clock offsets could reach " + reach +
              " (initial offset, drift and sine over the whole duration, clock steps); the duration plus three times "
              "that must stay within " + room + ", which nanosecond clock arithmetic holds");
}

// The sync algorithm's kind as written (`sync: x` or `sync: {kind: x}`), for reading the
// expectations of a file whose algorithm has other mistakes; nullopt when it is not plain text.
std::optional<std::string> written_sync_kind(const yaml::Node& root) {
  const yaml::Node* algorithm = root.find("algorithm");
  const yaml::Node* sync = algorithm != nullptr && algorithm->is_map() ? algorithm->find("sync") : nullptr;
  const yaml::Node* kind = sync != nullptr && sync->is_map() ? sync->find("kind") : sync;
  if (kind == nullptr || !kind->is_scalar()) return std::nullopt;
  return kind->text;
}

// duration and tick (which must divide it).
void read_timing(const yaml::Node& root, ScenarioSpec& spec) {
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
}

void read_warmup(const yaml::Node& root, ScenarioSpec& spec) {
  if (auto* v = root.find("warmup")) {
    spec.warmup = read_duration(*v, "warmup", Duration::zero());
    if (*spec.warmup > spec.duration) {
      fail_at(*v, "warmup", "warmup (" + v->text + ") is longer than duration (" + root.find("duration")->text + ")");
    }
  }
}

// Every section is read on its own and every error collected (config::FileErrors): a misspelt
// key under `clocks` says nothing about `links`, and a file with mistakes in three sections should
// not take three runs to mend. A section that others read (the node names, the topology, the
// duration, the algorithm) must read cleanly before they are: otherwise its one mistake would come
// back as theirs.
ScenarioSpec build_spec(const yaml::Node& root, const std::string& display_name, sim::TopologyCache* topologies) {
  if (root.is_null()) {
    fail_at(root, "", "the scenario is empty; expected a mapping with at least 'duration' and 'nodes'");
  }
  expect_map(root, "", "a scenario");
  config::FileErrors errors;
  errors.read([&] { check_keys(root, "", top_level_keys()); });

  ScenarioSpec spec;
  spec.source_file = display_name;
  spec.name = std::filesystem::path(display_name).stem().string();
  errors.read([&] {
    if (auto* v = root.find("name")) spec.name = config::read_name_text(*v, "name", "a scenario name");
  });
  errors.read([&] {
    if (auto* v = root.find("description")) {
      if (!v->is_scalar()) fail_at(*v, "description", "expected a description (text), got " + yaml::describe(*v));
      // Lines and tabs are text; other control characters would act on the terminal or the
      // report that shows it.
      if (const auto c = config::find_control_character(v->text, true)) {
        fail_at(*v, "description", "a description may not hold a control character other than a line break or a "
                                   "tab, found " + config::describe_control_character(*c));
      }
      spec.description = v->text;  // may be empty
    }
  });
  errors.read([&] {
    if (auto* v = root.find("seed")) spec.seed = read_uint64(*v, "seed");
  });
  const bool host_read = errors.read([&] {
    if (auto* v = root.find("host")) {
      const std::string host = read_string(*v, "host", "algorithm or daemon");
      if (host == "daemon") {
        spec.host = NodeHost::kDaemon;
      } else if (host != "algorithm") {
        fail_at(*v, "host", "unknown host '" + host + "'; expected algorithm or daemon");
      }
    }
  });
  if (const yaml::Node* v = root.find("limits"); v != nullptr && !v->is_null() && host_read) {
    errors.read([&] {
      if (spec.host != NodeHost::kDaemon) {
        fail_at(*v, "limits",
                "limits are clocksyncd's clock guard limits and apply only under host: daemon (this scenario runs "
                "host: algorithm, where the world carries out every correction as asked)");
      }
      config::read_clock_limits(*v, "limits", spec.daemon_limits, errors);
    });
  }

  const bool timing_read = errors.read([&] { read_timing(root, spec); });
  if (timing_read) errors.read([&] { read_warmup(root, spec); });
  if (!errors.read([&] {
        spec.nodes = parse_nodes(require_key(root, "", "nodes", "a node count such as 8, or a list of nodes"), "nodes");
      })) {
    errors.throw_if_any();  // every later section names nodes
  }
  if (host_read) read_node_limits(*root.find("nodes"), "nodes", spec, errors);
  const NodeNames names(spec.nodes);
  const bool clocks_read = errors.read([&] {
    spec.clocks = parse_clocks(root.find("clocks"), "clocks");
    check_override_rate_rooms(spec.clocks, spec.nodes);
  });
  const auto base_dir = std::filesystem::path(display_name).parent_path();
  std::optional<TopologyAdjacency> adjacency;
  if (!errors.read([&] {
        spec.topology = parse_topology(root.find("topology"), "topology", names, base_dir.empty() ? "." : base_dir);
        adjacency.emplace(spec.topology, names, spec.seed, spec.source_file, topologies);
        adjacency->check_file();
      })) {
    errors.throw_if_any();  // links and faults name links
  }
  const bool links_read = errors.read([&] { spec.links = parse_links(root.find("links"), "links", names, *adjacency); });
  const bool algorithm_read = errors.read([&] {
    spec.algorithm = parse_algorithm(root.find("algorithm"), "algorithm", algorithms::catalogue());
    check_node_params(root.find("algorithm"), "algorithm", spec.algorithm, spec.nodes.size(), algorithms::catalogue());
  });
  if (links_read && algorithm_read) errors.read([&] { check_link_delay(root, spec); });
  if (timing_read) {
    const bool faults_read =
        errors.read([&] { spec.faults = parse_faults(root.find("faults"), "faults", names, *adjacency, spec.duration); });
    if (faults_read && clocks_read) errors.read([&] { check_clock_range(root, spec); });
    const std::optional<std::string> sync_kind =
        algorithm_read ? std::optional<std::string>(spec.algorithm.sync.kind) : written_sync_kind(root);
    if (sync_kind) {
      errors.read([&] { spec.expects = parse_expects(root.find("expect"), "expect", spec.duration, *sync_kind == "logical"); });
    }
    errors.read([&] { spec.output = parse_output(root.find("output"), "output", names, spec.tick); });
  }
  errors.read([&] { spec.ordering = parse_ordering(root.find("ordering"), "ordering", names); });
  errors.throw_if_any();
  return spec;
}

}  // namespace

ScenarioSpec load_scenario_text(std::string_view text, const std::string& display_name, const LoadOptions& options) {
  const sim::DefaultFloatEnvironment float_environment;
  yaml::Node root = yaml::parse_document(text, display_name);
  for (const auto& s : options.set_overrides) apply_set_override(root, s);
  ScenarioSpec spec = build_spec(root, display_name, options.topologies);
  if (options.require_summary && !spec.output.summary) {
    // parse_output only sets summary to false from this very key.
    fail_at(*root.find("output")->find("summary"), "output.summary",
            "a sweep reads every run's summary.json (sweep.csv, resuming, --merge); remove 'summary: false'");
  }
  return spec;
}

ScenarioSpec load_scenario_file(const std::string& path, const LoadOptions& options) {
  return load_scenario_text(config::read_text_file(path, "scenario file"), path, options);
}

}  // namespace clocksim::scenario
