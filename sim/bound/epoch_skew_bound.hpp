// Berkeley's worst case through crashes, restarts, elections, partitions and clock steps
// (docs/bounds.md §7). A disruption cannot be bounded in advance — when a new master wins is up
// to the election — so this model follows the run: it is an observer of the world's events and
// ticks, and its bound at t is the worst case *given the disruptions, master changes and round
// completions seen up to t*, never given the clocks' offsets.
//
// Two phases:
// - disrupted (from the start when an election picks the first master; from any crash of the
//   master, restart, partition, link change, clock step or change of roles): the hull of all
//   clocks, up or down, widens by the pairwise drift D = 2ρ per second and by at most
//   round_growth per completed round (a round may correct some clocks and not others);
// - stable: once a single master is followed by every up node, no link is cut, and a full round
//   of that master (one that started after every older correction could still arrive) has had
//   its corrections applied: from then on the steady cycle bound B of §4.4 holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/bounds/skew_bound.hpp"
#include "sim/bound/skew_bound.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

class EpochSkewBound final : public SkewBound, public Observer {
 public:
  // `input` describes the scenario (sim/bound/sync_bound_inputs), its unresponsive_slaves the
  // most that faults can make silent at once. Call only when usable(input).
  EpochSkewBound(bounds::BerkeleyBoundInput input, const scenario::ScenarioSpec& spec);
  // The steady state must exist with every node up; otherwise returns false and why.
  static bool usable(const bounds::BerkeleyBoundInput& input, std::string& why);

  std::optional<Duration> at(Time t) const override;
  std::string describe() const override;
  Observer* observer() override { return this; }

  void on_tick(const TickView& view) override;
  void on_event(Time t, NodeId node, EventKind kind, std::string_view detail) override;

  // For tests and summary.json.
  bool stable() const { return stable_; }
  std::uint32_t disruptions() const { return disruptions_; }
  std::uint32_t stabilizations() const { return stabilizations_; }

 private:
  // A bound on the spread (max − min) of a set of clocks from `since`: spread_s then, plus drift,
  // plus round_growth per round completed since.
  struct Hull {
    Time since;
    double spread_s = 0;
    std::uint32_t rounds = 0;
  };
  double value_s(const Hull& h, Time t) const;
  // The widest corner spread of the up clocks at t: the hull when disrupted, the steady corners
  // when stable (plus the hull of the down clocks, which rejoin at their restart).
  double corners_s(Time t) const;
  void disrupt(Time t, double extra_s);
  void reset_agreement();

  // The steady bound with `down` crashed slaves (each costs the master the probe timeouts).
  const bounds::SkewBound& steady(std::uint32_t down);
  void set_down_count(std::uint32_t down);

  bounds::BerkeleyBoundInput input_;
  bounds::SkewBound worst_;        // every fault's silent slaves at once: for the growth per round
  std::vector<std::optional<bounds::SkewBound>> steady_by_down_;
  const bounds::SkewBound* b_;     // the steady bound for the current number of down nodes
  double drift_;                   // pairwise, s/s
  Duration retry_span_;
  struct Step {
    std::int64_t at_ns;
    NodeId node;
    double size_s;
  };
  std::vector<Step> steps_;

  bool stable_ = false;
  Hull hull_;                   // while disrupted
  std::optional<Hull> down_;    // while some node is down: covers it too
  std::uint32_t down_count_ = 0;
  std::uint32_t links_cut_ = 0;
  bool partitioned_ = false;

  // The way back to stable.
  std::optional<Time> agree_since_;   // first tick of the current agreement on one master
  NodeId agreed_master_ = kNoNode;
  std::optional<Time> first_completion_;  // of that master, after agree_since_ + retry_span_
  std::optional<Time> stable_from_;       // the full round's corrections are applied by then

  std::uint32_t disruptions_ = 0;
  std::uint32_t stabilizations_ = 0;
};

}  // namespace clocksim::sim
