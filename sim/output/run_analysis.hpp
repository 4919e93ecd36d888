// Everything a run concludes from its ticks and events: worst skew (overall and after the
// warm-up), bound violations, elections and failovers, and the verdict of each `expect:` entry.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/logical/causality.hpp"
#include "sim/output/tick_stats.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

// Messages sent, by type: index = the MsgType's wire value.
using MessageCounts = std::array<std::uint64_t, 256>;

struct Failover {
  NodeId old_master = kNoNode;
  // A crash of the master, or a partition that cut `side` off from it: then only events of the
  // nodes of `side` belong to this failover (its detection, its election, its new master).
  bool partition = false;
  std::vector<NodeId> side;           // ascending; empty for a crash
  Time lost_at;                       // the master crashed, or the partition cut it off
  std::optional<Time> detected_at;    // first master_silent / election_started after that
  std::optional<Time> elected_at;     // first became_master after that
  NodeId new_master = kNoNode;
  std::int64_t max_skew_during_ns = 0;  // skew excursion over the master-less interval
  std::uint32_t elections_started = 0;
  std::uint64_t messages_at_loss = 0;
  std::uint64_t messages_sent = 0;      // every message sent from the loss to the new master
  // The same interval by message type (fed by on_message_sent; sums to messages_sent then).
  MessageCounts sent_by_type_at_loss{};
  MessageCounts sent_by_type{};
  // Election-layer messages except the periodic HEARTBEAT and LOOP, from the loss until a node
  // that already follows the new master detects a silence (a new episode: a spurious timeout),
  // the next fault (crash, restart, link or partition change) or the end of the run: the whole
  // election, including what follows the appointment (TSP's SLAVEUPs, the ring's ELECTED round,
  // late detectors and orphans that never heard of the new master), which messages_sent stops
  // short of. Messages sent at the very instant that closes the window (the new episode's first
  // broadcast) are left out.
  std::optional<Time> window_closed_at;
  std::set<NodeId> followers;  // nodes that became slaves after the appointment
  MessageCounts election_by_type{};
  std::uint64_t election_messages() const;
  // A partition's failover counts its side's messages only (the other sides elect on their own):
  // running counts of what the side's nodes sent since the loss, while the figures are open.
  struct SideCounts {
    std::uint64_t sent = 0;
    MessageCounts by_type{};
    MessageCounts at_instant{};  // sent at `last_send_at`, left out of a window closed then
    Time last_send_at;
  };
  SideCounts side_counts;
};

// Election-layer messages that make up an election, as opposed to a master's periodic liveness
// traffic (HEARTBEAT, LOOP) and to the sync layer's messages.
bool counts_as_election_message(MsgType t);

struct ExpectResult {
  std::string text;  // "max_skew <= bound after 30s"
  bool passed = true;
  // Not passed because the run gave nothing to check (no bound, no tick in the interval, no
  // failover): reported apart from a measured failure.
  bool evaluated = true;
  std::string detail;  // by how much, at what time
  scenario::SourceLocation where;
};

class RunAnalysis {
 public:
  explicit RunAnalysis(const scenario::ScenarioSpec& spec);

  void on_tick(const TickStats& s);
  // An instant between ticks where the skew may peak (sim/output/exact_skew): it counts for the
  // worst skew, the bound and the skew expectations like a tick (failovers stay per tick).
  // `up_nodes`: the clocks read; an instant with none says nothing about skew or offsets, so the
  // skew figures and the expectations skip it (its zeros would read as agreement, fail an
  // `offset:` and pass the others vacuously).
  // `left_limit`: the state just before t, which belongs to the open interval ending at t: outside
  // a window (expect's `after`, the warm-up) that starts at t.
  void on_instant(Time t, std::int64_t max_skew_ns, std::int64_t max_abs_offset_ns, std::optional<Duration> bound,
                  std::int64_t min_offset_ns, std::int64_t max_offset_ns, std::uint32_t up_nodes,
                  bool left_limit = false);
  // Whether an instant at t whose skew, largest |offset| and largest offset are at most these
  // values, and whose smallest offset is at least min_offset_ns, could change any result (a
  // maximum, a worst ratio, a violation). When it could not, the exact checker need not read
  // every clock there.
  bool instant_could_matter(Time t, std::int64_t max_skew_ns, std::int64_t max_abs_offset_ns,
                            std::optional<Duration> bound, std::int64_t min_offset_ns, std::int64_t max_offset_ns,
                            std::uint32_t up_nodes, bool left_limit = false) const;
  // `subject`: the node a role event names (the master a slave now follows), if any.
  void on_event(Time t, NodeId node, EventKind kind, NodeId subject = kNoNode);
  // The world's running count of messages sent, read when a failover starts and ends (the
  // analysis sees events as they happen, so the count is exact, not per tick).
  void set_message_counter(const std::uint64_t* messages_sent) { messages_sent_ = messages_sent; }
  // One message handed to the network (a broadcast: once per destination).
  // `from`: the sender, which a partition's failover needs (kNoNode: none of them).
  void on_message_sent(Time t, MsgType type, NodeId from = kNoNode);
  // A sync correction applied to a node's clock, and every node's role at a tick (before its
  // on_tick): together they tell when the first full round is over (the default warm-up).
  void on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode);
  void on_roles(Time t, const RoleTally& roles);
  // sync: logical: how many events the run stamped, and the check of every pair of them against
  // the true happened-before relation (nullopt: too many events to check pair by pair), which
  // `causality: consistent` reads. Before finish().
  void set_causality(std::uint64_t events, std::optional<CausalityReport> report);
  // Call once after the last tick.
  void finish();

  const std::vector<ExpectResult>& expects() const { return expects_; }
  bool all_passed() const;
  const std::vector<Failover>& failovers() const { return failovers_; }
  nlohmann::ordered_json results_json() const;
  // When the steady state began; unset while (or if never) the first full round is over.
  std::optional<Time> steady_from() const { return steady_from_; }
  // How the warm-up was chosen: "scenario" (its `warmup:`), "first_round", "no_sync" (nothing
  // to warm up: steady from the start).
  std::string_view warmup_rule() const { return warmup_rule_; }
  // The latest instant without exactly one master (`outside_failover` skips the settle time
  // after it); unset while there was none.
  std::optional<Time> last_not_one_master() const { return last_not_one_master_; }

 private:
  struct ExpectState {
    std::optional<Time> first_violation;
    std::int64_t worst_excess_ns = 0;  // measured − allowed, max over ticks
    Time worst_at;
    std::int64_t worst_value_ns = 0;
    std::int64_t worst_allowed_ns = 0;
    double worst_ratio = -1;  // measured / allowed, the instant closest to (or most over) the limit
    Time worst_ratio_at;
    std::int64_t worst_ratio_value_ns = 0;
    std::int64_t worst_ratio_allowed_ns = 0;
    std::int64_t largest_ns = 0;  // the largest measured value in the window (for at_least)
    Time largest_at;
    bool no_bound_at_some_tick = false;
    bool checked_any = false;
  };
  const scenario::ScenarioSpec& spec_;
  const std::uint64_t* messages_sent_ = nullptr;
  std::optional<Time> steady_from_;
  std::string_view warmup_rule_;
  // Per node: when its first sync correction has fully taken effect (a slew's end); unset: none
  // applied yet.
  std::vector<std::optional<Time>> first_correction_done_;
  bool any_correction_ = false;
  // Each tick's skew once in the steady state: its mean and percentiles (the max is exact).
  std::vector<std::int64_t> steady_tick_skews_ns_;
  struct SteadyStats {
    double mean_ns = 0;
    std::int64_t p50_ns = 0;
    std::int64_t p99_ns = 0;
  };
  std::optional<SteadyStats> steady_stats_;
  std::vector<ExpectState> state_;
  std::vector<ExpectResult> expects_;
  std::vector<Failover> failovers_;
  MessageCounts sent_by_type_{};
  // The messages sent at the latest send instant, so that a window can close just before it.
  Time last_send_at_;
  MessageCounts sent_at_instant_{};
  std::vector<std::uint8_t> types_at_instant_;
  void close_election_window(Failover& f, Time t, bool before_instant);
  // A partition-side failover only follows the events of its side's nodes.
  static bool concerns(const Failover& f, NodeId node);
  void start_partition_failovers(Time t);
  void close_election_windows(Time t, bool before_instant);
  // `master` ends failover `f` at t: the time and the messages up to the appointment.
  void appoint(Failover& f, Time t, NodeId master);
  NodeId current_master_ = kNoNode;
  // The master a crash took at `lost_master_at_`: a partition at that same instant cut its sides
  // off from it all the same, whichever of the two faults was listed first.
  NodeId lost_master_ = kNoNode;
  Time lost_master_at_;
  // Nodes whose last role event made them master. A tick's most-believed master is adopted as
  // current only if it is one of them: nodes may still believe in a master that just stepped
  // down (TSP QUIT, a higher Bully coordinator), and that one's later crash is no failover.
  std::set<NodeId> masters_by_events_;
  std::vector<std::size_t> open_partition_failovers_;  // in failovers_: still counting their side's messages
  // The masters right now, for instants between ticks (only outside_failover asks): each tick's
  // roles, then the role events since. Kept only when an expectation has outside_failover.
  bool track_masters_ = false;
  std::vector<char> is_master_now_;
  std::uint32_t masters_now_ = 0;
  void set_master_now(Time t, NodeId node, bool master);
  std::uint32_t masters_now() const {
    return track_masters_ ? masters_now_ : (last_ ? last_->masters : 0);
  }
  // The masters as outside_failover sees them at an instant: their number, and the latest
  // instant without exactly one master.
  struct Masters {
    std::uint32_t count = 0;
    std::optional<Time> last_not_one;
  };
  // At an instant's left limit, the masters before anything happened at it: a master's crash
  // closes the window, but the interval that ends at the crash is inside it.
  Masters masters_at(Time t, bool left_limit) const;
  // Called first by everything that may change the masters at t: keeps them as they were before.
  void enter_instant(Time t);
  std::optional<Time> instant_;
  Masters masters_before_;
  void check(Time t, std::int64_t max_skew_ns, std::int64_t max_abs_offset_ns, std::optional<Duration> bound,
             const Masters& masters, std::int64_t min_offset_ns, std::int64_t max_offset_ns, std::uint32_t up_nodes, bool left_limit = false);
  template <class Self>
  static bool check_impl(Self& self, Time t, std::int64_t max_skew_ns, std::int64_t max_abs_offset_ns,
                         std::optional<Duration> bound, const Masters& masters, std::int64_t min_offset_ns,
                         std::int64_t max_offset_ns, std::uint32_t up_nodes, bool left_limit);
  bool measured_ = false;  // some instant had a correct node up
  std::int64_t max_skew_ns_ = 0;
  Time max_skew_at_;
  Time max_bound_ratio_at_;
  std::int64_t max_skew_after_warmup_ns_ = 0;
  bool checked_after_warmup_ = false;
  std::int64_t max_bound_ratio_ppm_ = -1;  // worst measured/bound after warm-up, in ppm
  std::uint64_t bound_violations_ = 0;
  std::uint64_t elections_ = 0;
  std::uint32_t masters_at_end_ = 0;
  std::optional<TickStats> last_;
  std::optional<Time> last_not_one_master_;  // latest tick with zero or several masters
  std::optional<std::int64_t> last_bound_ns_;
  std::uint64_t logical_events_ = 0;
  std::optional<CausalityReport> causality_;
};

}  // namespace clocksim::sim
