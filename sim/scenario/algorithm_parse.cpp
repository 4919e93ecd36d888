#include "sim/scenario/algorithm_parse.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "algorithms/core/duration_parse.hpp"
#include "algorithms/election/static/static_election.hpp"
#include "algorithms/node_params.hpp"
#include "sim/scenario/distribution_parse.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {
namespace {

using algorithms::AlgorithmInfo;
using algorithms::Layer;

const char* layer_name(Layer l) { return l == Layer::kSync ? "sync" : "election"; }

std::vector<std::string> kinds_of(Layer layer, const std::vector<AlgorithmInfo>& catalogue) {
  std::vector<std::string> kinds;
  for (const auto& a : catalogue) {
    if (a.layer == layer) kinds.push_back(a.kind);
  }
  return kinds;
}

Duration range_duration(double v) {
  if (v >= 9.2e18) return Duration::max();
  if (v <= -9.2e18) return Duration::from_ns(std::numeric_limits<std::int64_t>::min());
  return Duration::from_ns(static_cast<std::int64_t>(v));
}

// Integer bounds of a declared real range (min rounded up, max rounded down).
std::int64_t range_int(double v, bool is_min) {
  if (v >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
  if (v <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(is_min ? std::ceil(v) : std::floor(v));
}

}  // namespace

ParamValue parse_param(const yaml::Node& node, const std::string& path, const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::kBool: return read_bool(node, path);
    case ParamType::kInt: return read_int(node, path, range_int(spec.min, true), range_int(spec.max, false));
    case ParamType::kDouble: return read_number(node, path, spec.min, spec.max);
    case ParamType::kDuration: return read_duration(node, path, range_duration(spec.min), range_duration(spec.max));
    case ParamType::kDurationRange: {
      const Distribution d = parse_distribution(node, path, Quantity::kDuration);
      if (d.kind != Distribution::Kind::kConstant && d.kind != Distribution::Kind::kUniform) {
        fail_at(node, path, "expected a duration or uniform(min, max), got '" + node.text + "'");
      }
      if (d.shift != 0) fail_at(node, path, "expected a duration or uniform(min, max) without a shift, got '" + node.text + "'");
      const double lo = d.lower_bound();
      const double hi = d.upper_bound();
      if (lo < spec.min || hi > spec.max) {
        fail_at(node, path, "expected durations between " + format_duration(range_duration(spec.min)) + " and " +
                                format_duration(range_duration(spec.max)) + ", got '" + node.text + "'");
      }
      return DurationRange{Duration::from_ns(static_cast<std::int64_t>(lo)), Duration::from_ns(static_cast<std::int64_t>(hi))};
    }
    case ParamType::kChoice: {
      if (!node.is_scalar()) fail_at(node, path, "expected one of " + join(spec.choices) + ", got " + yaml::describe(node));
      for (const auto& c : spec.choices) {
        if (c == node.text) return c;
      }
      fail_at(node, path, "unknown value '" + node.text + "'" + did_you_mean(node.text, spec.choices) +
                              "; expected one of " + join(spec.choices));
    }
    case ParamType::kNodeList: {
      // A sequence of node ids ([1, 3]), or the same as text ("1,3") as a --set override gives it.
      std::vector<NodeId> ids;
      if (node.is_sequence()) {
        for (std::size_t i = 0; i < node.items.size(); ++i) {
          ids.push_back(static_cast<NodeId>(
              read_int(node.items[i], path + "[" + std::to_string(i) + "]", 0, static_cast<std::int64_t>(kBroadcast) - 1)));
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      } else if (node.is_scalar()) {
        const auto parsed = parse_node_list(node.text);
        if (!parsed) fail_at(node, path, "expected a list of node ids such as [1, 3], got '" + node.text + "'");
        ids = *parsed;
      } else {
        fail_at(node, path, "expected a list of node ids such as [1, 3], got " + yaml::describe(node));
      }
      return node_list_text(ids);
    }
  }
  fail_at(node, path, "unsupported parameter type");
}

algorithms::LayerChoice parse_layer(const yaml::Node& node, const std::string& path, Layer layer,
                                    const std::vector<AlgorithmInfo>& catalogue) {
  algorithms::LayerChoice choice;
  const yaml::Node* kind_node = &node;
  if (node.is_map()) {
    kind_node = &require_key(node, path, "kind", std::string("the ") + layer_name(layer) + " algorithm");
  } else if (!node.is_scalar()) {
    fail_at(node, path, std::string("expected a ") + layer_name(layer) +
                            " algorithm: a kind such as " + (layer == Layer::kSync ? "berkeley" : "tsp") +
                            " or a mapping {kind: ..., <parameters>}, got " + yaml::describe(node));
  }
  const std::string kind_path = node.is_map() ? child_path(path, "kind") : path;
  const std::string kind = read_string(*kind_node, kind_path, "an algorithm kind");
  // `election: none` means no election layer (the catalogue lists no "none" election).
  bool catalogue_has_none = false;
  for (const auto& a : catalogue) catalogue_has_none = catalogue_has_none || (a.kind == "none" && a.layer == layer);
  if (layer == Layer::kElection && kind == "none" && !catalogue_has_none) {
    if (node.is_map() && node.entries.size() > 1) fail_at(node, path, "election 'none' takes no parameters");
    return choice;
  }
  const AlgorithmInfo* info = nullptr;
  for (const auto& a : catalogue) {
    if (a.kind == kind && a.layer == layer) info = &a;
  }
  if (!info) {
    const auto kinds = kinds_of(layer, catalogue);
    std::string where;
    for (const auto& a : catalogue) {
      if (a.kind == kind) where = " ('" + kind + "' is " + (a.layer == Layer::kSync ? "a sync" : "an election") + " algorithm)";
    }
    fail_at(*kind_node, kind_path,
            std::string("unknown ") + layer_name(layer) + " algorithm '" + kind + "'" + did_you_mean(kind, kinds) + where +
                "; available: " + (kinds.empty() ? std::string("none") : join(kinds)));
  }
  choice.kind = kind;
  choice.params = ParamSet::defaults(info->params);
  if (!node.is_map()) return choice;

  std::vector<std::string> names;
  for (const auto& p : info->params) names.push_back(p.name);
  for (const auto& e : node.entries) {
    if (e.key == "kind") continue;
    const std::string p = child_path(path, e.key);
    const ParamSpec* spec = nullptr;
    for (const auto& s : info->params) {
      if (s.name == e.key) spec = &s;
    }
    if (!spec && layer == Layer::kSync) {
      if (auto instead = election::moved_to_static_election(kind, e.key)) {
        fail_at(e.key_pos, p, "parameter '" + e.key + "' of sync algorithm '" + kind + "' has moved: " + *instead);
      }
    }
    if (!spec) {
      fail_at(e.key_pos, p,
              "unknown parameter '" + e.key + "' for " + layer_name(layer) + " algorithm '" + kind + "'" +
                  did_you_mean(e.key, names) +
                  (names.empty() ? std::string("; it takes no parameters") : "; its parameters are " + join(names)));
    }
    choice.params.set(spec->name, parse_param(e.value, p, *spec));
  }
  if (info->check_params) {
    if (const auto conflict = info->check_params(choice.params)) {
      // The first named parameter that is written, but one given by --set before any from the
      // file: that is the change that made the conflict.
      const yaml::Node* blamed = nullptr;
      std::string blamed_name;
      for (const std::string& name : conflict->params) {
        const yaml::Node* written = node.find(name);
        if (written == nullptr) continue;
        const bool from_set = written->pos.source && written->pos.source->rfind("--set ", 0) == 0;
        if (blamed == nullptr || from_set) {
          blamed = written;
          blamed_name = name;
        }
        if (from_set) break;
      }
      if (blamed != nullptr) fail_at(*blamed, child_path(path, blamed_name), conflict->why);
      fail_at(node, path, conflict->why);
    }
  }
  return choice;
}

AlgorithmSpec parse_algorithm(const yaml::Node* node, const std::string& path,
                              const std::vector<AlgorithmInfo>& catalogue) {
  AlgorithmSpec spec;
  spec.sync.kind = "none";
  for (const auto& a : catalogue) {
    if (a.kind == "none" && a.layer == Layer::kSync) spec.sync.params = ParamSet::defaults(a.params);
  }
  if (!node || node->is_null()) return spec;
  expect_map(*node, path, "the algorithm section {sync: ..., election: ...}");
  check_keys(*node, path, keys::algorithm());
  if (auto* v = node->find("sync"); v && !v->is_null()) spec.sync = parse_layer(*v, child_path(path, "sync"), Layer::kSync, catalogue);
  if (auto* v = node->find("election"); v && !v->is_null()) {
    spec.election = parse_layer(*v, child_path(path, "election"), Layer::kElection, catalogue);
    for (const auto& a : catalogue) {
      if (!spec.election.kind.empty() && a.layer == Layer::kSync && a.kind == spec.sync.kind && !a.runs_under_election) {
        fail_at(*v, child_path(path, "election"),
                "sync algorithm '" + a.kind + "' runs alone and cannot run under an election; leave 'election' out");
      }
    }
  }
  return spec;
}

void check_node_params(const yaml::Node* algorithm_node, const std::string& path, const AlgorithmSpec& spec,
                       std::size_t node_count, const std::vector<AlgorithmInfo>& catalogue) {
  auto check_layer = [&](const algorithms::LayerChoice& choice, Layer layer, const char* key) {
    if (choice.kind.empty()) return;
    const AlgorithmInfo* info = nullptr;
    for (const auto& a : catalogue) {
      if (a.kind == choice.kind && a.layer == layer) info = &a;
    }
    // A layer with a kind was written, so the section is there (sync `none` names no node).
    if (info == nullptr || algorithm_node == nullptr) return;
    const yaml::Node* layer_node = algorithm_node == nullptr ? nullptr : algorithm_node->find(key);
    const std::string layer_path = child_path(path, key);
    const auto foreign =
        algorithms::foreign_node_param(*info, choice.params, [node_count](NodeId id) { return id < node_count; });
    if (!foreign) return;
    const std::string& name = foreign->param;
    const std::string id = std::to_string(foreign->id);
    const std::string nodes = node_count == 1 ? std::string("the only node is n0")
                                              : "the nodes are n0 .. n" + std::to_string(node_count - 1);
    const yaml::Node* written = layer_node != nullptr && layer_node->is_map() ? layer_node->find(name) : nullptr;
    if (written != nullptr) {
      fail_at(*written, child_path(layer_path, name), "node id " + id + " is not a node of this scenario (" + nodes + ")");
    }
    const yaml::Node& at = layer_node != nullptr ? *layer_node : *algorithm_node;
    fail_at(at, layer_path,
            "'" + choice.kind + "' defaults " + name + " to node id " + id + ", which is not a node of this scenario (" +
                nodes + "); set " + name + ":");
  };
  check_layer(spec.sync, Layer::kSync, "sync");
  check_layer(spec.election, Layer::kElection, "election");
}

}  // namespace clocksim::scenario
