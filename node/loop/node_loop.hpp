// One node of a cluster, as production runs it: an algorithm object (algorithms::make_stack)
// between the wire and the clock, over injected interfaces (node/loop/interfaces.hpp), so that the
// daemon (daemon/loop/daemon_loop.hpp: UDP sockets, poll, signalfd) and the simulator's
// `host: daemon` nodes (sim/world) run the very same code.
//
//   datagram --decode/auth/sender check/replay window--> on_message
//   due timer (host's TimerService)                  --> on_timer
//   Effects --apply_effects--> clock, timers (deadline = monotonic now + clock span), encode +
//                              send per member, notes; then role tracking; counters; status json
//
// The loop never reads a socket or a host clock itself and never blocks.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/core/algorithm.hpp"
#include "node/clock/clock.hpp"
#include "node/loop/interfaces.hpp"
#include "node/loop/log.hpp"
#include "node/wire/auth.hpp"
#include "node/wire/codec.hpp"
#include "node/wire/replay_window.hpp"

namespace clocksim::node {

struct NodeLoopConfig {
  NodeId self = kNoNode;
  // Every member id, self included, ascending and without duplicates; shared by a simulator's
  // nodes.
  std::shared_ptr<const std::vector<NodeId>> members;
  std::uint32_t cluster = 0;
  std::string sync_kind;  // for the status report
  std::string election_kind;
};

struct Counters {
  std::uint64_t packets_in = 0;        // datagrams received (counted by on_datagram)
  std::uint64_t packets_accepted = 0;  // delivered to the algorithm
  std::uint64_t packets_out = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t send_unknown_peer = 0;  // addressed to an id that is not a member
  std::uint64_t send_to_self = 0;       // addressed to this node (never transmitted)
  std::uint64_t timers_fired = 0;
  std::uint64_t clock_steps = 0;
  std::uint64_t clock_slews = 0;
  std::uint64_t rate_corrections = 0;
  std::uint64_t clock_errors = 0;
  std::uint64_t role_changes = 0;
  std::uint64_t status_queries = 0;
  std::array<std::uint64_t, wire::kDropReasonCount> dropped{};
  std::uint64_t dropped_total() const;
};

struct NodeLoopHost {
  Clock& clock;
  TimeSource& time;
  DatagramTransport& transport;
  TimerService& timers;
  Logger& log;
  NodeLoopObserver* observer = nullptr;  // optional
};

class NodeLoop {
 public:
  // `key` null: packets carry no MAC (--insecure). The loop owns neither the key nor the host's
  // interfaces.
  NodeLoop(NodeLoopConfig config, std::unique_ptr<Algorithm> algorithm, NodeLoopHost host,
           const wire::ClusterKey* key);
  ~NodeLoop();
  NodeLoop(const NodeLoop&) = delete;
  NodeLoop& operator=(const NodeLoop&) = delete;

  void start();
  // One datagram as received (any bytes at all: hostile input is dropped and counted).
  void on_datagram(std::span<const std::uint8_t> bytes);
  // A datagram the host could not read whole (larger than any valid packet).
  void on_oversized_datagram();
  // Timer `id` is due (the host removed it from its TimerService).
  void on_timer(TimerId id);
  // Graceful stop: on_shutdown and its effects (a master's LEAVE goes out).
  void shutdown();

  void count_status_query() { ++counters_.status_queries; }
  const Counters& counters() const { return counters_; }
  const Algorithm& algorithm() const { return *algorithm_; }
  NodeId self() const { return config_.self; }
  bool authenticated() const { return key_ != nullptr; }
  // The status report clocksyncctl shows; `peers` lists the members' addresses as the host knows
  // them.
  nlohmann::json status_json(nlohmann::json peers);

 private:
  class LoopEffectSink;
  void dispatch_done();
  void drop(wire::DropReason reason);
  void send_one(NodeId to, const Message& msg);

  NodeLoopConfig config_;
  std::unique_ptr<Algorithm> algorithm_;
  NodeLoopHost host_;
  const wire::ClusterKey* key_;
  std::map<NodeId, wire::ReplayWindow> replay_;
  Effects fx_;
  std::uint64_t next_sender_seq_ = 1;
  Counters counters_;

  Role last_role_ = Role::kNone;
  NodeId last_master_ = kNoNode;
  std::optional<std::int64_t> role_since_local_ns_;
  std::optional<nlohmann::json> last_round_;
  std::uint64_t rounds_ = 0;
  std::int64_t started_mono_ns_ = 0;
};

}  // namespace clocksim::node
