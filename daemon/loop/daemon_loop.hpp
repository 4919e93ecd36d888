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
#include "daemon/clock/clock.hpp"
#include "daemon/loop/endpoint.hpp"
#include "daemon/loop/log.hpp"
#include "daemon/loop/ntp_service.hpp"
#include "daemon/loop/timer_table.hpp"
#include "daemon/wire/auth.hpp"
#include "daemon/wire/codec.hpp"
#include "daemon/wire/replay_window.hpp"

namespace clocksim::daemon {

struct PeerConfig {
  NodeId id = kNoNode;
  std::string address;  // host:port
};

struct LoopConfig {
  NodeId self = kNoNode;
  std::string listen;  // host:port for cluster traffic (port 0: any)
  std::string status;  // host:port for clocksyncctl (port 0: any)
  std::vector<PeerConfig> peers;
  std::uint32_t cluster = 0;
  std::string sync_kind;      // for the status report
  std::string election_kind;
  std::string ntp_listen;               // NTPv4 port (daemon/loop/ntp_service); empty: none
  std::vector<NtpServer> ntp_servers;   // upstream NTP servers
  bool reference_clock_system = false;  // answer reference-clock reads with CLOCK_REALTIME
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
  std::uint64_t role_changes = 0;
  std::uint64_t status_queries = 0;
  std::array<std::uint64_t, wire::kDropReasonCount> dropped{};
  std::uint64_t dropped_total() const;
};

class DaemonLoop {
 public:
  // `key` null: --insecure (packets carry no MAC). The loop does not own clock or key.
  DaemonLoop(LoopConfig config, std::unique_ptr<Algorithm> algorithm, Clock& clock,
             const wire::ClusterKey* key, Logger& log);
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
  std::uint16_t status_port() const { return status_socket_.local_port(); }
  std::uint16_t ntp_port() const { return ntp_ ? ntp_->local_port() : 0; }
  const Counters& counters() const { return counters_; }
  nlohmann::json status_json();

 private:
  void dispatch_start();
  void handle_datagram(std::span<const std::uint8_t> bytes);
  void drop(wire::DropReason reason);
  void apply(Effects& fx);
  void send_one(NodeId to, const Message& msg);
  void after_dispatch();
  void fire_due_timers();
  void answer_status();
  int poll_timeout_ms();
  void deliver_ntp(NodeId from, const Message& msg);

  LoopConfig config_;
  std::unique_ptr<Algorithm> algorithm_;
  Clock& clock_;
  const wire::ClusterKey* key_;
  Logger& log_;
  HostTimeSource host_;

  UdpSocket data_socket_;
  UdpSocket status_socket_;
  int signal_fd_ = -1;
  int stop_fd_ = -1;  // eventfd
  std::unique_ptr<NtpService> ntp_;
  bool reference_pending_ = false;  // the algorithm asked for a reference-clock reading
  std::map<NodeId, Endpoint> peers_;
  std::map<NodeId, wire::ReplayWindow> replay_;
  TimerTable timers_;
  Effects fx_;
  std::uint64_t next_sender_seq_ = 1;
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
