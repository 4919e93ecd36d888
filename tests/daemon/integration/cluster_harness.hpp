// Starts clocksyncd processes on 127.0.0.1 (or [::1]) for integration tests and guarantees they are gone
// when the harness is: SIGKILL + waitpid in the destructor, and PR_SET_PDEATHSIG in each child
// so that even a crashed test binary leaves no daemon behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clocksim::daemon::testing {

struct NodeSpec {
  std::uint32_t id = 0;
  double drift_ppm = 0;
  double offset_ms = 0;
  std::vector<std::string> extra_args;  // e.g. {"--no-master"}
  bool without_key = false;             // start it --insecure, without the cluster key
  std::string listen_host = {};         // where it binds, if not the harness's host (e.g. "[::]")
  int output_fd = -1;                   // its standard output and error, if not its log file
};

class ClusterHarness {
 public:
  // `name` names the log directory under the build tree (logs are kept for post-mortems).
  // `host`: the loopback every daemon listens on and reaches its peers at, "127.0.0.1" or "[::1]".
  ClusterHarness(std::string name, std::vector<NodeSpec> nodes, std::vector<std::string> common_args,
                 std::string host = "127.0.0.1");
  ~ClusterHarness();
  ClusterHarness(const ClusterHarness&) = delete;
  ClusterHarness& operator=(const ClusterHarness&) = delete;

  // A peer every daemon lists but the harness does not start (the test plays it from a socket).
  void add_external_peer(std::uint32_t id, std::uint16_t port) { external_.emplace_back(id, port); }
  // Node `from` sends its packets for `to` to 127.0.0.1:`port` instead (an on-path attacker's
  // relay in the test). Call before start_all.
  void route_via(std::uint32_t from, std::uint32_t to, std::uint16_t port) { routes_[{from, to}] = port; }
  void start_all();
  // Starts node i (again, e.g. after kill_hard): a new run with the same arguments.
  void start(std::size_t i);
  pid_t pid(std::size_t i) const { return pids_[i]; }
  std::size_t size() const { return nodes_.size(); }
  bool alive(std::size_t i) const { return pids_[i] > 0; }
  std::uint32_t id(std::size_t i) const { return nodes_[i].id; }
  std::size_t index_of(std::uint32_t id) const;
  std::uint16_t data_port(std::size_t i) const { return data_ports_[i]; }
  // The node's Unix control socket (clocksyncctl status --peer PATH).
  std::string status_address(std::size_t i) const;
  // The keyring of member `id` (pair keys with every other member, external peers included);
  // written by start_all().
  std::string key_file(std::uint32_t id) const;
  std::string log_tail(std::size_t i, std::size_t bytes = 2000) const;

  // SIGKILL: the node vanishes without a word.
  void kill_hard(std::size_t i);
  // SIGTERM and wait (bounded); the exit status, or nullopt when it had to be killed.
  std::optional<int> stop_gracefully(std::size_t i, std::chrono::milliseconds timeout);

  std::optional<nlohmann::json> status(std::size_t i, int timeout_ms = 500) const;

 private:
  std::string name_;
  std::string host_;
  std::vector<NodeSpec> nodes_;
  std::vector<std::string> common_args_;
  std::string dir_;
  std::vector<std::uint16_t> data_ports_;
  std::vector<pid_t> pids_;
  std::vector<std::pair<std::uint32_t, std::uint16_t>> external_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint16_t> routes_;
  bool keys_written_ = false;
};

// Polls `pred` every `step` until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step = std::chrono::milliseconds(100));

// The whole of a file's text (empty when it cannot be read).
std::string read_file_text(const std::string& path);

// `count` distinct UDP ports on `host` (127.0.0.1 or [::1]) that were free a moment ago.
std::vector<std::uint16_t> free_udp_ports(std::size_t count, const std::string& host = "127.0.0.1");

}  // namespace clocksim::daemon::testing
