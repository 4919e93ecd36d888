// One node of a cluster, as production runs it: an algorithm object (algorithms::make_stack)
// between the wire and the clock, over injected interfaces (node/loop/interfaces.hpp), so that the
// daemon (daemon/loop/daemon_loop.hpp: UDP sockets, poll, signalfd) and the simulator's
// `host: daemon` nodes (sim/world) run the very same code.
//
//   datagram --wire::Channel (decode, pair-key MAC, sender check, freshness)--> on_message
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
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/core/algorithm.hpp"
#include "node/clock/clock.hpp"
#include "node/loop/interfaces.hpp"
#include "node/loop/log.hpp"
#include "algorithms/core/clock_guard.hpp"
#include "node/wire/channel.hpp"
#include "node/wire/keyring.hpp"

namespace clocksim::node {

// The loop's own timer, never an algorithm's (algorithms own TimerSpace parts 1 and 2): the clock
// guard's deadline for a frequency correction's share of the panic window (clock_guard.hpp).
inline constexpr std::uint32_t kHostTimerPart = 0xFF;
inline constexpr TimerId kGuardRateTimer = TimerSpace::make(kHostTimerPart, 1);

struct NodeLoopConfig {
  NodeId self = kNoNode;
  // Every member id, self included, ascending and without duplicates; shared by a simulator's
  // nodes.
  std::shared_ptr<const std::vector<NodeId>> members;
  std::uint32_t cluster = 0;
  std::string sync_kind;  // for the status report
  std::string election_kind;
  ClockGuardConfig clock_limits;  // sanity limits on every clock effect (clock_guard.hpp)
  // This run's start-up epoch (node/wire/freshness.hpp); 0: the host's wall clock at start, as
  // clocksyncd does. A simulator that plans every run's epoch sets it.
  std::uint64_t epoch = 0;
  // The host's boot (algorithms/core/panic_window.hpp): a clock window kept by an earlier run on
  // another boot, or with this all zero (unknown), is carried over by the conservative rule.
  BootId boot{};
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
  std::uint64_t clock_refused = 0;   // refused by the sanity limits
  // ... of which start-up corrections above the panic threshold that no majority corroborated
  std::uint64_t clock_refused_startup = 0;
  std::uint64_t clock_limited = 0;   // carried out in a limited form (rate clamped, step slewed)
  std::uint64_t clock_undone = 0;    // took back corrections past a spent window, corroborated
  // frequency corrections revoked (set to zero) when their movement used up the panic window
  std::uint64_t rate_revoked = 0;
  std::uint64_t hellos_in = 0;       // fresh hellos (freshness handshake), not delivered
  std::uint64_t hellos_out = 0;
  std::uint64_t state_saves = 0;          // stable state written (StableStore)
  std::uint64_t state_save_failures = 0;  // ... and writes that failed (the dispatch or correction went on)
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
  ForeignTransport* foreign = nullptr;    // optional: NTP's port
  ReferenceSource* reference = nullptr;   // optional: a reference clock
  StableStore* stable = nullptr;          // optional: without it a restart starts from zero
};

class NodeLoop {
 public:
  // `keys` null: packets carry no MAC (--insecure). The loop owns neither the keys nor the
  // host's interfaces.
  NodeLoop(NodeLoopConfig config, std::unique_ptr<Algorithm> algorithm, NodeLoopHost host,
           const wire::Keyring* keys);
  ~NodeLoop();
  NodeLoop(const NodeLoop&) = delete;
  NodeLoop& operator=(const NodeLoop&) = delete;

  void start();
  // One datagram as received (any bytes at all: hostile input is dropped and counted).
  void on_datagram(std::span<const std::uint8_t> bytes);
  // A message that came in through the foreign transport (already decoded by it; its protocol's
  // own checks, e.g. NTP's origin check, are the algorithm's).
  void on_foreign_message(NodeId from, const Message& msg);
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
  bool authenticated() const { return keys_ != nullptr; }
  // Uses `keys` from the next packet on (Channel::replace_keys: epochs and replay windows are
  // kept). The loop does not own them; the previous ones may be freed once this returns.
  void replace_keys(const wire::Keyring* keys) {
    channel_.replace_keys(keys);
    keys_ = keys;
  }
  std::uint64_t epoch() const { return channel_.epoch(); }
  // A peer's start-up epoch known without a hello (the simulator knows them all): messages to it
  // are fresh from the first one, and start() asks only the peers still unknown.
  void learn_peer_epoch(NodeId peer, std::uint64_t epoch) { channel_.learn_peer_epoch(peer, epoch); }
  // `msg` sealed for `to` as this node seals its own messages (nullopt: no key for `to`). The
  // simulator's Byzantine liar uses it: a lying process signs its lies with its own keys.
  std::optional<wire::Packet> seal(NodeId to, const Message& msg) { return channel_.seal(to, msg); }
  // The status report clocksyncctl shows; `peers` lists the members' addresses as the host knows
  // them.
  nlohmann::json status_json(nlohmann::json peers);

 private:
  class LoopEffectSink;
  // After an algorithm call: saves the stable state it moved on, then carries its effects out.
  void carry_out();
  void keep_stable_state();
  // Keeps the clock guard's window (after a correction it counted, before it is carried out).
  void keep_clock_window();
  // Keeps the loop's timer at the guard's rate deadline (armed, moved or cancelled).
  void follow_rate_deadline();
  // The guard's rate deadline fell due: counts the rate ahead, or revokes it.
  void on_rate_deadline();
  // What the guard made of the rate `running_ppm` the clock runs with (adopted at start, or due):
  // a revocation carried out, or the window it counted kept.
  void carry_out_rate(double running_ppm, const ClockGuard::Verdict& v);
  // Writes stable_ to the host's store, if any; `what` names the change in a failure's log line.
  void save_stable_state(const char* what);
  void dispatch_done();
  void drop(wire::DropReason reason);
  void send_one(NodeId to, const Message& msg);
  void send_packet(NodeId to, const wire::Packet& p, const Message& carried);

  NodeLoopConfig config_;
  std::unique_ptr<Algorithm> algorithm_;
  NodeLoopHost host_;
  const wire::Keyring* keys_;
  wire::Channel channel_;
  ClockGuard guard_;
  Effects fx_;
  Counters counters_;

  Role last_role_ = Role::kNone;
  NodeId last_master_ = kNoNode;
  std::optional<std::int64_t> role_since_local_ns_;
  std::optional<nlohmann::json> last_round_;
  std::optional<nlohmann::json> last_refused_;  // the last correction the sanity limits refused
  std::uint64_t rounds_ = 0;
  MonoTime started_mono_;
  StableState stable_;  // as last saved (host_.stable), else as the dispatches left it
  std::optional<std::int64_t> rate_timer_ns_;  // where kGuardRateTimer is armed, if it is
};

}  // namespace clocksim::node
