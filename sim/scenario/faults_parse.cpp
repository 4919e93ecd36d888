#include "sim/scenario/faults_parse.hpp"

#include <cstdint>

#include "algorithms/core/duration_parse.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/links_parse.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {
namespace {

using FaultKind = FaultSpec::Kind;

const std::vector<std::string>& actions() {
  return keys::fault_actions();
}

const std::vector<std::string>& fault_keys() { return keys::fault_entry(); }

void read_pair(const yaml::Node& v, const std::string& p, const NodeNames& names, FaultSpec& f) {
  if (!v.is_sequence() || v.items.size() != 2) {
    fail_at(v, p, "expected the two nodes of a link, e.g. [n0, n1], got " + yaml::describe(v));
  }
  f.a = names.read(v.items[0], child_path(p, std::size_t{0}));
  f.b = names.read(v.items[1], child_path(p, std::size_t{1}));
  if (f.a == f.b) fail_at(v, p, "a link joins two different nodes");
}

// Groups are disjoint and, with `rest` standing for every node not named, cover all nodes.
void read_partition(const yaml::Node& v, const std::string& p, const NodeNames& names, FaultSpec& f) {
  const char* expected = "a list of node groups, e.g. [[n0, n1], rest]";
  expect_sequence(v, p, expected);
  if (v.items.size() < 2) fail_at(v, p, std::string("a partition needs at least two groups; expected ") + expected);
  // Group index holding each node (-1: none yet); 4 bytes per node keeps huge clusters cheap.
  std::vector<std::int32_t> owner(names.size(), -1);
  int rest_group = -1;
  for (std::size_t g = 0; g < v.items.size(); ++g) {
    const yaml::Node& group = v.items[g];
    const std::string gp = child_path(p, g);
    f.groups.emplace_back();
    if (group.is_scalar() && group.text == "rest") {
      if (rest_group >= 0) fail_at(group, gp, "'rest' may appear only once in a partition");
      rest_group = static_cast<int>(g);
      continue;
    }
    if (!group.is_sequence() || group.items.empty()) {
      fail_at(group, gp, "expected a non-empty list of node names or 'rest', got " + yaml::describe(group));
    }
    for (std::size_t i = 0; i < group.items.size(); ++i) {
      const std::string np = child_path(gp, i);
      const NodeId id = names.read(group.items[i], np);
      if (owner[id] >= 0) {
        fail_at(group.items[i], np, "node '" + group.items[i].text + "' is in two partition groups (also in " +
                                        child_path(p, static_cast<std::size_t>(owner[id])) + ")");
      }
      owner[id] = static_cast<std::int32_t>(g);
      f.groups.back().push_back(id);
    }
  }
  std::vector<NodeId> rest;
  for (NodeId id = 0; id < owner.size(); ++id) {
    if (owner[id] < 0) rest.push_back(id);
  }
  if (rest_group >= 0) {
    if (rest.empty()) fail_at(v.items[static_cast<std::size_t>(rest_group)], child_path(p, static_cast<std::size_t>(rest_group)), "'rest' is empty: every node is already in a group");
    f.groups[static_cast<std::size_t>(rest_group)] = std::move(rest);
  } else if (!rest.empty()) {
    fail_at(v, p, "node '" + names.name(rest.front()) + "' is in no partition group; " +
                      "list every node or add 'rest' as a group");
  }
}

// {node: n3, mode: two_faced, lie: 20ms, told_behind: [n0, n1]}; told_behind defaults to the
// lower half of the node ids, the liar excluded.
void read_byzantine(const yaml::Node& v, const std::string& p, const NodeNames& names, FaultSpec& f) {
  expect_map(v, p, "a Byzantine clock {node: n3, mode: two_faced, lie: 20ms}");
  check_keys(v, p, keys::byzantine());
  f.node = names.read(require_key(v, p, "node", "the lying node"), child_path(p, "node"));
  ByzantineSpec& b = f.byzantine;
  if (const yaml::Node* m = v.find("mode")) {
    const std::string mp = child_path(p, "mode");
    const std::string mode = read_string(*m, mp, "two_faced or arbitrary");
    if (mode == "two_faced") {
      b.mode = ByzantineSpec::Mode::kTwoFaced;
    } else if (mode == "arbitrary") {
      b.mode = ByzantineSpec::Mode::kArbitrary;
    } else {
      fail_at(*m, mp, "unknown mode '" + mode + "'" + did_you_mean(mode, keys::byzantine_modes()) + "; expected one of " +
                          join(keys::byzantine_modes()));
    }
  }
  b.lie = read_duration(require_key(v, p, "lie", "how far off its reports are, e.g. 20ms"), child_path(p, "lie"),
                        Duration::zero(), Duration::from_ns(1'000'000'000'000'000));
  if (const yaml::Node* tb = v.find("told_behind")) {
    const std::string tp = child_path(p, "told_behind");
    if (b.mode != ByzantineSpec::Mode::kTwoFaced) fail_at(*tb, tp, "'told_behind' applies only to mode: two_faced");
    expect_sequence(*tb, tp, "a list of nodes, e.g. [n0, n1]");
    for (std::size_t i = 0; i < tb->items.size(); ++i) {
      const NodeId id = names.read(tb->items[i], child_path(tp, i));
      if (id == f.node) fail_at(tb->items[i], child_path(tp, i), "the liar does not lie to itself");
      b.told_behind.push_back(id);
    }
  } else if (b.mode == ByzantineSpec::Mode::kTwoFaced) {
    for (NodeId id = 0; id < names.size() / 2; ++id) {
      if (id != f.node) b.told_behind.push_back(id);
    }
  }
}

}  // namespace

std::vector<FaultSpec> parse_faults(const yaml::Node* node, const std::string& path, const NodeNames& names,
                                    const TopologyAdjacency& topology, Duration duration) {
  const std::string duration_text = format_duration(duration);
  std::vector<FaultSpec> faults;
  if (!node || node->is_null()) return faults;
  expect_sequence(*node, path, "a list of faults such as [{at: 60s, crash: n0}]");
  for (std::size_t i = 0; i < node->items.size(); ++i) {
    const yaml::Node& item = node->items[i];
    const std::string p = child_path(path, i);
    expect_map(item, p, "a fault such as {at: 60s, crash: n0}");
    check_keys(item, p, fault_keys());
    std::string action;
    for (const auto& e : item.entries) {
      bool is_action = false;
      for (const auto& a : actions()) is_action = is_action || a == e.key;
      if (!is_action) continue;
      if (!action.empty()) {
        fail_at(e.key_pos, child_path(p, e.key), "a fault has exactly one action; this one has both '" + action + "' and '" + e.key + "'");
      }
      action = e.key;
    }
    if (action.empty()) fail_at(item, p, "missing the fault's action: one of " + join(actions()));

    FaultSpec f;
    f.where = location_of(item);
    f.at = read_duration(require_key(item, p, "at", "when the fault happens, e.g. 60s"), child_path(p, "at"), Duration::zero(), duration);
    const yaml::Node& v = *item.find(action);
    const std::string ap = child_path(p, action);
    bool may_end = false;
    if (action == "crash" || action == "stop") {
      f.kind = FaultKind::kCrash;
      f.graceful = action == "stop";
      may_end = true;
      if (v.is_scalar() && v.text == "master") {
        f.node_is_master = true;
      } else {
        f.node = names.read(v, ap);
      }
    } else if (action == "restart") {
      f.kind = FaultKind::kRestart;
      f.node = names.read(v, ap);
    } else if (action == "link_down" || action == "link_up") {
      f.kind = action == "link_down" ? FaultKind::kLinkDown : FaultKind::kLinkUp;
      may_end = action == "link_down";
      read_pair(v, ap, names, f);
      require_link(v, ap, names, topology, f.a, f.b);
    } else if (action == "partition") {
      f.kind = FaultKind::kPartition;
      may_end = true;
      read_partition(v, ap, names, f);
    } else if (action == "heal") {
      f.kind = FaultKind::kHeal;
      if (!(v.is_scalar() && v.plain && (v.text == "all" || v.text == "true"))) {
        fail_at(v, ap, "expected 'heal: all' (heals every partition), got " + yaml::describe(v));
      }
    } else if (action == "byzantine") {
      f.kind = FaultKind::kByzantine;
      may_end = true;
      read_byzantine(v, ap, names, f);
    } else {  // clock_step
      f.kind = FaultKind::kClockStep;
      expect_map(v, ap, "a clock step {node: n2, by: 50ms}");
      check_keys(v, ap, keys::clock_step());
      f.node = names.read(require_key(v, ap, "node", "the node whose clock steps"), child_path(ap, "node"));
      f.step = read_duration(require_key(v, ap, "by", "the step, e.g. 50ms or -1s"), child_path(ap, "by"));
    }
    if (const yaml::Node* u = item.find("until")) {
      const std::string up = child_path(p, "until");
      if (!may_end) fail_at(*u, up, "'until' applies only to crash, stop, link_down, partition and byzantine, not to " + action);
      f.until = read_duration(*u, up, Duration::zero());
      if (*f.until <= f.at) {
        fail_at(*u, up, "'until' (" + u->text + ") must be after 'at' (" + format_duration(f.at) + ")");
      }
      if (*f.until > duration) {
        fail_at(*u, up, "'until' (" + u->text + ") is after the end of the run (duration " + duration_text +
                            "); omit 'until' to keep the fault to the end");
      }
    }
    faults.push_back(std::move(f));
  }
  return faults;
}

}  // namespace clocksim::scenario
