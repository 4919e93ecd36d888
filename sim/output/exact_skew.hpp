// The skew's true supremum over the run, not a sample at ticks. Between two instants where some
// clock's slope or value changes (a step, the start or end of a slew, a frequency correction, a
// wander step, a crash or restart, an injected step) every clock is linear in true time, so the
// skew max − min is convex there and the bound (linear between its own changes) is exceeded, if
// at all, at an end of such an interval. This observer evaluates exactly those instants, each
// as its left limit (the state and bound before the change) and its right value (after), and
// hands them to RunAnalysis; the recorder still writes skew.csv per tick.
//
// Three limits, stated in docs/output-formats.md: a sinusoidal rate term is not linear (between
// breakpoints it is checked at ticks only), slew ends are taken at the nanosecond after, and each
// reading is its linear value rounded to the nanosecond, so between breakpoints the skew of the
// readings may exceed what the breakpoints show by 1 ns. The edges of the windows results are
// taken over (an expectation's after/until, the warm-up, an outside_failover settle time's end)
// are read too: over a window the skew peaks at a breakpoint or at an edge.
//
// Reading every clock at every breakpoint costs O(N) each, and a star of N clients has O(N)
// breakpoints per period. So an instant is first bounded: since the last full reading at t0,
// no clock moved by more than its rate bound times (t − t0) plus the steps seen since, so the
// skew is at most its value at t0 plus twice that. If RunAnalysis says no result could change
// even at those upper bounds, the clocks are not read; the results are the same as reading them.
// A restart (a clock that joins) forces a full reading.
//
// A full reading asks an OffsetTournament (sim/output/offset_tournament.hpp) for the largest and
// smallest offset instead of scanning every clock: it reads the clocks that changed and those
// whose order may have, O(log N) each, so a star's N breakpoints per period no longer cost N
// readings each (where full readings are rare next to changes, it scans instead, which is then
// cheaper, and most scans read only the clocks near the extremes and those stepped, crashed or
// restarted since). The scan here remains as the reference (bound_instants = false), and tests
// compare the two. So a slew, which keeps a clock within its slope bound, is told to the
// tournament as slewing(), and every other change as touch().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/bound/skew_bound.hpp"
#include "sim/output/offset_tournament.hpp"
#include "sim/output/per_node_values.hpp"
#include "sim/output/run_analysis.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

class ExactSkewChecker final : public Observer {
 public:
  using ProbeScheduler = std::function<void(Time)>;
  ExactSkewChecker(const scenario::ScenarioSpec& spec, const TickView& view, const SkewBound* bound,
                   RunAnalysis& analysis, ProbeScheduler schedule, bool bound_instants = true);
  // Register before every other observer: it notes the bound as it was before anything happened
  // at an instant.
  Observer* before_hook() { return &before_; }
  // The fixed probes: the bound's own drop instants and, with wander, every wander step.
  void start();

  void on_tick(const TickView& view) override;
  void on_event(Time t, NodeId node, const Note& note) override;
  void on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode, CorrectionSource source) override;
  void on_rate_correction(Time t, NodeId node, double ppm) override;
  void on_node_started(Time t, NodeId node) override;
  void on_probe(const TickView& view) override;

  // The count and extremes of the up, correct clocks' offsets at the view's time t (their abs
  // sum left 0), from the tournament, for a tick that reads no clock otherwise; nullopt in the
  // reference mode (no tournament) and where reading every clock would be cheaper.
  std::optional<UpOffsets> extremes_now(Time t);

  std::uint64_t evaluations() const { return evaluations_; }
  // Instants where every clock was read (the rest were bounded).
  std::uint64_t full_readings() const { return full_readings_; }

 private:
  class BeforeHook final : public Observer {
   public:
    explicit BeforeHook(ExactSkewChecker& c) : c_(c) {}
    void on_tick(const TickView& view) override { c_.enter(view.now()); }
    void on_event(Time t, NodeId, const Note&) override { c_.enter(t); }
    void on_clock_adjust(Time t, NodeId, Duration, AdjustMode, CorrectionSource) override { c_.enter(t); }
    void on_rate_correction(Time t, NodeId, double) override { c_.enter(t); }

   private:
    ExactSkewChecker& c_;
  };
  // One node seen differently from what the view shows now (before a step, before a crash).
  struct Special {
    NodeId node = kNoNode;
    std::int64_t offset_ns = 0;
    bool up = false;
  };
  // An instant is its left limit (the state and bound before anything happened at t) and its
  // right value (after everything at t: a probe queued behind the events at t); the states in
  // between, while one event's effects are applied one by one, are not instants of the run.
  void enter(Time t);
  void changed(Time t, const std::optional<Special>& before);
  std::optional<Duration> bound_now(Time t) const;
  // `outside_failover` expectations count again just after the settle time that follows the
  // latest instant without exactly one master: an edge of their window, read there.
  void settle_edges();
  std::optional<Time> settle_edges_from_;
  // `left_limit`: the state just before t (it belongs to the open interval that ends at t).
  void evaluate(Time t, const std::optional<Special>& special, std::optional<Duration> bound, bool left_limit = false);

  const scenario::ScenarioSpec& spec_;
  const TickView& view_;
  const SkewBound* bound_;
  RunAnalysis& analysis_;
  ProbeScheduler schedule_;
  BeforeHook before_{*this};
  PerNodeValues<double> slew_ppm_;
  std::optional<Time> instant_;
  std::optional<Duration> bound_left_;  // the bound before anything happened at instant_
  bool left_done_ = false;
  bool right_pending_ = false;
  Duration wander_step_ = Duration::zero();
  Time next_wander_probe_;
  std::uint64_t evaluations_ = 0;
  std::uint64_t full_readings_ = 0;

  // The last full reading, and what bounds the clocks' movement since.
  bool can_skip(Time t, std::optional<Duration> bound, bool left_limit) const;
  struct Reading {
    Time t;
    std::int64_t skew_ns = 0;
    std::int64_t abs_offset_ns = 0;
    std::int64_t min_offset_ns = 0;
    std::int64_t max_offset_ns = 0;
    std::uint32_t up_nodes = 0;
  };
  bool bound_instants_;
  std::optional<Reading> last_full_;
  PerNodeValues<double> extra_rate_ppm_;  // per node: slew rate plus sine amplitude, on top of the clock's rate
  double rate_bound_ppm_ = 0;           // max over up clocks of |rate| + extra, since last_full_
  std::int64_t jumps_ns_ = 0;           // sum of |steps| since last_full_
  bool must_read_ = false;              // a clock joined since last_full_
  std::vector<NodeId> rate_changed_;    // frequency corrections to fold into the bound
  std::map<NodeId, std::uint32_t> lying_faults_;  // per liar: its Byzantine faults in force
  std::optional<OffsetTournament> tournament_;  // absent in the reference mode: every clock is read
  void touch(NodeId node) {
    if (tournament_) tournament_->touch(node);
  }
};

}  // namespace clocksim::sim
