// Fault-tolerant averaging (Welch & Lynch, "A new fault-tolerant algorithm for clock
// synchronization", Inf. & Comp. 77, 1988; with `faults: 0, combine: mean` it is the averaging
// algorithm of Lundelius & Lynch, Inf. & Control 62, 1984, which meets their u(1 - 1/n) floor).
//
// Rounds start when the local clock crosses a multiple of `period`, so every node starts its
// round within the current skew of the others without any message. At the start a node asks
// every peer for its clock (kTimeRequest; any node answers with kTimeReply, t2 = t3 = its reading)
// and estimates each peer's offset as Cristian does, theta = t3 + rtt/2 - t4, whose error is
// (d_fwd - d_back)/2, i.e. at most u/2. At start + `read_window` it takes its own offset 0 and
// every estimate that arrived, drops the `faults` highest and `faults` lowest and moves its clock
// by the midpoint (or mean) of the rest. Applying at a fixed local time after the start, rather
// than when the last reply arrives, keeps every reading of a round ahead of every correction
// of that round (read_window must exceed skew + round trip), which the bound's argument needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/ftavg/clock_reading.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/core/params.hpp"

namespace clocksim::ftavg {

enum class Combine : std::uint8_t { kMidpoint, kMean };

struct WelchLynchConfig {
  Duration period = Duration::from_ns(10'000'000'000);
  std::int64_t faults = 1;  // f: estimates dropped at each end
  Combine combine = Combine::kMidpoint;
  Duration read_window = Duration::from_ns(500'000'000);
  Duration step_threshold = Duration::zero();  // corrections at least this large are stepped
};

std::vector<ParamSpec> welch_lynch_params();
WelchLynchConfig welch_lynch_config(const ParamSet& params);

inline constexpr TimerId kWelchLynchRoundTimer = TimerSpace::make(kSyncTimerPart, 10);
inline constexpr TimerId kWelchLynchApplyTimer = TimerSpace::make(kSyncTimerPart, 11);

// The fault-tolerant combination of offset estimates (own 0 included by the caller): sorted, the
// f lowest and f highest dropped, then the midpoint of the range left or its mean (rounded toward
// zero to within 1 ns; never overflows). nullopt when fewer than 2f + 1 estimates are given.
std::optional<std::int64_t> fault_tolerant_combine(std::vector<std::int64_t> estimates_ns, std::int64_t faults,
                                                   Combine combine);

class WelchLynch final : public SyncLayer {
 public:
  WelchLynch(Membership membership, WelchLynchConfig config);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  // Every node is a peer: there is no master to lead or follow.
  void lead(LocalTime now, Effects& out) override { on_start(now, out); }
  void follow(NodeId, LocalTime now, Effects& out) override { on_start(now, out); }
  bool is_master_activity(NodeId, const Message&) const override { return false; }
  Role role() const override { return Role::kNone; }

  // The last correction applied (tests, traces).
  std::optional<std::int64_t> last_correction_ns() const { return last_correction_; }

 private:
  void arm_round_timer(LocalTime now, Effects& out);
  void start_round(LocalTime now, Effects& out);
  void apply(Effects& out);

  Membership membership_;
  WelchLynchConfig config_;
  bool started_ = false;
  std::uint32_t round_ = 0;       // round number: a reply of another round is stale
  bool reading_ = false;
  std::int64_t round_start_ns_ = 0;
  // A member's place in the ascending membership: its slot in estimates_ and have_. Ids are any
  // numbers in clocksyncd (1..n, or 10, 20, ...), so an id is not an index.
  std::optional<std::size_t> slot_of(NodeId id) const;
  std::vector<std::int64_t> estimates_;  // per member this round (index = slot_of)
  std::vector<bool> have_;
  std::optional<std::int64_t> last_correction_;
};

}  // namespace clocksim::ftavg
