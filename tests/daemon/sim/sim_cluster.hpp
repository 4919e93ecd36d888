// clocksyncd nodes as a deterministic simulation: each node is configured as clocksyncd configures
// itself (DaemonConfig -> build_stack_setup, build_loop_config, node_loop_config), runs the
// production node loop (node/loop/node_loop.hpp) over a virtual clock, the daemon's TimerTable and
// the wire format with pair keys, and its datagrams cross a simulated network with seeded
// latencies. Time is simulated: a test of minutes of cluster time runs in milliseconds, and the
// same seed gives the same run. What it does not cover is the socket loop around the node loop
// (poll, signalfd, the control socket): tests/daemon/integration keeps a few real processes for
// that.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/core/rng.hpp"
#include "daemon/config/daemon_config.hpp"
#include "node/clock/virtual_clock.hpp"
#include "node/loop/node_loop.hpp"
#include "node/loop/timer_table.hpp"
#include "node/wire/keyring.hpp"

namespace clocksim::daemon::testing {

struct SimNodeSpec {
  NodeId id = 0;
  double drift_ppm = 0;
  Duration offset;                 // initial offset of the virtual clock from the host's wall clock
  std::vector<std::string> sets;   // extra "NAME=VALUE" parameters, as for --set
  bool keyed = true;               // false: started --insecure, without any key
  // Non-empty: started with this state file (daemon/state/state_file.hpp), as clocksyncd with
  // `state_file:`; it outlives the node's runs as the file does.
  std::string state_file = {};
};

// A clock correction a node carried out (after its guard), at the host's monotonic time.
struct AppliedCorrection {
  node::MonoTime at;
  Duration delta;
};

struct SimNetworkSpec {
  Duration latency_min = Duration::from_ns(100'000);    // one-way, uniform in [min, max]
  Duration latency_max = Duration::from_ns(2'000'000);
};

class SimCluster {
 public:
  // `common` is every node's configuration (sync and election kinds, --set parameters, limits);
  // id, peers, clock and keys come from `nodes`.
  SimCluster(std::vector<SimNodeSpec> nodes, DaemonConfig common, SimNetworkSpec net = {}, std::uint64_t seed = 1);
  ~SimCluster();
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  void start_all();
  // Starts node i (again): a new run with a new epoch and a fresh virtual clock, as a restarted
  // process.
  void start(std::size_t i);
  // The process vanishes without a word (SIGKILL).
  void kill_hard(std::size_t i);
  // SIGTERM: on_shutdown's sends go out, then the process is gone.
  void stop_gracefully(std::size_t i);
  bool alive(std::size_t i) const;
  std::size_t size() const { return nodes_.size(); }
  NodeId id(std::size_t i) const;
  std::size_t index_of(NodeId id) const;

  node::MonoTime now() const { return now_; }
  // Runs events until `d` of simulated time has passed.
  void run_for(Duration d);
  // Runs events until `pred` holds (checked after every event) or `timeout` passes; whether it held.
  bool run_until(const std::function<bool()>& pred, Duration timeout);

  // clocksyncctl status of node i (as DaemonLoop reports it, without its socket-only counters).
  nlohmann::json status(std::size_t i);
  const node::Counters& counters(std::size_t i) const;
  std::uint64_t epoch(std::size_t i) const;
  // The keys in member `id`'s key file (pair keys with every member): what a thief of it has.
  const node::wire::Keyring& keyring(NodeId id) const;
  // Key rotation as `clocksyncctl keygen --rotate`, `--activate` and `--retire` do it to the
  // files: pair keys with id `key_id` (drawn from a stream of the seed's own) added accept-only
  // to every member's file (or, with `accept_only` false, signing at once, as a hand-made file
  // might), made signing, or every id below `key_id` dropped. A running node goes on with the
  // keys it read until reload_keys (SIGHUP); a node started later reads the file as it is then.
  void add_keys(std::uint32_t key_id, bool accept_only = true);
  void activate_keys(std::uint32_t key_id);
  void retire_keys_below(std::uint32_t key_id);
  void reload_keys(std::size_t i);

  // Bytes from an attacker on the network, delivered to node i now (as the next event).
  void inject(std::size_t i, std::vector<std::uint8_t> bytes);
  // The same, handled before this returns (node i must be running): what it changed is visible
  // at once.
  void deliver_now(std::size_t i, std::span<const std::uint8_t> bytes);
  // Node i's virtual clock minus the host's wall clock.
  Duration offset(std::size_t i) const;
  // Every step and slew node i carried out, over all its runs (a restart starts its virtual clock
  // afresh, so its offset does not show what earlier runs did).
  const std::vector<AppliedCorrection>& corrections(std::size_t i) const;
  // The host reboots (as far as the nodes can tell: a new boot id; the simulation's monotonic
  // time goes on): nodes started from now on run on the new boot.
  void reboot_host();
  // Sees every datagram between members before the network carries it; false: the network loses it.
  using Tap = std::function<bool(NodeId from, NodeId to, std::span<const std::uint8_t> bytes)>;
  void set_tap(Tap tap) { tap_ = std::move(tap); }

  // Exactly one master that every live node follows; its id.
  std::optional<NodeId> agreed_master();
  // max − min of the live nodes' offsets from the wall clock.
  Duration skew();

 private:
  struct Node;
  struct Transport;
  struct Recorder;
  struct Delivery {
    node::MonoTime at;
    std::uint64_t seq;
    std::size_t to;
    std::vector<std::uint8_t> bytes;
    bool operator>(const Delivery& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  class Time;

  void send(std::size_t from, NodeId to, std::span<const std::uint8_t> bytes);
  void write_keyrings(std::uint32_t below);
  // Runs the earliest event due at or before `limit`; false when there is none.
  bool step(node::MonoTime limit);

  std::unique_ptr<Time> time_;
  node::MonoTime now_ = node::MonoTime::from_ns(1'000'000'000);
  SimNetworkSpec net_;
  SmallRng rng_;
  std::uint64_t seed_;
  DaemonConfig common_;
  std::vector<std::unique_ptr<Node>> nodes_;
  // Every pair key ever made, by (lower id, higher id, key id); the keyrings (the members' key
  // files) are written from those at or above retired_below_.
  std::map<std::tuple<NodeId, NodeId, std::uint32_t>, std::vector<std::uint8_t>> pair_keys_;
  std::uint32_t retired_below_ = 0;
  std::set<std::uint32_t> accept_only_ids_;
  std::map<NodeId, node::wire::Keyring> keyrings_;
  std::priority_queue<Delivery, std::vector<Delivery>, std::greater<>> in_flight_;
  std::uint64_t seq_ = 0;
  Tap tap_;
  BootId boot_{0x51, 0x3c};
};

}  // namespace clocksim::daemon::testing
