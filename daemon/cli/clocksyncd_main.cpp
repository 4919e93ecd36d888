// clocksyncd: runs one node of a clock-synchronization cluster over UDP.
//   clocksyncd --config daemon/examples/node1.yaml
//   clocksyncd --id 1 --listen 127.0.0.1:5525 --peer 2@127.0.0.1:5526 --key-file cluster.key
//              --sync berkeley --election tsp --set period=2s
//   clocksyncd --config node1.yaml --check-config   (checks everything it can without binding a
//                                                  socket or touching a clock; exit 0 or 2)
// Flags override the file. Exit 0 after a graceful stop (SIGTERM/SIGINT), 2 on a user error,
// 1 when the OS refuses (port in use, clock not adjustable). SIGHUP reloads the key file.
#include <algorithm>
#include <cmath>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <tuple>

#include "algorithms/core/duration_parse.hpp"
#include "algorithms/registry.hpp"
#include "daemon/clock/system_clock.hpp"
#include "daemon/clock/host_time_source.hpp"
#include "config/command_line.hpp"
#include "config/seed_option.hpp"
#include "config/standard_streams.hpp"
#include "node/clock/virtual_clock.hpp"
#include "daemon/config/daemon_config.hpp"
#include "daemon/loop/daemon_loop.hpp"
#include "daemon/os/privileges.hpp"
#include "daemon/os/syscall_filter.hpp"
#include "daemon/os/boot_id.hpp"
#include "daemon/os/folder_trust.hpp"
#include "daemon/state/state_file.hpp"
#include "daemon/version/code_identity.hpp"
#include "node/wire/key_file.hpp"

namespace {

using namespace clocksim;
using namespace clocksim::daemon;

// Each line its own error (a config file's every mistake), each with the program's name.
int user_error(const std::string& msg) {
  for (std::size_t start = 0; start <= msg.size();) {
    const std::size_t end = std::min(msg.find('\n', start), msg.size());
    std::cerr << "clocksyncd: " << msg.substr(start, end - start) << "\n";
    start = end + 1;
  }
  return 2;
}

int run(int argc, char** argv) {
  CLI::App app{"clocksyncd: clock synchronization daemon running clocksim's algorithms over UDP"};
  app.set_version_flag("--version", std::string("clocksyncd ") + clocksim::daemon::release_version() + " (code " +
                                        clocksim::daemon::code_identity() + ")");
  std::string config_file, id_text, listen, status, control, key_file, state_file, clock_backend, offset_text, sync_kind,
      election_kind, user, panic_text, master_max_text, min_step_text, startup_tolerance_text;
  double max_rate_ppm = 500;
  std::int64_t startup_updates = 3, startup_quorum = 1;
  bool allow_remote_status = false, no_seccomp = false;
  std::vector<std::string> peers, sets;
  std::vector<std::string> ntp_servers;
  std::string ntp_listen, reference_clock;
  std::uint32_t cluster = 0;
  std::string seed;  // config/seed_option.hpp
  double drift_ppm = 0, max_slew_ppm = 500;
  bool insecure = false, allow_system_clock = false, no_master = false, list_algorithms = false, check_config = false;

  app.add_option("--config", config_file, "YAML config file (flags override it)");
  auto* o_id = app.add_option("--id", id_text, "this node's id (e.g. 1 or n1)");
  auto* o_listen = app.add_option("--listen", listen, "HOST:PORT for cluster traffic");
  auto* o_status = app.add_option("--status", status, "HOST:PORT of an optional UDP status socket (replies never larger than the request, rate-limited)");
  auto* o_control = app.add_option("--control", control, "Unix control socket for clocksyncctl (default /run/clocksyncd/node<ID>.sock; 'none': no socket)");
  auto* o_remote = app.add_flag("--allow-remote-status", allow_remote_status, "permit a non-loopback --status address");
  auto* o_panic = app.add_option("--panic-threshold", panic_text, "refuse corrections larger than this after start-up (default 1000s; 0: off)");
  auto* o_master_max = app.add_option("--master-max-adjust", master_max_text, "a master moves its own clock by at most this per adjustment (default 1s; 0: off)");
  auto* o_min_step = app.add_option("--min-step", min_step_text, "after start-up, steps smaller than this are slewed (default 0: as the algorithm asks)");
  auto* o_max_rate = app.add_option("--max-rate-ppm", max_rate_ppm, "clamp frequency corrections to +-this (default 500)");
  auto* o_startup = app.add_option("--startup-updates", startup_updates,
                                   "corrections within the panic threshold that end the start-up allowance (default 3)");
  auto* o_startup_quorum =
      app.add_option("--startup-quorum", startup_quorum,
                     "at start-up, a correction above the panic threshold needs this many consulted members (and a "
                     "majority of them) agreeing (default 2; 1: a lone master or server is trusted; 0: start-up "
                     "corrections unlimited)");
  auto* o_startup_tolerance = app.add_option("--startup-tolerance", startup_tolerance_text,
                                             "how close the agreeing members' readings must be (default 1s)");
  auto* o_user = app.add_option("--user", user, "drop to this user after start-up (required when started as root)");
  app.add_flag("--no-seccomp", no_seccomp, "do not install the system call allow-list");
  auto* o_peer = app.add_option("--peer", peers, "a peer as ID@HOST:PORT (repeat for each)");
  auto* o_cluster = app.add_option("--cluster", cluster, "cluster id carried in every packet");
  auto* o_key = app.add_option("--key-file", key_file, "key file: pair keys from `clocksyncctl keygen`, or one hex cluster key; read again on SIGHUP");
  auto* o_state = app.add_option("--state-file", state_file,
                                 "where the node keeps what must outlive a restart (election numbers, logical clocks); "
                                 "created if absent");
  auto* o_insecure = app.add_flag("--insecure", insecure, "run without authentication (testing only)");
  auto* o_clock = app.add_option("--clock", clock_backend, "clock backend: virtual or system")->check(CLI::IsMember({"virtual", "system"}));
  auto* o_drift = app.add_option("--drift-ppm", drift_ppm, "virtual clock: frequency error in ppm")
                      ->check(CLI::Range(-node::VirtualClock::kMaxAbsRatePpm, node::VirtualClock::kMaxAbsRatePpm));
  auto* o_offset = app.add_option("--offset", offset_text, "virtual clock: initial offset vs the system clock (e.g. 20ms)");
  auto* o_slew = app.add_option("--max-slew-ppm", max_slew_ppm, "virtual clock: adjtime's bounded slew rate")
                     ->check(CLI::Range(0.0, node::VirtualClock::kMaxSlewPpm));
  auto* o_allow = app.add_flag("--allow-system-clock", allow_system_clock, "permit --clock system to change the machine's time");
  auto* o_sync = app.add_option("--sync", sync_kind, "sync algorithm kind (registry), e.g. berkeley");
  auto* o_election = app.add_option("--election", election_kind, "election algorithm kind (registry), e.g. tsp; none for no election");
  auto* o_set = app.add_option("--set", sets, "algorithm parameter NAME=VALUE or sync.NAME=VALUE (repeat)");
  auto* o_seed = config::add_seed_option(app, seed, "root seed of the algorithm's random stream");
  auto* o_nomaster = app.add_flag("--no-master", no_master, "never stand for master (timed without -M)");
  auto* o_ntp_listen = app.add_option("--ntp-listen", ntp_listen, "HOST:PORT of the NTPv4 port (sync ntp): serve NTP clients there");
  auto* o_ntp_server = app.add_option("--ntp-server", ntp_servers, "an upstream NTP server as ID@HOST:PORT (repeat; sync ntp)");
  auto* o_refclock = app.add_option("--reference-clock", reference_clock, "none, or system: read (never set) the system clock as a stratum-0 reference")
                         ->check(CLI::IsMember({"none", "system"}));
  app.add_flag("--list-algorithms", list_algorithms, "print the algorithm kinds and their parameters, then exit");
  app.add_flag("--check-config", check_config,
               "check the configuration, key file, algorithms and user, print a summary and exit (0: would start, 2: "
               "would not); binds no socket and changes no clock");
  if (const auto done = config::parse_command_line(app, argc, argv, "clocksyncd")) return *done;

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
  // A flag replaces the file's value, and with it the place an error would point to.
  const auto replace_from_flag = [](const CLI::Option* flag, const std::string& value, std::string& field,
                                    std::string& origin) {
    if (flag->count() == 0) return;
    field = value;
    origin.clear();
  };
  replace_from_flag(o_control, control, cfg.control, cfg.control_origin);
  if (o_remote->count()) cfg.allow_remote_status = allow_remote_status;
  if (o_user->count()) cfg.user = user;
  for (auto [opt, text, target, name] : {std::tuple{o_panic, &panic_text, &cfg.limits.panic_threshold, "--panic-threshold"},
                                         std::tuple{o_master_max, &master_max_text, &cfg.limits.master_max_adjust, "--master-max-adjust"},
                                         std::tuple{o_min_step, &min_step_text, &cfg.limits.min_step, "--min-step"}}) {
    if (!opt->count()) continue;
    const auto d = parse_duration(*text);
    if (!d || d->ns() < 0) {
      return user_error(std::string(name) + ": expected a duration from 0 to 9223372036s (int64 nanoseconds) such as "
                        "1000s, got '" + *text + "'");
    }
    *target = *d;
  }
  if (o_max_rate->count()) {
    if (!(max_rate_ppm > 0 && max_rate_ppm <= 10'000)) return user_error("--max-rate-ppm: expected a number in (0, 10000]");
    cfg.limits.max_rate_ppm = max_rate_ppm;
  }
  if (o_startup->count()) {
    if (startup_updates < 0) return user_error("--startup-updates: expected a count >= 0");
    cfg.limits.startup_updates = startup_updates;
  }
  if (o_startup_quorum->count()) {
    if (startup_quorum < 0 || startup_quorum > kMaxStartupQuorum) {
      return user_error("--startup-quorum: expected a count in [0, " + std::to_string(kMaxStartupQuorum) + "]");
    }
    cfg.limits.startup_quorum = startup_quorum;
  }
  if (o_startup_tolerance->count()) {
    const auto d = parse_duration(startup_tolerance_text);
    if (!d || d->ns() <= 0) {
      return user_error("--startup-tolerance: expected a duration > 0 such as 1s, got '" + startup_tolerance_text + "'");
    }
    cfg.limits.startup_tolerance = *d;
  }
  if (o_peer->count()) {
    cfg.peers.clear();
    for (const auto& text : peers) {
      auto p = parse_peer(text);
      if (auto* e = std::get_if<std::string>(&p)) return user_error("--peer: " + *e);
      cfg.peers.push_back(std::get<PeerConfig>(p));
    }
  }
  if (o_cluster->count()) cfg.cluster = cluster;
  replace_from_flag(o_key, key_file, cfg.key_file, cfg.key_file_origin);
  replace_from_flag(o_state, state_file, cfg.state_file, cfg.state_file_origin);
  if (o_insecure->count()) cfg.insecure = insecure;
  if (o_clock->count()) cfg.clock_backend = clock_backend;
  // CLI11's ranges let NaN through (every comparison with it is false).
  if (o_drift->count() && !std::isfinite(drift_ppm)) return user_error("--drift-ppm: expected a number, got " + std::to_string(drift_ppm));
  if (o_slew->count() && !std::isfinite(max_slew_ppm)) return user_error("--max-slew-ppm: expected a number, got " + std::to_string(max_slew_ppm));
  if (o_drift->count()) cfg.drift_ppm = drift_ppm;
  if (o_offset->count()) {
    const auto d = parse_duration(offset_text);
    if (!d) return user_error("--offset: expected a duration such as 20ms, got '" + offset_text + "'");
    if (d->ns() > node::VirtualClock::kMaxAbsOffsetNs || d->ns() < -node::VirtualClock::kMaxAbsOffsetNs) {
      return user_error("--offset: at most a century either way (the clock's readings must stay inside int64 "
                        "nanoseconds), got '" + offset_text + "'");
    }
    cfg.offset = *d;
  }
  if (o_slew->count()) cfg.max_slew_ppm = max_slew_ppm;
  if (o_allow->count()) cfg.allow_system_clock = allow_system_clock;
  if (o_sync->count()) cfg.sync_kind = sync_kind;
  replace_from_flag(o_election, election_kind, cfg.election_kind, cfg.election_origin);
  if (o_seed->count()) cfg.seed = *config::seed_value(seed);
  if (o_nomaster->count()) cfg.can_be_master = !no_master;
  replace_from_flag(o_ntp_listen, ntp_listen, cfg.ntp_listen, cfg.ntp_listen_origin);
  replace_from_flag(o_refclock, reference_clock, cfg.reference_clock, cfg.reference_clock_origin);
  if (o_ntp_server->count()) {
    cfg.ntp_servers.clear();
    for (const auto& text : ntp_servers) {
      auto p = parse_peer(text);
      if (auto* e = std::get_if<std::string>(&p)) return user_error("--ntp-server: " + *e);
      cfg.ntp_servers.push_back(std::get<PeerConfig>(p));
    }
  }
  if (o_set->count()) {
    for (const auto& s : sets) {
      auto o = parse_param_override(s);
      if (auto* e = std::get_if<std::string>(&o)) return user_error(*e);
      cfg.params.push_back(std::get<ParamOverride>(std::move(o)));
    }
  }

  // Authentication first: no key, no start (unless explicitly insecure).
  std::unique_ptr<node::wire::Keyring> keys;
  if (!cfg.key_file.empty()) {
    // A key file owned by the user to drop to is accepted too: that user reads it again on SIGHUP.
    // Whoever may write the key file's folder, one on the way to it, or the folder a link leads
    // to, may put their own keys in its place: judged as keygen and the state file judge theirs.
    if (auto e = file_trust_problem(cfg.key_file, "the key file", uid_of_user(cfg.user))) {
      return user_error(cfg.key_file_origin + "key file " + cfg.key_file + ": " + *e);
    }
    auto k = node::wire::load_keyring_file(cfg.key_file, uid_of_user(cfg.user));
    if (auto* e = std::get_if<std::string>(&k)) return user_error(cfg.key_file_origin + *e);
    keys = std::make_unique<node::wire::Keyring>(std::move(std::get<node::wire::Keyring>(k)));
  } else if (!cfg.insecure) {
    return user_error("refusing to start without keys: give --key-file FILE (make one with `clocksyncctl keygen`), "
                      "or --insecure for a test cluster");
  }

  auto setup = build_stack_setup(cfg);
  if (auto* e = std::get_if<std::string>(&setup)) return user_error(*e);
  auto loop_cfg = build_loop_config(cfg);
  if (auto* e = std::get_if<std::string>(&loop_cfg)) return user_error(*e);
  // Whom the daemon will run as is settled before anything is created (the state file) or bound:
  // a refusal is the configuration's (exit 2), as --check-config says.
  if (auto e = privilege_drop_problem({cfg.user, cfg.clock_backend == "system"})) return user_error(*e);

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

  // What the node's earlier runs kept (checked, not created, by --check-config).
  algorithms::StackSetup& stack = std::get<algorithms::StackSetup>(setup);
  const std::size_t members = stack.membership.members ? stack.membership.members->size() : 1;
  std::unique_ptr<StateFile> state;
  if (!cfg.state_file.empty()) {
    if (check_config) {
      if (auto e = StateFile::check(cfg.state_file, *cfg.id, members, uid_of_user(cfg.user))) {
        return user_error(cfg.state_file_origin + *e);
      }
    } else {
      auto opened = StateFile::open(cfg.state_file, *cfg.id, members, uid_of_user(cfg.user));
      if (auto* e = std::get_if<std::string>(&opened)) return user_error(cfg.state_file_origin + *e);
      state = std::move(std::get<std::unique_ptr<StateFile>>(opened));
      stack.elections_before = state->saved().elections_started;
      stack.logical_before = state->saved().logical;
      // Above every earlier run's epoch even when the wall clock has gone back since.
      auto epoch = state->begin_run(host.wall_now().ns());
      if (auto* e = std::get_if<std::string>(&epoch)) {
        std::cerr << "clocksyncd: " << *e << "\n";
        return 1;
      }
      std::get<LoopConfig>(loop_cfg).epoch = std::get<std::uint64_t>(epoch);
      // Read now: the system call filter allows no new opens later. Unknown (unreadable) reads as
      // another boot, so the clock window kept in the file is carried over conservatively.
      std::get<LoopConfig>(loop_cfg).boot = read_boot_id();
    }
  }

  std::unique_ptr<Algorithm> algorithm;
  try {
    algorithm = algorithms::make_stack(stack);
  } catch (const std::invalid_argument& e) {
    return user_error(e.what());
  }

  node::Logger log(stderr);
  DaemonLoop loop(std::get<LoopConfig>(loop_cfg), std::move(algorithm), *clock, keys.get(), log, state.get());
  if (check_config) {
    // What the daemon would refuse before it binds (a peer without a key, its own id among the
    // peers, a control path too long): refused here too.
    if (auto e = loop.check()) return user_error(*e);
    const LoopConfig& l = std::get<LoopConfig>(loop_cfg);
    std::cout << "ok: " << (config_file.empty() ? std::string("flags") : config_file) << " (node " << *cfg.id << ", listen "
              << l.listen << ", " << l.peers.size() << " peer(s), cluster " << l.cluster << ", sync " << cfg.sync_kind
              << ", election " << (cfg.election_kind.empty() ? "none" : cfg.election_kind) << ", clock "
              << cfg.clock_backend << ", " << (keys ? "hmac-sha256 keys from " + cfg.key_file : std::string("INSECURE: no keys"))
              << ")\n";
    return 0;
  }

  if (auto e = loop.check()) return user_error(*e);  // the configuration's fault: exit 2
  if (auto e = loop.open()) {
    std::cerr << "clocksyncd: " << *e << "\n";
    return 1;
  }
  // SIGHUP reads the same file again, by an absolute path: a reload must not depend on the
  // working directory.
  if (keys) {
    std::error_code ec;
    std::string path = std::filesystem::absolute(cfg.key_file, ec).string();
    if (ec) path = cfg.key_file;
    loop.set_key_loader([path]() -> std::variant<node::wire::Keyring, std::string> {
      if (auto e = file_trust_problem(path, "the key file")) return "key file " + path + ": " + *e;
      return node::wire::load_keyring_file(path);
    });
  }
  if (auto e = loop.watch_signals()) {
    std::cerr << "clocksyncd: " << *e << "\n";
    return 1;
  }
  // Everything that needs privileges is done (sockets bound, keys read, clock opened): give them
  // up before the first packet is parsed.
  if (auto e = drop_privileges({cfg.user, cfg.clock_backend == "system"})) {
    std::cerr << "clocksyncd: " << *e << "\n";
    return cfg.user.empty() ? 2 : 1;
  }
  // OpenSSL initialises itself lazily (and may read its configuration) on first use: do that
  // now, while the filter below still allows it.
  (void)node::wire::ClusterKey(std::vector<std::uint8_t>(32, 1)).mac({});
  if (!no_seccomp) {
    if (auto e = install_syscall_filter()) {
      std::cerr << "clocksyncd: " << *e << "\n";
      return 1;
    }
  }
  log.write("privileges", {{"node", *cfg.id}, {"now", privilege_summary()}, {"seccomp", !no_seccomp}});
  loop.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!clocksim::config::keep_standard_descriptors_open()) {
    std::cerr << "clocksyncd: cannot open /dev/null for a closed standard descriptor\n";
    return 2;
  }
  // Block the termination and reload signals before anything else so that only the signalfd
  // sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  // A write past the file-size limit (RLIMIT_FSIZE), like a full disk or a quota, must fail with EFBIG
  // like any other failed write: the state file's layout at start is then refused with its reason
  // (exit 2) and a failed save is logged and counted, instead of SIGXFSZ ending the process.
  signal(SIGXFSZ, SIG_IGN);
  // A log reader that went away (a closed pipe on standard error) makes a write fail with EPIPE,
  // which the logger counts, instead of SIGPIPE ending the daemon that keeps the clock.
  signal(SIGPIPE, SIG_IGN);
  try {
    return clocksim::config::finish_standard_output("clocksyncd", run(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "clocksyncd: fatal: " << e.what() << "\n";
    return 1;
  }
}
