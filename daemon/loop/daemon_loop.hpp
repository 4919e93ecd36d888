// The daemon's event loop: one algorithm object (from algorithms::make_stack, unchanged) driven
// by UDP sockets and a Clock through the same Algorithm/Effects interface the simulator's node
// host uses.
//
//   datagram --decode/auth/replay--> on_message     timer deadline (CLOCK_MONOTONIC) --> on_timer
//   Effects --> clock adjustments, timers armed/cancelled, encode + sendto per peer, log lines
//
// poll(2) sleeps until a socket is readable, a signal arrives (signalfd) or the next timer is due:
// no busy waiting. SIGTERM/SIGINT (or request_stop) call on_shutdown, flush its sends, and return.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/clock_guard.hpp"
#include "daemon/clock/clock.hpp"
#include "daemon/loop/control_socket.hpp"
#include "daemon/loop/endpoint.hpp"
#include "daemon/loop/log.hpp"
#include "daemon/loop/timer_table.hpp"
#include "daemon/wire/channel.hpp"
#include "daemon/wire/keyring.hpp"

namespace clocksim::daemon {

struct PeerConfig {
  NodeId id = kNoNode;
  std::string address;  // host:port
};

struct LoopConfig {
  NodeId self = kNoNode;
  std::string listen;  // host:port for cluster traffic (port 0: any)
  std::string control;  // Unix socket path for clocksyncctl (empty: none)
  std::string status;   // host:port of the optional UDP status socket (empty: none; port 0: any)
  bool allow_remote_status = false;  // permit a non-loopback status address
  std::vector<PeerConfig> peers;
  std::uint32_t cluster = 0;
  std::string sync_kind;      // for the status report
  std::string election_kind;
  ClockGuardConfig clock_limits;  // sanity limits on every clock effect
  // At most this many timers fire per loop turn; the rest wait for the next turn, after the
  // sockets and signals have been served (a clock gone wild makes every timer due at once).
  int max_timers_per_turn = 64;
};

struct Counters {
  std::uint64_t packets_in = 0;        // datagrams received on the cluster socket
  std::uint64_t packets_accepted = 0;  // delivered to the algorithm
  std::uint64_t packets_out = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t send_unknown_peer = 0;
  std::uint64_t timers_fired = 0;
  std::uint64_t clock_steps = 0;
  std::uint64_t clock_slews = 0;
  std::uint64_t rate_corrections = 0;
  std::uint64_t clock_errors = 0;
  std::uint64_t clock_refused = 0;   // refused by the sanity limits (clock_guard.hpp)
  std::uint64_t clock_limited = 0;   // carried out in a limited form (rate clamped, step slewed)
  std::uint64_t timer_turns_capped = 0;  // loop turns that left due timers for the next turn
  std::uint64_t role_changes = 0;
  std::uint64_t status_queries = 0;
  std::uint64_t hellos_in = 0;   // fresh hellos (freshness handshake), not delivered
  std::uint64_t hellos_out = 0;
  std::array<std::uint64_t, wire::kDropReasonCount> dropped{};
  std::uint64_t dropped_total() const;
};

class DaemonLoop {
 public:
  // `keys` null: --insecure (packets carry no MAC). The loop does not own clock or keys.
  DaemonLoop(LoopConfig config, std::unique_ptr<Algorithm> algorithm, Clock& clock,
             const wire::Keyring* keys, Logger& log);
  ~DaemonLoop();

  // Binds sockets and resolves peers; an error message when it cannot.
  std::optional<std::string> open();
  // Also stop on SIGTERM/SIGINT, which the caller must have blocked in every thread
  // (sigprocmask) before creating threads.
  std::optional<std::string> watch_termination_signals();

  // Runs until stopped; returns after on_shutdown's sends went out.
  void run();
  // Thread-safe.
  void request_stop();

  std::uint16_t listen_port() const { return data_socket_.local_port(); }
  std::uint16_t status_port() const { return control_.udp_port(); }
  const Counters& counters() const { return counters_; }
  nlohmann::json status_json();

 private:
  void dispatch_start();
  void handle_datagram(std::span<const std::uint8_t> bytes);
  void drop(wire::DropReason reason);
  void apply(Effects& fx);
  void send_one(NodeId to, const Message& msg);
  void send_packet(NodeId to, const wire::Packet& p);
  void after_dispatch();
  void fire_due_timers();

  int poll_timeout_ms();

  LoopConfig config_;
  std::unique_ptr<Algorithm> algorithm_;
  Clock& clock_;
  const wire::Keyring* keys_;
  Logger& log_;
  HostTimeSource host_;

  UdpSocket data_socket_;
  ControlSocket control_;
  int signal_fd_ = -1;
  int stop_fd_ = -1;  // eventfd
  std::map<NodeId, Endpoint> peers_;
  TimerTable timers_;
  ClockGuard guard_;
  Effects fx_;
  std::optional<wire::Channel> channel_;  // built in open(), once the peers are known
  Counters counters_;

  Role last_role_ = Role::kNone;
  NodeId last_master_ = kNoNode;
  std::optional<std::int64_t> role_since_local_ns_;
  std::optional<nlohmann::json> last_round_;
  std::uint64_t rounds_ = 0;
  std::int64_t started_mono_ns_ = 0;
  bool stopping_ = false;
};

}  // namespace clocksim::daemon
