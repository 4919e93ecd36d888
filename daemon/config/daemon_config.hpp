// clocksyncd's configuration: a YAML file (daemon/examples/node1.yaml) and/or flags, validated
// into what the loop, the clock and algorithms::make_stack need. Errors are values with context
// (file:line:col, key, what was expected); the binary exits 2 on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "algorithms/registry.hpp"
#include "daemon/loop/daemon_loop.hpp"

namespace clocksim::daemon {

// "period=2s" from --set, or a key under algorithm.sync / algorithm.election in the file.
struct ParamOverride {
  std::string layer;  // "sync", "election", or "" (whichever layer declares the name)
  std::string name;
  std::string value;
  std::string origin;  // "file:line:col" or "--set"
};

struct DaemonConfig {
  std::optional<NodeId> id;
  std::string listen;
  std::string control;  // Unix socket path; default /run/clocksyncd/node<ID>.sock; "none": no socket
  std::string status;   // optional UDP status socket HOST:PORT (default: none)
  bool allow_remote_status = false;
  ClockGuardConfig limits;  // sanity limits on clock corrections
  std::string user;         // drop to this user after start-up (when started as root)
  std::vector<PeerConfig> peers;
  std::uint32_t cluster = 0;
  std::string key_file;
  // What must outlive a restart (daemon/state/state_file.hpp); empty: kept nowhere, a restart
  // starts from zero.
  std::string state_file;
  bool insecure = false;
  std::string clock_backend = "virtual";
  double drift_ppm = 0;
  Duration offset;
  double max_slew_ppm = 500;
  bool allow_system_clock = false;
  std::string sync_kind = "berkeley";
  std::string election_kind;  // empty: none
  std::vector<ParamOverride> params;
  bool can_be_master = true;
  std::uint64_t seed = 1;
  // NTP (sync: ntp): the NTPv4 port, upstream NTP servers (ID@HOST:PORT, ids outside the
  // cluster's), and the reference clock: "none" or "system" (CLOCK_REALTIME, read only).
  std::string ntp_listen;
  std::vector<PeerConfig> ntp_servers;
  std::string reference_clock = "none";
  // Where the file wrote these, for checks made once the settings are assembled (as
  // PeerConfig::origin, "file:line:col: error: at 'key': "); empty when unset or given as a flag.
  std::string control_origin;
  std::string election_origin;
  std::string ntp_listen_origin;
  std::string reference_clock_origin;
  std::string key_file_origin;
  std::string state_file_origin;
};

// "3" or "n3".
std::optional<NodeId> parse_node_id(const std::string& text);
// "ID@HOST:PORT", e.g. "2@127.0.0.1:5526".
std::variant<PeerConfig, std::string> parse_peer(const std::string& text);
// A --set argument: "NAME=VALUE", "sync.NAME=VALUE" or "election.NAME=VALUE".
std::variant<ParamOverride, std::string> parse_param_override(const std::string& text);

// Reads a YAML config into `cfg` (fields it does not name keep their value). A relative key_file
// or state_file is taken relative to the config file's directory. The error names every key the
// file got wrong, one line each (file:line:col, key) in the order of the file.
std::optional<std::string> load_config_file(const std::string& path, DaemonConfig& cfg);

// Checks everything that does not need the OS (ids, peers, algorithm kinds and parameters) and
// builds the algorithm setup. The membership is self plus every peer.
std::variant<algorithms::StackSetup, std::string> build_stack_setup(const DaemonConfig& cfg);
std::variant<LoopConfig, std::string> build_loop_config(const DaemonConfig& cfg);

}  // namespace clocksim::daemon
