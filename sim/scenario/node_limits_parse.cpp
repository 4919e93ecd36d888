#include "sim/scenario/node_limits_parse.hpp"

#include "config/clock_limits.hpp"
#include "sim/scenario/node_names.hpp"
#include "sim/scenario/reader.hpp"

namespace clocksim::scenario {
namespace {

void read_one(const yaml::Node& entry, const std::string& entry_path, NodeId id, ScenarioSpec& spec,
              config::FileErrors& errors) {
  const yaml::Node* v = entry.find("limits");
  if (v == nullptr || v->is_null()) return;
  const std::string p = child_path(entry_path, "limits");
  errors.read([&] {
    if (spec.host != NodeHost::kDaemon) {
      fail_at(*v, p,
              "a node's limits are its clocksyncd's clock guard limits and apply only under host: daemon (this "
              "scenario runs host: algorithm, where the world carries out every correction as asked)");
    }
    ClockGuardConfig limits = spec.daemon_limits;
    config::read_clock_limits(*v, p, limits, errors);
    spec.node_limits[id] = limits;
  });
}

}  // namespace

void read_node_limits(const yaml::Node& nodes, const std::string& path, ScenarioSpec& spec, config::FileErrors& errors) {
  if (nodes.is_sequence()) {
    for (std::size_t i = 0; i < nodes.items.size() && i < spec.nodes.size(); ++i) {
      if (nodes.items[i].is_map()) read_one(nodes.items[i], child_path(path, i), static_cast<NodeId>(i), spec, errors);
    }
    return;
  }
  if (!nodes.is_map()) return;
  const yaml::Node* overrides = nodes.find("overrides");
  if (overrides == nullptr || !overrides->is_map()) return;
  const std::string ov_path = child_path(path, "overrides");
  const NodeNames names(spec.nodes);
  for (const auto& e : overrides->entries) {
    // parse_nodes has checked every name and entry already.
    if (const auto id = names.find(e.key); id && e.value.is_map()) read_one(e.value, child_path(ov_path, e.key), *id, spec, errors);
  }
}

}  // namespace clocksim::scenario
