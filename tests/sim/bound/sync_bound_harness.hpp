// Runs a scenario in-process and compares the measured skew with the engine's bound at every
// tick, for the property tests of the skew bound (the bound is never exceeded; on high drift it is tight).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/bound/skew_bound.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace clocksim::sim::testing {

struct SkewVsBound {
  double max_ratio = 0;             // max over ticks of skew/bound
  std::int64_t max_skew_ns = 0;     // over ticks with a bound
  std::int64_t bound_at_max_ns = 0; // the bound at the tick of max_ratio
  std::int64_t skew_at_max_ns = 0;
  double t_at_max_s = 0;
  int violations = 0;               // ticks with skew > bound
  int ticks = 0;
};

class SkewVsBoundObserver final : public Observer {
 public:
  SkewVsBoundObserver(const SkewBound& bound, Time after) : bound_(bound), after_(after) {}
  void on_tick(const TickView& view) override {
    if (view.now() < after_) return;
    std::int64_t lo = INT64_MAX, hi = INT64_MIN;
    int up = 0;
    for (NodeId id = 0; id < view.node_count(); ++id) {
      const NodeSnapshot s = view.node(id);
      if (!s.up) continue;
      ++up;
      lo = std::min(lo, s.offset_ns);
      hi = std::max(hi, s.offset_ns);
    }
    if (up < 2) return;
    const auto b = bound_.at(view.now());
    if (!b) return;
    const std::int64_t skew = hi - lo;
    ++r_.ticks;
    r_.max_skew_ns = std::max(r_.max_skew_ns, skew);
    if (skew > b->ns()) ++r_.violations;
    const double ratio = b->ns() > 0 ? static_cast<double>(skew) / static_cast<double>(b->ns()) : 0.0;
    if (ratio > r_.max_ratio) {
      r_.max_ratio = ratio;
      r_.bound_at_max_ns = b->ns();
      r_.skew_at_max_ns = skew;
      r_.t_at_max_s = view.now().seconds();
    }
  }
  void on_event(Time, NodeId, const Note&) override {}
  const SkewVsBound& result() const { return r_; }

 private:
  const SkewBound& bound_;
  Time after_;
  SkewVsBound r_;
};

inline scenario::ScenarioSpec load_repo_scenario(const std::string& name, std::uint64_t seed,
                                                 const std::vector<std::string>& overrides = {}) {
  scenario::LoadOptions opt;
  opt.set_overrides = overrides;
  auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/" + name, opt);
  spec.seed = seed;
  return spec;
}

// nullopt when the scenario has no bound.
inline std::optional<SkewVsBound> run_against_bound(const scenario::ScenarioSpec& spec, Time after = Time::epoch()) {
  const BoundAvailability b = make_skew_bound(spec);
  if (!b.bound) return std::nullopt;
  World world(spec);
  SkewVsBoundObserver obs(*b.bound, after);
  world.add_observer(&obs);
  world.run_until(world.end());
  return obs.result();
}

}  // namespace clocksim::sim::testing
