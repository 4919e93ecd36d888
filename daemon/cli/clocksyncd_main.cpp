// clocksyncd: runs one node of a clock-synchronization cluster over UDP.
//   clocksyncd --config daemon/examples/node1.yaml
//   clocksyncd --id 1 --listen 127.0.0.1:5525 --peer 2@127.0.0.1:5526 --key-file cluster.key
//              --sync berkeley --election tsp --set period=2s
// Flags override the file. Exit 0 after a graceful stop (SIGTERM/SIGINT), 2 on a user error,
// 1 when the OS refuses (port in use, clock not adjustable).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "algorithms/core/duration_parse.hpp"
#include "algorithms/registry.hpp"
#include "daemon/clock/system_clock.hpp"
#include "daemon/clock/host_time_source.hpp"
#include "node/clock/virtual_clock.hpp"
#include "daemon/config/daemon_config.hpp"
#include "daemon/loop/daemon_loop.hpp"
#include "node/wire/auth.hpp"

namespace {

using namespace clocksim;
using namespace clocksim::daemon;

int user_error(const std::string& msg) {
  std::cerr << "clocksyncd: " << msg << "\n";
  return 2;
}

int run(int argc, char** argv) {
  CLI::App app{"clocksyncd: clock synchronization daemon running clocksim's algorithms over UDP"};
  std::string config_file, id_text, listen, status, key_file, clock_backend, offset_text, sync_kind, election_kind;
  std::vector<std::string> peers, sets;
  std::uint32_t cluster = 0;
  std::uint64_t seed = 1;
  double drift_ppm = 0, max_slew_ppm = 500;
  bool insecure = false, allow_system_clock = false, no_master = false, list_algorithms = false;

  app.add_option("--config", config_file, "YAML config file (flags override it)");
  auto* o_id = app.add_option("--id", id_text, "this node's id (e.g. 1 or n1)");
  auto* o_listen = app.add_option("--listen", listen, "HOST:PORT for cluster traffic");
  auto* o_status = app.add_option("--status", status, "HOST:PORT of the status socket (default 127.0.0.1:<listen port + 1000>)");
  auto* o_peer = app.add_option("--peer", peers, "a peer as ID@HOST:PORT (repeat for each)");
  auto* o_cluster = app.add_option("--cluster", cluster, "cluster id carried in every packet");
  auto* o_key = app.add_option("--key-file", key_file, "cluster key file (hex, e.g. `openssl rand -hex 32`)");
  auto* o_insecure = app.add_flag("--insecure", insecure, "run without authentication (testing only)");
  auto* o_clock = app.add_option("--clock", clock_backend, "clock backend: virtual or system")->check(CLI::IsMember({"virtual", "system"}));
  auto* o_drift = app.add_option("--drift-ppm", drift_ppm, "virtual clock: frequency error in ppm");
  auto* o_offset = app.add_option("--offset", offset_text, "virtual clock: initial offset vs the system clock (e.g. 20ms)");
  auto* o_slew = app.add_option("--max-slew-ppm", max_slew_ppm, "virtual clock: adjtime's bounded slew rate");
  auto* o_allow = app.add_flag("--allow-system-clock", allow_system_clock, "permit --clock system to change the machine's time");
  auto* o_sync = app.add_option("--sync", sync_kind, "sync algorithm kind (registry), e.g. berkeley");
  auto* o_election = app.add_option("--election", election_kind, "election algorithm kind (registry), e.g. tsp; none for no election");
  auto* o_set = app.add_option("--set", sets, "algorithm parameter NAME=VALUE or sync.NAME=VALUE (repeat)");
  auto* o_seed = app.add_option("--seed", seed, "root seed of the algorithm's random stream");
  auto* o_nomaster = app.add_flag("--no-master", no_master, "never stand for master (timed without -M)");
  app.add_flag("--list-algorithms", list_algorithms, "print the algorithm kinds and their parameters, then exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (list_algorithms) {
    for (const auto& a : algorithms::catalogue()) {
      std::cout << (a.layer == algorithms::Layer::kSync ? "sync     " : "election ") << a.kind << ": " << a.summary << "\n";
      for (const auto& p : a.params) {
        std::cout << "    " << p.name << " = " << param_to_string(p.default_value) << "    " << p.doc << "\n";
      }
    }
    return 0;
  }

  DaemonConfig cfg;
  if (!config_file.empty()) {
    if (auto e = load_config_file(config_file, cfg)) return user_error(*e);
  }
  if (o_id->count()) {
    const auto id = parse_node_id(id_text);
    if (!id) return user_error("--id: '" + id_text + "' is not a node id (e.g. 1 or n1)");
    cfg.id = *id;
  }
  if (o_listen->count()) cfg.listen = listen;
  if (o_status->count()) cfg.status = status;
  if (o_peer->count()) {
    cfg.peers.clear();
    for (const auto& text : peers) {
      auto p = parse_peer(text);
      if (auto* e = std::get_if<std::string>(&p)) return user_error("--peer: " + *e);
      cfg.peers.push_back(std::get<PeerConfig>(p));
    }
  }
  if (o_cluster->count()) cfg.cluster = cluster;
  if (o_key->count()) cfg.key_file = key_file;
  if (o_insecure->count()) cfg.insecure = insecure;
  if (o_clock->count()) cfg.clock_backend = clock_backend;
  if (o_drift->count()) cfg.drift_ppm = drift_ppm;
  if (o_offset->count()) {
    const auto d = parse_duration(offset_text);
    if (!d) return user_error("--offset: expected a duration such as 20ms, got '" + offset_text + "'");
    cfg.offset = *d;
  }
  if (o_slew->count()) cfg.max_slew_ppm = max_slew_ppm;
  if (o_allow->count()) cfg.allow_system_clock = allow_system_clock;
  if (o_sync->count()) cfg.sync_kind = sync_kind;
  if (o_election->count()) cfg.election_kind = election_kind;
  if (o_seed->count()) cfg.seed = seed;
  if (o_nomaster->count()) cfg.can_be_master = !no_master;
  if (o_set->count()) {
    for (const auto& s : sets) {
      const auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0) return user_error("--set: expected NAME=VALUE, got '" + s + "'");
      std::string name = s.substr(0, eq);
      std::string layer;
      for (const char* l : {"sync.", "election."}) {
        if (name.rfind(l, 0) == 0) {
          layer = std::string(l, std::string(l).size() - 1);
          name = name.substr(std::string(l).size());
        }
      }
      cfg.params.push_back({layer, name, s.substr(eq + 1), "--set " + s});
    }
  }

  // Authentication first: no key, no start (unless explicitly insecure).
  std::unique_ptr<node::wire::ClusterKey> key;
  if (!cfg.key_file.empty()) {
    auto k = node::wire::load_key_file(cfg.key_file);
    if (auto* e = std::get_if<std::string>(&k)) return user_error(*e);
    key = std::make_unique<node::wire::ClusterKey>(std::move(std::get<node::wire::ClusterKey>(k)));
  } else if (!cfg.insecure) {
    return user_error("refusing to start without a cluster key: give --key-file FILE (or --insecure for a test cluster)");
  }

  auto setup = build_stack_setup(cfg);
  if (auto* e = std::get_if<std::string>(&setup)) return user_error(*e);
  auto loop_cfg = build_loop_config(cfg);
  if (auto* e = std::get_if<std::string>(&loop_cfg)) return user_error(*e);

  HostTimeSource host;
  std::unique_ptr<node::Clock> clock;
  if (cfg.clock_backend == "virtual") {
    clock = std::make_unique<node::VirtualClock>(node::VirtualClockParams{cfg.drift_ppm, cfg.offset, cfg.max_slew_ppm}, host);
  } else if (cfg.clock_backend == "system") {
    auto c = open_system_clock(cfg.allow_system_clock);
    if (auto* e = std::get_if<std::string>(&c)) return user_error(*e);
    clock = std::move(std::get<std::unique_ptr<SystemClock>>(c));
  } else {
    return user_error("clock backend '" + cfg.clock_backend + "': expected virtual or system");
  }

  std::unique_ptr<Algorithm> algorithm;
  try {
    algorithm = algorithms::make_stack(std::get<algorithms::StackSetup>(setup));
  } catch (const std::invalid_argument& e) {
    return user_error(e.what());
  }

  node::Logger log(stderr);
  DaemonLoop loop(std::get<LoopConfig>(loop_cfg), std::move(algorithm), *clock, key.get(), log);
  if (auto e = loop.open()) {
    std::cerr << "clocksyncd: " << *e << "\n";
    return 1;
  }
  if (auto e = loop.watch_termination_signals()) {
    std::cerr << "clocksyncd: " << *e << "\n";
    return 1;
  }
  loop.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the termination signals before anything else so that only the signalfd sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "clocksyncd: fatal: " << e.what() << "\n";
    return 1;
  }
}
