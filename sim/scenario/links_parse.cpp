#include "sim/scenario/links_parse.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "sim/scenario/distribution_parse.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"

namespace clocksim::scenario {
namespace {

// A constant in [-1, 1] or a law whose support lies within it: |a| <= 1 keeps both directions'
// latency non-negative (see LinkModel).
Distribution read_asymmetry_law(const yaml::Node& node, const std::string& path) {
  if (parse_number(node.text)) return Distribution::constant(read_number(node, path, -1, 1));
  const Distribution law = parse_distribution(node, path, Quantity::kPpm);
  if (!(law.lower_bound() >= -1 && law.upper_bound() <= 1)) {
    fail_at(node, path, "an asymmetry is drawn within [-1, 1] (a bounded law such as uniform(-0.5, 0.5)), got " +
                            yaml::describe(node));
  }
  return law;
}

// `asymmetry: a`, `asymmetry: uniform(lo, hi)` (one draw per link), or
// `asymmetry: {draw: a-or-law, slow: low_to_high | high_to_low}` naming the slow direction.
void read_asymmetry(const yaml::Node& node, const std::string& path, LinkModel& model) {
  if (!node.is_map()) {
    model.asymmetry = read_asymmetry_law(node, path);
    return;
  }
  check_keys(node, path, keys::asymmetry());
  model.asymmetry = read_asymmetry_law(
      require_key(node, path, "draw", "the asymmetry: a number in [-1, 1] or a law such as uniform(0, 0.5)"),
      child_path(path, "draw"));
  if (auto* v = node.find("slow")) {
    const std::string slow = read_string(*v, child_path(path, "slow"), "low_to_high or high_to_low");
    if (slow != "low_to_high" && slow != "high_to_low") {
      fail_at(*v, child_path(path, "slow"), "expected low_to_high or high_to_low (the direction that takes latency * (1 + a)), got " +
                                                yaml::describe(*v));
    }
    model.slow_high_to_low = slow == "high_to_low";
  }
}

// Reads the model keys present in `map` on top of `model`.
void read_model(const yaml::Node& map, const std::string& path, LinkModel& model) {
  if (auto* v = map.find("latency")) model.latency_ns = parse_distribution(*v, child_path(path, "latency"), Quantity::kLatency);
  if (auto* v = map.find("asymmetry")) read_asymmetry(*v, child_path(path, "asymmetry"), model);
  if (auto* v = map.find("loss")) model.loss = read_number(*v, child_path(path, "loss"), 0, 1);
}

}  // namespace

void require_link(const yaml::Node& at, const std::string& path, const NodeNames& names, const TopologyAdjacency& topology,
                  NodeId a, NodeId b) {
  if (topology.linked(a, b)) return;
  fail_at(at, path, names.name(a) + " and " + names.name(b) + " share no link in this topology; a link override or " +
                        "link fault must name two neighbours");
}

LinksSpec parse_links(const yaml::Node* node, const std::string& path, const NodeNames& names,
                      const TopologyAdjacency& topology) {
  LinksSpec links;
  if (!node || node->is_null()) return links;
  expect_map(*node, path, "the link model");
  check_keys(*node, path, keys::links());
  read_model(*node, path, links.defaults);

  const yaml::Node* ov = node->find("overrides");
  if (!ov || ov->is_null()) return links;
  const std::string ov_path = child_path(path, "overrides");
  expect_sequence(*ov, ov_path, "per-link overrides such as [{between: [n0, n1], latency: 10ms}]");
  std::map<std::pair<NodeId, NodeId>, std::string> seen;
  for (std::size_t i = 0; i < ov->items.size(); ++i) {
    const yaml::Node& item = ov->items[i];
    const std::string p = child_path(ov_path, i);
    expect_map(item, p, "a link override {between: [a, b], latency: ..., loss: ...}");
    check_keys(item, p, keys::link_override());
    const std::string bp = child_path(p, "between");
    const yaml::Node& between = require_key(item, p, "between", "the two nodes of the link, e.g. [n0, n1]");
    if (!between.is_sequence() || between.items.size() != 2) {
      fail_at(between, bp, "expected the two nodes of the link, e.g. [n0, n1], got " + yaml::describe(between));
    }
    LinkOverride lo;
    lo.a = names.read(between.items[0], child_path(bp, std::size_t{0}));
    lo.b = names.read(between.items[1], child_path(bp, std::size_t{1}));
    if (lo.a == lo.b) fail_at(between, bp, "a link joins two different nodes, got [" + between.items[0].text + ", " + between.items[1].text + "]");
    require_link(between, bp, names, topology, lo.a, lo.b);
    auto key = std::minmax(lo.a, lo.b);
    if (auto [it, inserted] = seen.emplace(key, p); !inserted) {
      fail_at(between, bp, "this link is already overridden by " + it->second);
    }
    lo.model = links.defaults;
    read_model(item, p, lo.model);
    links.overrides.push_back(lo);
  }
  return links;
}

}  // namespace clocksim::scenario
