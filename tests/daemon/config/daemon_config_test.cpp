#include "daemon/config/daemon_config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "algorithms/registry.hpp"
#include "daemon/config/param_text.hpp"

namespace clocksim::daemon {
namespace {

using namespace clocksim::literals;

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(CLOCKSIM_BINARY_DIR) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

ParamSpec spec(ParamType t, double min = -1e300, double max = 1e300, std::vector<std::string> choices = {}) {
  ParamSpec s;
  s.name = "p";
  s.type = t;
  s.min = min;
  s.max = max;
  s.choices = std::move(choices);
  return s;
}

template <class T>
T value_of(const std::variant<ParamValue, std::string>& v) {
  EXPECT_TRUE(std::holds_alternative<ParamValue>(v)) << std::get<std::string>(v);
  return std::get<T>(std::get<ParamValue>(v));
}

std::string error_of(const std::variant<ParamValue, std::string>& v) {
  EXPECT_TRUE(std::holds_alternative<std::string>(v));
  return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "";
}

TEST(ParamText, ParsesEveryTypeAsScenariosWriteIt) {
  EXPECT_EQ(value_of<bool>(parse_param_text(spec(ParamType::kBool), "true")), true);
  EXPECT_EQ(value_of<std::int64_t>(parse_param_text(spec(ParamType::kInt), " 42 ")), 42);
  EXPECT_DOUBLE_EQ(value_of<double>(parse_param_text(spec(ParamType::kDouble), "2.5")), 2.5);
  EXPECT_EQ(value_of<Duration>(parse_param_text(spec(ParamType::kDuration), "250ms")), 250_ms);
  EXPECT_EQ(value_of<DurationRange>(parse_param_text(spec(ParamType::kDurationRange), "uniform(6s, 15s)")),
            (DurationRange{6_s, 15_s}));
  EXPECT_EQ(value_of<DurationRange>(parse_param_text(spec(ParamType::kDurationRange), "10s")), (DurationRange{10_s, 10_s}));
  EXPECT_EQ(value_of<std::string>(parse_param_text(spec(ParamType::kChoice, 0, 0, {"a", "b"}), "b")), "b");
}

TEST(ParamText, RejectsWithWhatWasExpected) {
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kBool), "maybe")).find("true or false"), std::string::npos);
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kInt, 1, 10), "11")).find("outside [1, 10]"), std::string::npos);
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kInt), "1.5")).find("integer"), std::string::npos);
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kDuration, 1e6, 1e9), "2s")).find("outside"), std::string::npos);
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kDuration), "fast")).find("duration"), std::string::npos);
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kDurationRange), "uniform(5s, 1s)")).find("MIN <= MAX"),
            std::string::npos);
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kChoice, 0, 0, {"a", "b"}), "c")).find("one of a, b"),
            std::string::npos);
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kNodeList), "1,x")).find("node ids"), std::string::npos);
  EXPECT_NE(error_of(parse_param_text(spec(ParamType::kNodeList), "-1")).find("node ids"), std::string::npos);
}

TEST(ParamText, NodeListsAreCanonical) {
  EXPECT_EQ(value_of<std::string>(parse_param_text(spec(ParamType::kNodeList), "3, 1,3")), "1,3");
  EXPECT_EQ(value_of<std::string>(parse_param_text(spec(ParamType::kNodeList), "[2 5]")), "2,5");
  EXPECT_EQ(value_of<std::string>(parse_param_text(spec(ParamType::kNodeList), "")), "");
}

TEST(DaemonConfig, ListParameterFromYaml) {
  const std::string path = write_file("daemon_cfg_trusted.yaml", R"(
id: 1
peers: [2@127.0.0.1:5001, 3@127.0.0.1:5002]
algorithm:
  sync: {kind: berkeley, trusted: [3, 2]}
)");
  DaemonConfig cfg;
  ASSERT_EQ(load_config_file(path, cfg), std::nullopt);
  auto s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<algorithms::StackSetup>(s)) << std::get<std::string>(s);
  EXPECT_EQ(std::get<algorithms::StackSetup>(s).sync.params.get_node_list("trusted"), (std::vector<NodeId>{2, 3}));
}

// A virtual clock must run forward: a drift or slew rate that could stop it is a located error.
TEST(DaemonConfig, ClockRatesThatCouldStopTheVirtualClockAreRefused) {
  for (const auto& [clock, key] : std::vector<std::pair<std::string, std::string>>{
           {"{drift_ppm: -2000000}", "clock.drift_ppm"}, {"{drift_ppm: 100001}", "clock.drift_ppm"},
           {"{max_slew_ppm: 1e12}", "clock.max_slew_ppm"}, {"{max_slew_ppm: -1}", "clock.max_slew_ppm"}}) {
    const std::string path = write_file("daemon_cfg_rates.yaml", "id: 1\npeers: [2@127.0.0.1:5001]\nclock: " + clock + "\n");
    DaemonConfig cfg;
    const auto error = load_config_file(path, cfg);
    ASSERT_TRUE(error) << clock;
    EXPECT_NE(error->find("daemon_cfg_rates.yaml:3:"), std::string::npos) << *error;
    EXPECT_NE(error->find("'" + key + "'"), std::string::npos) << *error;
  }
  const std::string path = write_file("daemon_cfg_rates.yaml", "id: 1\npeers: [2@127.0.0.1:5001]\nclock: {drift_ppm: -100000, max_slew_ppm: 100000}\n");
  DaemonConfig cfg;
  EXPECT_EQ(load_config_file(path, cfg), std::nullopt);
}

// Each key is read on its own, so one run reports every mistake of the file, one per line in the
// order of the file, each with its place and key; a file with one mistake still reads as one line.
TEST(DaemonConfig, EveryIndependentErrorOfTheFileIsReportedInItsOrder) {
  const std::string path = write_file("daemon_cfg_many.yaml",
                                      "id: 1\n"
                                      "listen: 127.0.0.1:70000\n"
                                      "clcok: {backend: virtual}\n"
                                      "peers: [2@127.0.0.1:5526]\n"
                                      "insecure: yes\n"
                                      "clock: {backend: virtul, drift_ppm: -2000000}\n"
                                      "limits: {startup_quorum: -1, panic_threshold: 10s}\n"
                                      "algorithm:\n"
                                      "  sync: {kind: berkley}\n"
                                      "  election: tsp\n"
                                      "seed: -4\n");
  DaemonConfig cfg;
  const auto error = load_config_file(path, cfg);
  ASSERT_TRUE(error);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at <= error->size();) {
    const std::size_t end = std::min(error->find('\n', at), error->size());
    lines.push_back(error->substr(at, end - at));
    at = end + 1;
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {":2:9: error: at 'listen'", "port must be a number"},
      {":3:1: error: at 'clcok'", "unknown key 'clcok' (did you mean 'clock'?)"},
      {":5:11: error: at 'insecure'", "expected true or false"},
      {":6:18: error: at 'clock.backend'", "got 'virtul'"},
      {":6:37: error: at 'clock.drift_ppm'", "got -2000000"},
      {":7:26: error: at 'limits.startup_quorum'", "got -1"},
      {":9:16: error: at 'algorithm.sync.kind'", "'berkley' is not known"},
      {":11:7: error: at 'seed'", "got '-4'"}};
  ASSERT_EQ(lines.size(), expected.size()) << *error;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(lines[i].rfind(path + expected[i].first, 0), 0u) << lines[i];
    EXPECT_NE(lines[i].find(expected[i].second), std::string::npos) << lines[i];
  }
  // What the file got right is read all the same.
  EXPECT_EQ(cfg.id, 1u);
  EXPECT_EQ(cfg.limits.panic_threshold, 10_s);
  EXPECT_EQ(cfg.election_kind, "tsp");
  // One mistake: one line, as before.
  const std::string one = write_file("daemon_cfg_one.yaml", "id: 1\nseed: -4\n");
  DaemonConfig single;
  const auto e = load_config_file(one, single);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->find('\n'), std::string::npos) << *e;
  EXPECT_EQ(e->rfind(one + ":2:7: error: at 'seed'", 0), 0u) << *e;
}

// Two unknown keys of one mapping are two independent errors: each is reported at its place, with
// its suggestion, among the file's other errors in the file's order (--check-config).
TEST(DaemonConfig, EveryUnknownKeyOfAMappingIsReportedAtItsPlace) {
  const std::string path = write_file("daemon_cfg_unknown_keys.yaml",
                                      "id: 1\n"
                                      "lisen: 127.0.0.1:5525\n"
                                      "seed: -4\n"
                                      "clock: {backnd: virtual, drift_pm: 5}\n"
                                      "statefile: n.state\n");
  DaemonConfig cfg;
  const auto error = load_config_file(path, cfg);
  ASSERT_TRUE(error);
  const std::vector<std::string> expected = {
      path + ":2:1: error: at 'lisen': unknown key 'lisen' (did you mean 'listen'?); allowed keys here: id, ",
      path + ":3:7: error: at 'seed': ",
      path + ":4:9: error: at 'clock.backnd': unknown key 'backnd' (did you mean 'backend'?); allowed keys here: backend, ",
      path + ":4:26: error: at 'clock.drift_pm': unknown key 'drift_pm' (did you mean 'drift_ppm'?)",
      path + ":5:1: error: at 'statefile': unknown key 'statefile' (did you mean 'state_file'?)"};
  std::vector<std::string> lines;
  for (std::size_t at = 0; at <= error->size();) {
    const std::size_t end = std::min(error->find('\n', at), error->size());
    lines.push_back(error->substr(at, end - at));
    at = end + 1;
  }
  ASSERT_EQ(lines.size(), expected.size()) << *error;
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(lines[i].rfind(expected[i], 0), 0u) << lines[i];
}

TEST(DaemonConfig, ParsesPeersAndIds) {
  EXPECT_EQ(parse_node_id("n7"), 7u);
  EXPECT_EQ(parse_node_id("7"), 7u);
  EXPECT_FALSE(parse_node_id("x7"));
  EXPECT_FALSE(parse_node_id(""));
  auto p = parse_peer("3@127.0.0.1:5527");
  ASSERT_TRUE(std::holds_alternative<PeerConfig>(p));
  EXPECT_EQ(std::get<PeerConfig>(p).id, 3u);
  EXPECT_EQ(std::get<PeerConfig>(p).address, "127.0.0.1:5527");
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_peer("127.0.0.1:5527")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_peer("3@127.0.0.1")));
  // Port 0 binds "any free port" but reaches no one: a peer needs the port it listens on.
  const auto zero = parse_peer("3@127.0.0.1:0");
  ASSERT_TRUE(std::holds_alternative<std::string>(zero));
  EXPECT_NE(std::get<std::string>(zero).find("port 0 is no destination"), std::string::npos);
}

TEST(DaemonConfig, LoadsAFileAndBuildsTheStack) {
  const std::string path = write_file("daemon_cfg_ok.yaml", R"(
id: 2
listen: 127.0.0.1:5526
cluster: 7
key_file: cluster.key
peers: [1@127.0.0.1:5525, 3@127.0.0.1:5527]
clock: {backend: virtual, drift_ppm: -150, offset: 12ms}
limits: {panic_threshold: 60s, panic_window: 10m, master_max_adjust: 250ms, min_step: 0.5s, max_rate_ppm: 200, startup_updates: 2,
         startup_quorum: 3, startup_tolerance: 250ms}
algorithm:
  sync: {kind: berkeley, period: 2s, average: median}
seed: 5
)");
  DaemonConfig cfg;
  ASSERT_EQ(load_config_file(path, cfg), std::nullopt);
  EXPECT_EQ(cfg.id, 2u);
  EXPECT_EQ(cfg.cluster, 7u);
  EXPECT_EQ(cfg.peers.size(), 2u);
  EXPECT_DOUBLE_EQ(cfg.drift_ppm, -150);
  EXPECT_EQ(cfg.offset, 12_ms);
  EXPECT_EQ(cfg.key_file, std::string(CLOCKSIM_BINARY_DIR) + "/cluster.key");  // relative to the file
  auto setup = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<algorithms::StackSetup>(setup)) << std::get<std::string>(setup);
  const auto& s = std::get<algorithms::StackSetup>(setup);
  EXPECT_EQ(s.sync.kind, "berkeley");
  EXPECT_EQ(s.sync.params.get_duration("period"), 2_s);
  EXPECT_EQ(s.sync.params.get_choice("average"), "median");
  EXPECT_EQ(*s.membership.members, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(s.membership.self, 2u);
  auto loop = build_loop_config(cfg);
  ASSERT_TRUE(std::holds_alternative<LoopConfig>(loop));
  const LoopConfig& lc = std::get<LoopConfig>(loop);
  EXPECT_EQ(lc.status, "");  // no UDP status socket unless asked for
  EXPECT_EQ(lc.control, "/run/clocksyncd/node2.sock");
  EXPECT_EQ(lc.clock_limits.panic_threshold, 60_s);
  EXPECT_EQ(lc.clock_limits.panic_window, 600_s);
  EXPECT_EQ(lc.clock_limits.master_max_adjust, 250_ms);
  EXPECT_EQ(lc.clock_limits.min_step, 500_ms);
  EXPECT_DOUBLE_EQ(lc.clock_limits.max_rate_ppm, 200);
  EXPECT_EQ(lc.clock_limits.startup_updates, 2);
  EXPECT_EQ(lc.clock_limits.startup_quorum, 3);
  EXPECT_EQ(lc.clock_limits.startup_tolerance, 250_ms);
}

TEST(DaemonConfig, RejectsBadLimits) {
  const std::string path = write_file("daemon_cfg_bad_limits.yaml", "id: 1\nlimits: {panic_threshold: -5s}\n");
  DaemonConfig cfg;
  auto e = load_config_file(path, cfg);
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("daemon_cfg_bad_limits.yaml:2:27: error: at 'limits.panic_threshold': expected a duration >= 0"),
            std::string::npos)
      << *e;
  const std::string path2 = write_file("daemon_cfg_bad_rate.yaml", "id: 1\nlimits:\n  max_rate_ppm: 2e6\n");
  e = load_config_file(path2, cfg);
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("daemon_cfg_bad_rate.yaml:3:17: error: at 'limits.max_rate_ppm'"), std::string::npos) << *e;
  // 0 is inside the reader's range but means no correction at all: refused as well.
  e = load_config_file(write_file("daemon_cfg_zero_rate.yaml", "id: 1\nlimits:\n  max_rate_ppm: 0\n"), cfg);
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("at 'limits.max_rate_ppm': expected a number in (0, 10000]"), std::string::npos) << *e;
  // The start-up rule: a negative quorum has no meaning, nor has a zero tolerance (readings never
  // agree exactly).
  e = load_config_file(write_file("daemon_cfg_bad_quorum.yaml", "id: 1\nlimits:\n  startup_quorum: -1\n"), cfg);
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("daemon_cfg_bad_quorum.yaml:3:19: error: at 'limits.startup_quorum'"), std::string::npos) << *e;
  e = load_config_file(write_file("daemon_cfg_bad_tolerance.yaml", "id: 1\nlimits: {startup_tolerance: 0s}\n"), cfg);
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("daemon_cfg_bad_tolerance.yaml:2:29: error: at 'limits.startup_tolerance': expected a duration > 0"),
            std::string::npos)
      << *e;
}

// The daemon's config goes through the scenarios' strict reader (config/): the same messages,
// file:line:col first, then the key.
std::string config_error(const std::string& name, const std::string& text) {
  DaemonConfig cfg;
  const auto e = load_config_file(write_file(name, text), cfg);
  return e ? *e : std::string("(no error)");
}

std::string tmp(const std::string& name) { return std::string(CLOCKSIM_BINARY_DIR) + "/" + name; }

// The kinds of `layer` as the error lists them, read from the catalogue: a newly registered
// algorithm (docs/extending.md) must not need an edit here.
std::string kinds_of(algorithms::Layer layer) {
  std::string list;
  for (const auto& a : algorithms::catalogue()) {
    if (a.layer == layer) list += (list.empty() ? "" : ", ") + a.kind;
  }
  return list;
}

TEST(DaemonConfig, ErrorsNameFileLineColumnAndKey) {
  EXPECT_EQ(config_error("daemon_cfg_bad1.yaml", "id: 1\nlisten: 127.0.0.1:1\nclcok: {}\n"),
            tmp("daemon_cfg_bad1.yaml") +
                ":3:1: error: at 'clcok': unknown key 'clcok' (did you mean 'clock'?); allowed keys here: id, "
                "listen, status, control, allow_remote_status, peers, cluster, key_file, state_file, insecure, clock, limits, user, "
                "algorithm, seed, ntp");
  EXPECT_EQ(config_error("daemon_cfg_bad3.yaml", "clock:\n  drift_ppm: fast\n"),
            tmp("daemon_cfg_bad3.yaml") + ":2:14: error: at 'clock.drift_ppm': expected a number, got 'fast'");
  EXPECT_EQ(config_error("daemon_cfg_bad4.yaml", "peers: [2-127.0.0.1:5]\n"),
            tmp("daemon_cfg_bad4.yaml") +
                ":1:9: error: at 'peers.0': peer '2-127.0.0.1:5': expected ID@HOST:PORT, e.g. 2@127.0.0.1:5526");
  EXPECT_EQ(config_error("daemon_cfg_bad5.yaml", "algorithm:\n  sync: {period: 2s}\n"),
            tmp("daemon_cfg_bad5.yaml") +
                ":2:9: error: at 'algorithm.sync': missing required key 'kind' (an algorithm kind)");
  EXPECT_EQ(config_error("daemon_cfg_bad6.yaml", "clock: {allow_system_clock: yes}\n"),
            tmp("daemon_cfg_bad6.yaml") +
                ":1:29: error: at 'clock.allow_system_clock': expected true or false, got 'yes'");
  EXPECT_EQ(config_error("daemon_cfg_bad7.yaml", "- id: 1\n"),
            tmp("daemon_cfg_bad7.yaml") + ":1:1: error: expected the daemon configuration (a mapping of keys), got a list");
  EXPECT_EQ(config_error("daemon_cfg_bad8.yaml", "ntp:\n  reference_clock: gps\n"),
            tmp("daemon_cfg_bad8.yaml") + ":2:20: error: at 'ntp.reference_clock': expected none or system, got 'gps'");
  EXPECT_EQ(config_error("daemon_cfg_bad9.yaml", "ntp: {servers: [100@127.0.0.1:1, x]}\n"),
            tmp("daemon_cfg_bad9.yaml") +
                ":1:34: error: at 'ntp.servers.1': peer 'x': expected ID@HOST:PORT, e.g. 2@127.0.0.1:5526");
  // Values checked only when the daemon assembled its settings used to be reported without a
  // place: an algorithm kind, the clock backend, an address to bind.
  const struct {
    std::string text;
    std::string error;  // after "<file>:"
  } placed[] = {
      {"algorithm:\n  sync: {kind: berkley, period: 2s}\n",
       "2:16: error: at 'algorithm.sync.kind': sync algorithm 'berkley' is not known (did you mean 'berkeley'?); "
       "available: " + kinds_of(algorithms::Layer::kSync)},
      {"algorithm: {sync: cristian, election: tps}\n",
       "1:39: error: at 'algorithm.election': election algorithm 'tps' is not known (did you mean 'tsp'?); available: " +
           kinds_of(algorithms::Layer::kElection)},
      {"algorithm: {sync: tsp}\n",
       "1:19: error: at 'algorithm.sync': sync algorithm 'tsp' is not known ('tsp' is an election algorithm); "
       "available: " + kinds_of(algorithms::Layer::kSync)},
      {"clock:\n  backend: virtul\n", "2:12: error: at 'clock.backend': expected virtual or system, got 'virtul'"},
      {"id: 1\nlisten: 127.0.0.1:99999\n", "2:9: error: at 'listen': '127.0.0.1:99999': port must be a number 0..65535"},
      {"status: nowhere\n", "1:9: error: at 'status': 'nowhere': expected host:port (e.g. 127.0.0.1:5525 or [::1]:5525)"},
      {"ntp:\n  listen: 127.0.0.1\n",
       "2:11: error: at 'ntp.listen': '127.0.0.1': expected host:port (e.g. 127.0.0.1:5525 or [::1]:5525)"},
  };
  for (std::size_t i = 0; i < std::size(placed); ++i) {
    const std::string name = "daemon_cfg_placed" + std::to_string(i) + ".yaml";
    EXPECT_EQ(config_error(name, placed[i].text), tmp(name) + ":" + placed[i].error);
  }
  // One socket, one IP version unless it is bound to [::]: a peer of the other version is refused
  // before anything binds.
  DaemonConfig mixed;
  mixed.id = 1;
  mixed.listen = "[::1]:5525";
  mixed.peers = {PeerConfig{2, "[::1]:5526"}, PeerConfig{3, "127.0.0.1:5527"}};
  const auto mixed_loop = build_loop_config(mixed);
  ASSERT_TRUE(std::holds_alternative<std::string>(mixed_loop));
  EXPECT_EQ(std::get<std::string>(mixed_loop),
            "peer 3: 127.0.0.1:5527 is IPv4 but [::1]:5525, the socket it is reached from, is IPv6 only; give addresses "
            "of one IP version, or bind to [::] to speak both");
  // From the IPv6 wildcard both versions are reached (dual stack).
  mixed.listen = "[::]:5525";
  EXPECT_TRUE(std::holds_alternative<LoopConfig>(build_loop_config(mixed)));
  mixed.listen = "[::1]:5525";
  mixed.peers.pop_back();
  EXPECT_TRUE(std::holds_alternative<LoopConfig>(build_loop_config(mixed)));
  // A flag's value is checked when the settings are assembled.
  DaemonConfig flagged;
  flagged.id = 1;
  flagged.listen = "127.0.0.1:5525";
  flagged.ntp_listen = "bogus";
  const auto loop = build_loop_config(flagged);
  ASSERT_TRUE(std::holds_alternative<std::string>(loop));
  EXPECT_EQ(std::get<std::string>(loop), "ntp listen: 'bogus': expected host:port (e.g. 127.0.0.1:5525 or [::1]:5525)");
  // A duration without a unit is refused, as in scenarios.
  const std::string no_unit = config_error("daemon_cfg_bad10.yaml", "limits: {min_step: 5}\n");
  EXPECT_NE(no_unit.find(":1:20: error: at 'limits.min_step': "), std::string::npos) << no_unit;
  DaemonConfig cfg;
  const auto missing = load_config_file("/nonexistent/daemon.yaml", cfg);
  ASSERT_TRUE(missing);
  EXPECT_EQ(*missing, "/nonexistent/daemon.yaml: error: cannot open the config file");
}

// An IPv4-mapped address can never be bound (a given IPv6 address is bound IPv6 only, and Linux
// then refuses a mapped one), so --check-config refuses it where it is written, naming the IPv4
// form, instead of passing what the daemon's bind then fails.
TEST(DaemonConfig, Ipv4MappedBindAddressesAreRefusedWhereWritten) {
  const auto why = [](const std::string& port) {
    return "'[::ffff:127.0.0.1]:" + port +
           "': an IPv4-mapped IPv6 address cannot be bound (a socket bound to a given IPv6 address speaks IPv6 only); "
           "write it as 127.0.0.1:" + port + ", or bind [::]:" + port + " to speak both IP versions";
  };
  const struct {
    const char* text;
    std::string error;  // after "<file>:"
  } placed[] = {
      {"id: 1\nlisten: \"[::ffff:127.0.0.1]:17031\"\n", "2:9: error: at 'listen': " + why("17031")},
      {"status: \"[::ffff:127.0.0.1]:17033\"\n", "1:9: error: at 'status': " + why("17033")},
      {"ntp:\n  listen: \"[::ffff:127.0.0.1]:17034\"\n", "2:11: error: at 'ntp.listen': " + why("17034")},
  };
  for (std::size_t i = 0; i < std::size(placed); ++i) {
    const std::string name = "daemon_cfg_mapped" + std::to_string(i) + ".yaml";
    EXPECT_EQ(config_error(name, placed[i].text), tmp(name) + ":" + placed[i].error);
  }
  // The same addresses given as flags: refused when the settings are assembled.
  for (const auto& [field, what] : {std::pair{&DaemonConfig::listen, "listen: "}, std::pair{&DaemonConfig::status, "status: "},
                                    std::pair{&DaemonConfig::ntp_listen, "ntp listen: "}}) {
    DaemonConfig flagged;
    flagged.id = 1;
    flagged.listen = "127.0.0.1:5525";
    flagged.sync_kind = "ntp";
    flagged.*field = "[::ffff:127.0.0.1]:17035";
    const auto loop = build_loop_config(flagged);
    ASSERT_TRUE(std::holds_alternative<std::string>(loop)) << what;
    EXPECT_EQ(std::get<std::string>(loop), what + why("17035"));
  }
}

TEST(DaemonConfig, DuplicateKeysAreRefused) {
  EXPECT_EQ(config_error("daemon_cfg_bad2.yaml", "id: 1\nid: 2\n"),
            tmp("daemon_cfg_bad2.yaml") + ":2:1: error: at 'id': duplicate key 'id' (first written at line 1, column 1)");
}

TEST(DaemonConfig, APeerListedTwiceIsLocatedAtItsSecondPlace) {
  EXPECT_EQ(config_error("daemon_cfg_twice.yaml", "id: 1\npeers:\n  - 2@127.0.0.1:5526\n  - 3@127.0.0.1:5527\n  - 2@127.0.0.1:5528\n"),
            tmp("daemon_cfg_twice.yaml") + ":5:5: error: at 'peers.2': id 2 is listed twice (first as peers.0, line 3)");
  EXPECT_EQ(config_error("daemon_cfg_twice_ntp.yaml", "id: 1\nntp: {servers: [7@127.0.0.1:123, 7@127.0.0.1:124]}\n"),
            tmp("daemon_cfg_twice_ntp.yaml") + ":2:34: error: at 'ntp.servers.1': id 7 is listed twice (first as ntp.servers.0, line 2)");
}

TEST(DaemonConfig, BooleanParametersAreTrueOrFalseOnly) {
  ParamSpec spec;
  spec.name = "flag";
  spec.type = ParamType::kBool;
  for (const char* text : {"yes", "no", "on", "off", "True", "1"}) {
    const auto v = parse_param_text(spec, text);
    ASSERT_TRUE(std::holds_alternative<std::string>(v)) << text;
    EXPECT_EQ(std::get<std::string>(v), "expected true or false, got '" + std::string(text) + "'");
  }
}

TEST(DaemonConfig, ParametersAreValidatedAgainstTheRegistry) {
  DaemonConfig cfg;
  cfg.id = 1;
  cfg.sync_kind = "berkeley";
  cfg.params = {{"", "perod", "2s", "--set perod=2s"}};
  auto s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_NE(std::get<std::string>(s).find("--set perod=2s: parameter 'perod' is not declared"), std::string::npos)
      << std::get<std::string>(s);
  EXPECT_NE(std::get<std::string>(s).find("period"), std::string::npos);  // the list of expected names
  cfg.params = {{"sync", "period", "-1s", "x.yaml:4:3"}};
  s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_NE(std::get<std::string>(s).find("x.yaml:4:3: parameter 'sync.period'"), std::string::npos);
  cfg.params = {};
  cfg.sync_kind = "sundial";
  s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_NE(std::get<std::string>(s).find("available: berkeley, cristian"), std::string::npos) << std::get<std::string>(s);
  cfg.sync_kind = "berkeley";
  cfg.peers = {{1, "127.0.0.1:5"}};
  EXPECT_TRUE(std::holds_alternative<std::string>(build_stack_setup(cfg)));  // own id as a peer
}

// Values each within range that together are not (the registration's check_params) are refused
// where the later one was written, as the scenario loader refuses them.
TEST(DaemonConfig, ParametersThatConflictAreRefusedWhereWritten) {
  DaemonConfig cfg;
  cfg.id = 1;
  cfg.sync_kind = "ntp";
  cfg.params = {{"sync", "minpoll", "6", "n.yaml:5:14"}, {"", "maxpoll", "4", "--set maxpoll=4"}};
  auto s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_EQ(std::get<std::string>(s),
            "--set maxpoll=4: parameter 'maxpoll': maxpoll 4 is below minpoll 6: the longest poll interval (2^maxpoll s) "
            "cannot be shorter than the shortest");
  cfg.params = {{"sync", "minpoll", "12", "n.yaml:5:14"}};  // above the default maxpoll, 10
  s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_EQ(std::get<std::string>(s).rfind("n.yaml:5:14: parameter 'minpoll': maxpoll 10 is below minpoll 12", 0), 0u)
      << std::get<std::string>(s);
  cfg.params = {{"sync", "minpoll", "6", "n.yaml:5:14"}, {"sync", "maxpoll", "6", "n.yaml:6:14"}};
  EXPECT_TRUE(std::holds_alternative<algorithms::StackSetup>(build_stack_setup(cfg)));
}

// Checks that need more than one value (made once the settings are assembled) still point where
// the file wrote the value they refuse: file:line:col and key.
TEST(DaemonConfig, ErrorsFoundOnAssemblyNameFileLineColumnAndKey) {
  const struct {
    const char* name;
    const char* text;
    const char* error;  // after "<file>:"
  } cases[] = {
      {"daemon_cfg_own_id.yaml", "id: 1\npeers:\n  - 2@127.0.0.1:5001\n  - 1@127.0.0.1:5002\n",
       "4:5: error: at 'peers.1': peers: 1 is this node's own id"},
      {"daemon_cfg_ntp_clash.yaml",
       "id: 1\npeers: [3@127.0.0.1:5001]\nntp:\n  servers: [100@127.0.0.1:123, 3@127.0.0.1:124]\nalgorithm: {sync: ntp}\n",
       "4:32: error: at 'ntp.servers.1': ntp server id 3 is already this node's or a peer's id"},
      {"daemon_cfg_ntp_sync.yaml", "id: 1\nntp:\n  servers: [100@127.0.0.1:123]\n",
       "3:13: error: at 'ntp.servers.0': ntp.servers (--ntp-server) needs sync: ntp, not 'berkeley'"},
      {"daemon_cfg_ntp_listen.yaml", "id: 1\nntp: {listen: 127.0.0.1:123}\n",
       "2:15: error: at 'ntp.listen': ntp.listen (--ntp-listen) needs sync: ntp, not 'berkeley'"},
      {"daemon_cfg_alone.yaml", "id: 1\nalgorithm:\n  sync: phold\n  election: tsp\n",
       "4:13: error: at 'algorithm.election': sync algorithm 'phold' runs alone and cannot run under an election; "
       "leave 'election' out"},
  };
  for (const auto& c : cases) {
    DaemonConfig cfg;
    const std::string path = write_file(c.name, c.text);
    ASSERT_EQ(load_config_file(path, cfg), std::nullopt) << c.name;
    const auto s = build_stack_setup(cfg);
    ASSERT_TRUE(std::holds_alternative<std::string>(s)) << c.name;
    EXPECT_EQ(std::get<std::string>(s), path + ":" + c.error);
  }
  // Given as flags, the same checks name no place.
  DaemonConfig flags;
  flags.id = 1;
  flags.peers = {PeerConfig{1, "127.0.0.1:5001"}};
  const auto s = build_stack_setup(flags);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_EQ(std::get<std::string>(s), "peers: 1 is this node's own id");
}

// A parameter naming a node (static's leader, standby's primary, Berkeley's trusted list) names a
// member, or the stack is not built: the error points where it was written, or at the default.
TEST(DaemonConfig, ParametersNamingNodesNameMembers) {
  const std::string path = write_file("daemon_cfg_leader.yaml", "id: 1\npeers: [2@127.0.0.1:5001, 3@127.0.0.1:5002]\n"
                                                                "algorithm:\n  sync: berkeley\n  election: {kind: static, leader: 99}\n");
  DaemonConfig cfg;
  ASSERT_EQ(load_config_file(path, cfg), std::nullopt);
  auto s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_EQ(std::get<std::string>(s), path + ":5:36: parameter 'leader': node id 99 is not a member (the members are 1, 2, 3)");
  cfg.params.push_back({"", "leader", "3", "--set leader=3"});
  EXPECT_TRUE(std::holds_alternative<algorithms::StackSetup>(build_stack_setup(cfg)));
  cfg.params.push_back({"sync", "trusted", "1,99", "--set sync.trusted=1,99"});
  s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_EQ(std::get<std::string>(s), "--set sync.trusted=1,99: parameter 'trusted': node id 99 is not a member (the members are 1, 2, 3)");
  // Standby's default primary is node 0, which this cluster does not have.
  DaemonConfig standby;
  standby.id = 1;
  standby.peers = {PeerConfig{2, "127.0.0.1:5001"}};
  standby.election_kind = "standby";
  s = build_stack_setup(standby);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_EQ(std::get<std::string>(s), "election algorithm 'standby' defaults primary to node id 0, which is not a member "
                                      "(the members are 1, 2); set primary");
  standby.params = {{"", "primary", "1", "--set primary=1"}, {"", "secondary", "2", "--set secondary=2"}};
  EXPECT_TRUE(std::holds_alternative<algorithms::StackSetup>(build_stack_setup(standby)));
}

// Durations at the ends of int64 from a config or --set: every parameter's declared range refuses
// them with the key and the range; a magnitude beyond int64 is not a duration at all. Limits
// are checked as the CLI checks them, and the largest accepted durations build a stack.
TEST(DaemonConfig, Int64ExtremeDurationsAreRefusedWithTheKeyOrCarriedWithoutOverflow) {
  DaemonConfig cfg;
  cfg.id = 1;
  cfg.sync_kind = "berkeley";
  for (const std::string text :
       {"sync.period=9223372036854775807ns", "sync.period=-9223372036854775807ns", "probe_timeout=2562047h"}) {
    cfg.params = {std::get<ParamOverride>(parse_param_override(text))};
    const auto s = build_stack_setup(cfg);
    ASSERT_TRUE(std::holds_alternative<std::string>(s)) << text;
    EXPECT_NE(std::get<std::string>(s).find("--set " + text + ": parameter"), std::string::npos) << std::get<std::string>(s);
  }
  for (const std::string text : {"sync.period=9223372036854775808ns", "sync.period=-9223372036854775809ns"}) {
    cfg.params = {std::get<ParamOverride>(parse_param_override(text))};
    const auto s = build_stack_setup(cfg);
    ASSERT_TRUE(std::holds_alternative<std::string>(s)) << text;
    EXPECT_NE(std::get<std::string>(s).find("duration"), std::string::npos) << std::get<std::string>(s);
  }
  // The largest period the registry allows (10^7 s) builds, and the stack starts with it: its
  // first round is far away, not wrapped into the past.
  cfg.params = {std::get<ParamOverride>(parse_param_override("sync.period=10000000s"))};
  ASSERT_TRUE(std::holds_alternative<algorithms::StackSetup>(build_stack_setup(cfg)));
  EXPECT_NE(config_error("daemon_cfg_huge_panic.yaml", "id: 1\nlimits: {panic_threshold: -9223372036854775807ns}\n")
                .find("expected a duration >= 0"),
            std::string::npos);
}

}  // namespace
}  // namespace clocksim::daemon

namespace clocksim::daemon {
namespace {

// The shipped examples stay loadable and valid against the registry.
TEST(DaemonConfig, ExamplesLoadAndBuild) {
  for (int i = 1; i <= 3; ++i) {
    const std::string path = std::string(CLOCKSIM_SOURCE_DIR) + "/daemon/examples/node" + std::to_string(i) + ".yaml";
    DaemonConfig cfg;
    ASSERT_EQ(load_config_file(path, cfg), std::nullopt) << path;
    EXPECT_EQ(cfg.id, static_cast<NodeId>(i));
    EXPECT_EQ(cfg.peers.size(), 2u);
    auto setup = build_stack_setup(cfg);
    ASSERT_TRUE(std::holds_alternative<algorithms::StackSetup>(setup)) << std::get<std::string>(setup);
    EXPECT_TRUE(std::holds_alternative<LoopConfig>(build_loop_config(cfg)));
  }
}

// docs/extending.md's example algorithm, configured for the daemon like any shipped kind.
TEST(DaemonConfig, TheExtendingGuideExampleLoadsAndBuilds) {
  const std::string path = std::string(CLOCKSIM_SOURCE_DIR) + "/daemon/examples/neighbour-average-node1.yaml";
  DaemonConfig cfg;
  ASSERT_EQ(load_config_file(path, cfg), std::nullopt) << path;
  auto setup = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<algorithms::StackSetup>(setup)) << std::get<std::string>(setup);
  const auto& s = std::get<algorithms::StackSetup>(setup);
  EXPECT_EQ(s.sync.kind, "neighbour_average");
  EXPECT_EQ(s.sync.params.get_duration("period").ns(), 2'000'000'000);
  EXPECT_TRUE(s.election.kind.empty());
  EXPECT_NE(algorithms::make_stack(s), nullptr);
}

// The fixed leader moved from the sync layer to the static election: the old names say so.
TEST(DaemonConfig, TheFormerLeaderParametersPointToTheStaticElection) {
  DaemonConfig cfg;
  cfg.id = 1;
  cfg.sync_kind = "berkeley";
  cfg.params = {{"", "master", "2", "--set master=2"}};
  auto s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_NE(std::get<std::string>(s).find("--set master=2: parameter 'master' of sync algorithm 'berkeley' has moved"),
            std::string::npos)
      << std::get<std::string>(s);
  EXPECT_NE(std::get<std::string>(s).find("election: {kind: static, leader: <id>}"), std::string::npos);
  cfg.sync_kind = "cristian";
  cfg.params = {{"sync", "server", "2", "c.yaml:5:3"}};
  s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(s));
  EXPECT_NE(std::get<std::string>(s).find("c.yaml:5:3: parameter 'sync.server' of sync algorithm 'cristian' has moved"),
            std::string::npos)
      << std::get<std::string>(s);
  // What to write instead works: the static election with a leader (a member).
  cfg.peers = {PeerConfig{2, "127.0.0.1:5526"}};
  cfg.election_kind = "static";
  cfg.params = {{"election", "leader", "2", "c.yaml:6:3"}};
  s = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<algorithms::StackSetup>(s)) << std::get<std::string>(s);
  EXPECT_EQ(std::get<algorithms::StackSetup>(s).election.params.get_int("leader"), 2);
}

}  // namespace
}  // namespace clocksim::daemon
