// Berkeley's worst case through crashes, restarts, elections, partitions and clock steps
// (docs/bounds.md §7). A disruption cannot be bounded in advance — when a new master wins is up
// to the election — so this model follows the run: it is an observer of the world's events and
// ticks, and its bound at t is the worst case *given the disruptions, master changes and round
// completions seen up to t*, never given the clocks' offsets.
//
// Under message loss the steady bound does not hold (a lost probe stretches a round, a lost
// correction leaves a clock behind), so the model stays in the disrupted phase, where the hull
// lemma still holds, and shrinks the hull after every *observed full round*: one in which every
// up node applied exactly one correction of that round (on_clock_adjust). Lossless runs get the
// same resets while disrupted.
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
#include <map>
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
  // `lossy`: some link loses messages (never stable; resets only).
  EpochSkewBound(bounds::BerkeleyBoundInput input, const scenario::ScenarioSpec& spec, bool lossy);
  // Lossless: the steady state must exist with every node up. Lossy: the hull's pieces must be
  // finite. Otherwise returns false and why.
  static bool usable(const bounds::BerkeleyBoundInput& input, bool lossy, bounds::NoBound& why);

  std::optional<Duration> at(Time t) const override;
  std::string describe() const override;
  Observer* observer() override { return this; }

  void on_tick(const TickView& view) override;
  void on_event(Time t, NodeId node, const Note& note) override;
  void on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode, CorrectionSource source) override;
  void on_clock_guarded(Time t, NodeId node) override;
  // A master's corrections (kAdjust) leave as its round completes: their term and recipients say
  // which round completed and whom it measured, as typed data.
  void on_message_sent(Time t, NodeId from, NodeId to, const Message& msg) override;

  // For tests and summary.json.
  bool stable() const { return stable_; }
  std::uint32_t disruptions() const { return disruptions_; }
  std::uint32_t stabilizations() const { return stabilizations_; }
  std::uint32_t resets() const { return resets_; }

 private:
  // A bound on the spread (max − min) of a set of clocks from `since`: spread_s then, plus drift
  // (each completed round re-bases it through bounds::SkewBound::grow).
  struct Hull {
    Time since;
    double spread_s = 0;
  };
  // `set_time`: the round sent a SETTIME, whose error is the transit (§4.1b), not a reading's.
  void grow(Hull& h, Time t, bool set_time = false) const;
  double value_s(const Hull& h, Time t) const;
  // The widest corner spread of the up clocks at t: the hull when disrupted, the steady corners
  // when stable (plus the hull of the down clocks, which rejoin at their restart).
  double corners_s(Time t) const;
  void disrupt(Time t, double extra_s);
  void reset_agreement();
  // Full-round resets.
  void start_watch(Time t, NodeId master);
  void cancel_watch();
  void finish_watch_if_done();
  void apply_pending_reset(Time t);
  // How far clock `node` may have moved after `from` (its measurement: the round's start at the
  // earliest) by a slew it was running before this round's correction, which landed at `landing`
  // (`corrected`): adjtime replaces a slew's remainder, a step leaves it running.
  struct OldSlew {
    double error_s = 0;
    std::optional<Time> runs_until;  // it keeps moving the clock until then
  };
  struct Adjust;
  Time slew_end(const Adjust& a, Time t) const;
  // Whether a slew of an older correction still ran while `master`'s round completing at
  // `completed` measured: the slew's motion during an exchange reads as offset (its rate times
  // the round trip), an error the steady cycle has no room for, so that round cannot be the full
  // round that makes the run stable.
  bool older_slew_ran_into(NodeId master, Time completed) const;
  OldSlew old_slew(NodeId node, bool corrected, bool new_is_slew, Time landing, Time from) const;

  // The steady bound with `down` crashed slaves (each costs the master the probe timeouts).
  const bounds::SkewBound& steady(std::uint32_t down);
  void set_down_count(std::uint32_t down);

  bounds::BerkeleyBoundInput input_;
  bounds::SkewBound worst_;        // every fault's silent slaves at once: for the growth per round
  bounds::SkewBound worst_settime_;  // the same with a SETTIME's error (rounds that sent one)
  std::map<std::uint32_t, bounds::SkewBound> steady_by_down_;  // computed when first needed
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
  // Under host: daemon, once the clock guard has refused or changed a correction (a master's own
  // above master_max_adjust, ...) no round is known to land every clock on its trajectory.
  bool guarded_ = false;
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
  // A full round whose worst-case slews could outlast the period: its real slews, observed.
  struct FullRound {
    NodeId master;
    std::uint32_t term;
    Time completed;
    Time settle;  // the latest end of its slews seen so far
  };
  std::optional<FullRound> full_round_;

  std::uint32_t disruptions_ = 0;
  std::uint32_t stabilizations_ = 0;
  std::uint32_t resets_ = 0;

  bool lossy_;
  double slew_rate_;  // the slowest node's, fraction
  // Every node: up, and its last two corrections (for the old-slew error of a reset).
  struct Adjust {
    std::int64_t at_ns = -1;
    double size_s = 0;
    bool slew = false;
  };
  struct NodeState {
    bool up = true;
    Adjust last, before;
    CorrectionSource last_source;
    std::int64_t last_completion_ns = -1;  // as a master
    std::int64_t completion_before_ns = -1;  // the one before last_completion_ns
  };
  std::vector<NodeState> nodes_;
  // The round being watched for a reset.
  struct Watch {
    NodeId master = kNoNode;
    std::uint32_t term = 0;  // only corrections computed by this round count
    Time completed;
    Time start_min;          // the round began no earlier
    std::uint32_t left = 0;  // up slaves still to apply its correction
    double err1 = 0, err2 = 0;  // the two largest old-slew errors
    Time settle;             // every correction of the round applied, slews included
  };
  void note_error(Watch& w, const OldSlew& o);
  std::optional<Watch> watch_;
  std::vector<std::uint8_t> watched_;  // 1: expected, 2: applied
  struct PendingReset {
    Time at;
    double spread_s;
    NodeId master;
  };
  std::optional<PendingReset> pending_reset_;
  std::optional<Time> last_injected_step_;  // a fault stepped some clock then
  // The kAdjust messages a master sent at its latest send instant: the round that completes then.
  struct RoundSends {
    std::int64_t at_ns = -1;
    std::uint32_t term = 0;
    std::vector<NodeId> to;
    bool set_time = false;  // some of them were SETTIMEs
  };
  // The round `master` completes at t: whether it sent a SETTIME, and whether it corrected every
  // up node (its host table may have dropped one).
  bool round_set_time(NodeId master, Time t) const;
  bool round_measured_all_up(NodeId master, Time t) const;
  // Whether that round corrected none of some up node (it did not answer in time, or the host
  // table dropped it): a round that sent nothing left out every up node but the master.
  bool round_left_out_up_node(NodeId master, Time t) const;
  std::map<NodeId, RoundSends> sends_;
  // Recent round completions (time, master): corrections of another master's round may still
  // land after a reset and must stay counted.
  struct Completion {
    Time at;
    NodeId master;
  };
  std::vector<Completion> recent_;
  Duration in_flight_;  // from a round's completion until its last correction may land
};

}  // namespace clocksim::sim
