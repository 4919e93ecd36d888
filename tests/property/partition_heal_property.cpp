// Property check over many seeds, for every election kind:
// - after the last partition heals (if the scenario has one), exactly one master remains within
//   `settle` and stays the only one to the end of the run, and at the end every up node follows
//   it. (Between those points a node may briefly follow nobody: under loss a heartbeat scheme can
//   suspect a live master and hold an election that re-elects it.)
// - where the scenario has a skew bound (docs/bounds.md §7), the skew of the up nodes never
//   exceeds it at any tick, failovers and partitions included.
//
//   election_property SCENARIO KIND FIRST_SEED COUNT SETTLE_SECONDS [KEY=VALUE ...]
//
// KIND "file" keeps the scenario's own election block; any other kind replaces it with that
// kind at its default parameters (as `--set 'algorithm.election={kind: KIND}'` does). KEY=VALUE are
// further `--set` overrides (e.g. links.loss=0.05). Exit 0 when every seed holds, 1 when one
// does not (each failure printed with its seed and the picture at the failing tick), 2 on a
// usage or scenario error, or when there is nothing to check.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "sim/bound/skew_bound.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"
#include "sim/bound/no_bound_text.hpp"

namespace {

using clocksim::NodeId;
using clocksim::Role;
using clocksim::kNoNode;
namespace sim = clocksim::sim;

class HealWatcher final : public sim::Observer {
 public:
  HealWatcher(clocksim::Duration settle, clocksim::Duration tick, sim::Time end)
      : settle_(settle), view_tick_(tick), end_(end) {}

  void on_event(sim::Time t, NodeId, const clocksim::Note& note) override {
    if (note.kind() == clocksim::EventKind::kHeal) {
      healed_at_ = t;
      failure_.clear();
    }
  }

  void on_tick(const sim::TickView& view) override {
    if (!healed_at_ || view.now() < *healed_at_ + settle_ || !failure_.empty()) return;
    std::vector<NodeId> masters;
    for (NodeId i = 0; i < view.node_count(); ++i) {
      const auto s = view.node(i);
      if (s.up && s.role == Role::kMaster) masters.push_back(i);
    }
    std::string problem;
    if (masters.size() != 1) {
      problem = std::to_string(masters.size()) + " masters";
    } else if (view.now() + view_tick_ > end_) {  // the last tick: everyone follows the master
      for (NodeId i = 0; i < view.node_count(); ++i) {
        const auto s = view.node(i);
        if (s.up && s.believed_master != masters[0]) {
          problem = view.node_name(i) + " follows " +
                    (s.believed_master == kNoNode ? std::string("nobody") : view.node_name(s.believed_master)) +
                    ", not " + view.node_name(masters[0]);
          break;
        }
      }
    }
    if (!problem.empty()) {
      failure_ = "t=" + std::to_string(view.now().seconds()) + "s (heal at " + std::to_string(healed_at_->seconds()) +
                 "s): " + problem;
    }
  }

  bool saw_heal() const { return healed_at_.has_value(); }
  const std::string& failure() const { return failure_; }

 private:
  clocksim::Duration settle_;
  clocksim::Duration view_tick_;
  sim::Time end_;
  std::optional<sim::Time> healed_at_;
  std::string failure_;
};

// Max − min offset of the up nodes against the bound, at every tick.
class BoundWatcher final : public sim::Observer {
 public:
  explicit BoundWatcher(const sim::SkewBound& bound) : bound_(bound) {}
  void on_event(sim::Time, NodeId, const clocksim::Note&) override {}
  void on_tick(const sim::TickView& view) override {
    if (!failure_.empty()) return;
    std::int64_t lo = 0, hi = 0;
    bool any = false;
    for (NodeId i = 0; i < view.node_count(); ++i) {
      const auto s = view.node(i);
      if (!s.up) continue;
      lo = any ? std::min(lo, s.offset_ns) : s.offset_ns;
      hi = any ? std::max(hi, s.offset_ns) : s.offset_ns;
      any = true;
    }
    const auto b = bound_.at(view.now());
    if (b && b->ns() > 0 && any) {
      const double ratio = static_cast<double>(hi - lo) / static_cast<double>(b->ns());
      if (ratio > worst_ratio_) {
        worst_ratio_ = ratio;
        worst_at_s_ = view.now().seconds();
      }
      // After the initial spread (which the bound is at t = 0 by construction) has been corrected.
      if (view.now().seconds() >= 10 && ratio > worst_settled_ratio_) worst_settled_ratio_ = ratio;
    }
    if (!b) {
      failure_ = "t=" + std::to_string(view.now().seconds()) + "s: the bound is missing";
    } else if (hi - lo > b->ns()) {
      failure_ = "t=" + std::to_string(view.now().seconds()) + "s: skew " + std::to_string(hi - lo) +
                 " ns above the bound " + std::to_string(b->ns()) + " ns";
    }
  }
  const std::string& failure() const { return failure_; }
  double worst_ratio() const { return worst_ratio_; }
  double worst_at_s() const { return worst_at_s_; }
  double worst_settled_ratio() const { return worst_settled_ratio_; }

 private:
  const sim::SkewBound& bound_;
  std::string failure_;
  double worst_ratio_ = 0;  // largest skew / bound at a tick
  double worst_at_s_ = 0;
  double worst_settled_ratio_ = 0;  // the same from t = 10 s on
};

bool has_heal(const clocksim::scenario::ScenarioSpec& spec) {
  for (const auto& f : spec.faults) {
    if (f.kind == clocksim::scenario::FaultSpec::Kind::kPartition && f.until) return true;
    if (f.kind == clocksim::scenario::FaultSpec::Kind::kHeal) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: election_property SCENARIO KIND FIRST_SEED COUNT SETTLE_SECONDS [KEY=VALUE ...]\n";
    return 2;
  }
  const std::string path = argv[1];
  const std::string kind = argv[2];
  const std::uint64_t first = std::strtoull(argv[3], nullptr, 10);
  const std::uint64_t count = std::strtoull(argv[4], nullptr, 10);
  const auto settle = clocksim::Duration::from_seconds(std::strtod(argv[5], nullptr));

  clocksim::scenario::ScenarioSpec spec;
  try {
    clocksim::scenario::LoadOptions options;
    if (kind != "file") options.set_overrides.push_back("algorithm.election={kind: " + kind + "}");
    for (int i = 6; i < argc; ++i) options.set_overrides.emplace_back(argv[i]);
    spec = clocksim::scenario::load_scenario_file(path, options);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }

  const bool check_heal = has_heal(spec);
  // The bound model follows the run, so each seed gets its own.
  const bool check_bound = sim::make_skew_bound(spec).bound != nullptr;
  if (!check_heal && !check_bound) {
    std::cerr << path << ": no partition heals and there is no skew bound: nothing to check ("
              << sim::no_bound_text(sim::make_skew_bound(spec).no_bound) << ")\n";
    return 2;
  }
  std::uint64_t failures = 0;
  double worst_ratio = 0;
  std::uint64_t worst_seed = 0;
  double worst_at_s = 0;
  double worst_settled = 0;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    spec.seed = seed;
    sim::World world(spec);
    sim::BoundAvailability bound = sim::make_skew_bound(spec);
    HealWatcher watcher(settle, spec.tick, world.end());
    std::optional<BoundWatcher> bound_watcher;
    if (bound.bound) {
      if (bound.bound->observer()) world.add_observer(bound.bound->observer());
      bound_watcher.emplace(*bound.bound);
      world.add_observer(&*bound_watcher);
    }
    world.add_observer(&watcher);
    world.run_until(world.end());
    std::string failure;
    if (check_heal && !watcher.saw_heal()) failure = "the partition never healed";
    if (check_heal && !watcher.failure().empty()) failure = watcher.failure();
    if (bound_watcher && bound_watcher->worst_ratio() > worst_ratio) {
      worst_ratio = bound_watcher->worst_ratio();
      worst_seed = seed;
      worst_at_s = bound_watcher->worst_at_s();
    }
    if (bound_watcher) worst_settled = std::max(worst_settled, bound_watcher->worst_settled_ratio());
    if (bound_watcher && !bound_watcher->failure().empty()) {
      failure += (failure.empty() ? "" : "; ") + bound_watcher->failure();
    }
    if (!failure.empty()) {
      ++failures;
      std::cout << kind << " seed " << seed << ": " << failure << "\n";
    }
  }
  std::cout << kind << ": " << count - failures << " of " << count << " seeds held";
  if (check_heal) std::cout << " (one master within " << settle.seconds() << " s of the heal)";
  if (check_bound) {
    std::cout << " (skew within the bound at every tick; worst skew/bound " << worst_ratio << " at seed " << worst_seed
              << ", t=" << worst_at_s << " s; from t = 10 s on " << worst_settled << ")";
  }
  std::cout << "\n";
  return failures == 0 ? 0 : 1;
}
