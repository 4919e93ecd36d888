// clocksyncd's socket loop: the node loop (node/loop/node_loop.hpp) driven by UDP sockets, the
// host's monotonic clock and a Clock (system or virtual).
//
//   cluster socket datagram --> NodeLoop::on_datagram     TimerTable deadline --> NodeLoop::on_timer
//   NodeLoop's sends        --> sendto the member's configured address (DatagramTransport)
//
// poll(2) sleeps until a socket is readable, a signal arrives (signalfd) or the next timer is due:
// no busy waiting. SIGTERM/SIGINT (or request_stop) call on_shutdown, flush its sends, and return;
// SIGHUP reloads the key file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/core/algorithm.hpp"
#include "daemon/clock/host_time_source.hpp"
#include "daemon/loop/control_socket.hpp"
#include "daemon/loop/endpoint.hpp"
#include "daemon/loop/ntp_service.hpp"
#include "node/clock/clock.hpp"
#include "node/loop/log.hpp"
#include "node/loop/node_loop.hpp"
#include "node/loop/timer_table.hpp"
#include "node/wire/keyring.hpp"

namespace clocksim::daemon {

struct PeerConfig {
  NodeId id = kNoNode;
  std::string address;  // host:port
  // Where it was written, as a config error begins ("node1.yaml:7:9: error: at 'peers.1': "), so
  // that a later check can point there; empty for a flag.
  std::string origin = {};
};

struct LoopConfig {
  NodeId self = kNoNode;
  std::string listen;  // host:port for cluster traffic (port 0: any)
  std::string control;  // Unix socket path for clocksyncctl (empty: none)
  std::string control_origin;  // where `control` was written (as PeerConfig::origin); empty: a flag
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
  std::string ntp_listen;               // NTPv4 port (daemon/loop/ntp_service); empty: none
  std::vector<NtpServer> ntp_servers;   // upstream NTP servers
  bool reference_clock_system = false;  // answer reference-clock reads with CLOCK_REALTIME
  // This run's start-up epoch (node/wire/freshness.hpp); 0: the wall clock at start. With a state
  // file it is StateFile::begin_run's, above every earlier run's whatever the wall clock says.
  std::uint64_t epoch = 0;
  // This boot's id (daemon/os/boot_id.hpp), for the clock guard's window kept in the state file;
  // all zero: unknown.
  BootId boot{};
};

using Counters = node::Counters;

// What the node loop is configured with on this daemon: the membership is self plus every peer.
// DaemonLoop uses it, and so do tests that host the same loop over simulated links.
node::NodeLoopConfig node_loop_config(const LoopConfig& config);

class DaemonLoop final : private node::DatagramTransport, private node::ReferenceSource {
 public:
  // `keys` null: --insecure (packets carry no MAC). The loop does not own clock or keys.
  // `stable`, optional and not owned: where the node keeps what outlives a restart.
  DaemonLoop(LoopConfig config, std::unique_ptr<Algorithm> algorithm, node::Clock& clock,
             const node::wire::Keyring* keys, node::Logger& log, node::StableStore* stable = nullptr);
  ~DaemonLoop() override;

  // Everything open() checks before it binds anything: the listen address, the peers (own id,
  // twice, reachable), a key for every peer, the control socket's path. --check-config asks this.
  std::optional<std::string> check();
  // check(), then binds sockets; an error message when it cannot.
  std::optional<std::string> open();
  // Stop on SIGTERM/SIGINT and reload the keys on SIGHUP (reload_keys), signals the caller
  // must have blocked in every thread (sigprocmask) before creating threads.
  std::optional<std::string> watch_signals();

  // Where a reload reads the keys: the key file the daemon started with. Not set (--insecure),
  // a reload is refused.
  using KeyLoader = std::function<std::variant<node::wire::Keyring, std::string>()>;
  void set_key_loader(KeyLoader load) { load_keys_ = std::move(load); }
  // Reads the keys again and signs and checks with them from the next packet on, keeping the
  // peers' epochs and replay windows; refused, with the reason, unless the key file passes the
  // checks of start-up and holds a key for every peer. A refused reload
  // keeps the keys in use: a typo in the key file never cuts a node off its cluster. Counted and
  // logged either way. What SIGHUP does (`systemctl reload clocksyncd`).
  std::optional<std::string> reload_keys();

  // Runs until stopped; returns after on_shutdown's sends went out.
  void run();
  // Thread-safe.
  void request_stop();

  std::uint16_t listen_port() const { return data_socket_.local_port(); }
  std::uint16_t status_port() const { return control_.udp_port(); }
  std::uint16_t ntp_port() const { return ntp_ ? ntp_->local_port() : 0; }
  const Counters& counters() const { return loop_->counters(); }
  nlohmann::json status_json();

 private:
  bool send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message& carried) override;
  // The system clock as a reference clock: read, never set.
  ReferenceReading read(LocalTime local_now) override;
  void receive_datagrams();
  void fire_due_timers();
  int poll_timeout_ms();
  // Per peer, the id of the key this node signs with (the highest it holds for that peer that is
  // not accept-only).
  nlohmann::json signing_key_ids() const;
  // Per peer, every key id this node accepts.
  nlohmann::json accepted_key_ids() const;
  // Why `keys` (from `file`) cannot serve: the first configured peer it holds no key to sign with
  // for; at start-up and on a reload alike.
  // `at_peer`: begin the message with where the peer was written (PeerConfig::origin).
  std::optional<std::string> peer_without_key(const node::wire::Keyring& keys, const char* file, bool at_peer) const;

  LoopConfig config_;
  node::Clock& clock_;
  const node::wire::Keyring* keys_;
  KeyLoader load_keys_;
  std::unique_ptr<node::wire::Keyring> reloaded_keys_;  // the keys in use once a reload took
  std::uint64_t key_reloads_ = 0;
  std::uint64_t key_reloads_refused_ = 0;
  std::optional<std::string> last_reload_error_;
  node::Logger& log_;
  HostTimeSource host_;
  node::TimerTable timers_;
  std::unique_ptr<NtpService> ntp_;  // before loop_: the loop sends through it
  std::unique_ptr<node::NodeLoop> loop_;

  UdpSocket data_socket_;
  ControlSocket control_;
  std::uint64_t timer_turns_capped_ = 0;
  int signal_fd_ = -1;
  int stop_fd_ = -1;  // eventfd
  std::map<NodeId, Endpoint> peers_;
  bool stopping_ = false;
};

}  // namespace clocksim::daemon
