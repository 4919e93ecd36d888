// Averaging with the neighbours: the example algorithm of docs/extending.md.
//
// Every `period` of its own clock a node asks each neighbour for its clock (kTimeRequest; the
// neighbour answers kTimeReply with its reading) and estimates each neighbour's offset as
// Cristian does, theta = t3 + rtt/2 - t4, which errs by half the link's delay asymmetry. At
// `read_window` after asking it moves its clock to the mean of its own reading and every estimate
// that arrived. Repeated, this is the consensus iteration x <- W x with W the lazy averaging
// matrix of the topology: on a connected graph the clocks contract toward each other at a rate
// set by the graph's spectral gap. A neighbour is any node the host says shares a link with this
// one (StackSetup::neighbours); a host that does not know its topology (the daemon) lets every
// other member count as one.
//
// It has no worst-case bound (see its registration): it tolerates no liar, and its steady skew
// depends on the topology's spectral gap, which no bound model here computes.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/core/params.hpp"

namespace clocksim::neighbour_average {

struct NeighbourAverageConfig {
  Duration period = Duration::from_ns(10'000'000'000);
  Duration read_window = Duration::from_ns(200'000'000);  // replies later than this miss the round
  Duration step_threshold = Duration::zero();             // corrections at least this large are stepped
};

std::vector<ParamSpec> neighbour_average_params();
NeighbourAverageConfig neighbour_average_config(const ParamSet& params);

inline constexpr TimerId kRoundTimer = TimerSpace::make(kSyncTimerPart, 30);
inline constexpr TimerId kApplyTimer = TimerSpace::make(kSyncTimerPart, 31);

class NeighbourAverage final : public SyncLayer {
 public:
  // `neighbours` empty: every other member of `membership`.
  NeighbourAverage(Membership membership, std::vector<NodeId> neighbours, NeighbourAverageConfig config);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  // Every node averages alike: there is no master to lead or follow.
  void lead(LocalTime now, Effects& out) override { on_start(now, out); }
  void follow(NodeId, LocalTime now, Effects& out) override { on_start(now, out); }
  bool is_master_activity(NodeId, const Message&) const override { return false; }
  Role role() const override { return Role::kNone; }

  const std::vector<NodeId>& neighbours() const { return neighbours_; }
  // The last correction applied (tests).
  std::optional<std::int64_t> last_correction_ns() const { return last_correction_; }

 private:
  void start_round(LocalTime now, Effects& out);
  void apply(Effects& out);
  std::optional<std::size_t> neighbour_index(NodeId id) const;

  NodeId self_;
  std::vector<NodeId> neighbours_;  // ascending
  NeighbourAverageConfig config_;
  bool started_ = false;
  bool reading_ = false;
  std::uint32_t round_ = 0;
  std::int64_t asked_at_ns_ = 0;           // t1 of this round's requests
  std::vector<std::optional<std::int64_t>> estimates_;  // per neighbour, this round
  std::optional<std::int64_t> last_correction_;
};

}  // namespace clocksim::neighbour_average
