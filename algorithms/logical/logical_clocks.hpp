// Lamport and vector clocks driven by an application workload: each node's application does an
// event at the times of a Poisson process (mean `mean_interval`); with `send_probability` the
// event sends a message to a peer (a random one, or a ring neighbour in id order), else it is
// local. Entry i of a vector timestamp is the i-th member in ascending id order (in the simulator,
// node i; clocksyncd's members may have any ids).
// Receiving a message is an event too. Every event is stamped (vector_clock.hpp) and reported
// through last_logical_event(), so the simulator can check the stamps against the true
// happened-before relation, which it tracks itself. The node's physical clock is never read.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/core/logical_event.hpp"
#include "algorithms/core/params.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/logical/stamp_codec.hpp"
#include "algorithms/logical/vector_clock.hpp"

namespace clocksim::logical {

enum class PeerChoice : std::uint8_t { kRandom, kNeighbours };

struct LogicalConfig {
  bool vector = true;  // keep a vector clock as well as the Lamport clock
  Duration mean_interval = Duration::from_ns(1'000'000'000);
  double send_probability = 0.5;
  PeerChoice peers = PeerChoice::kRandom;
};

std::vector<ParamSpec> logical_params();
LogicalConfig logical_config(const ParamSet& params);

inline constexpr TimerId kLogicalEventTimer = TimerSpace::make(kSyncTimerPart, 20);

class LogicalClocks final : public SyncLayer {
 public:
  // `before`: the clocks and message count an earlier incarnation of this node left on stable
  // storage (all zero for a first start).
  LogicalClocks(const Membership& membership, LogicalConfig config, std::uint64_t seed, const LogicalState& before = {});

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void on_shutdown(LocalTime, Effects&) override { has_event_ = false; }
  // No master: an election above it changes nothing.
  void lead(LocalTime, Effects&) override {}
  void follow(NodeId, LocalTime, Effects&) override {}
  bool is_master_activity(NodeId, const Message&) const override { return false; }
  Role role() const override { return Role::kNone; }
  const LogicalEvent* last_logical_event() const override { return has_event_ ? &event_ : nullptr; }

  std::uint64_t lamport() const { return lamport_.now(); }
  const std::vector<std::uint64_t>& vector() const { return vector_.entries(); }

 private:
  void arm(Effects& out);
  NodeId pick_peer();
  void record(LogicalEvent::Kind kind, NodeId peer, std::uint32_t id);

  NodeId self_;
  std::vector<NodeId> members_;  // ascending, self included
  NodeId self_index_;            // self's place in members_: its vector entry
  NodeId n_;
  LogicalConfig config_;
  Rng rng_;
  LamportClock lamport_;
  VectorClock vector_;
  StampReassembler inbox_;
  std::uint32_t next_message_id_ = 0;
  bool started_ = false;
  bool has_event_ = false;
  LogicalEvent event_;
};

}  // namespace clocksim::logical
