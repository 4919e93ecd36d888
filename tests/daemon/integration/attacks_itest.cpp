// The attack run against loopback daemons, replayed as tests: every attack must fail. Each test
// prints one line "attack N: ..." with what it measured (the attack table in docs/daemon.md).
// Network traffic goes to 127.0.0.1 only.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "algorithms/berkeley/berkeley.hpp"
#include "daemon/loop/endpoint.hpp"
#include "daemon/loop/status_client.hpp"
#include "node/wire/codec.hpp"
#include "node/wire/key_file.hpp"
#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

namespace wire = node::wire;

using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<std::uint8_t> bytes_of(const wire::Packet& p) { return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)}; }

// A static-master Berkeley cluster (node 1 leads), 500 ms rounds, three nodes.
const std::vector<std::string> kBerkeley = {"--sync", "berkeley", "--election", "none", "--set", "period=500ms",
                                            "--set", "probe_timeout=20ms", "--set", "measure_cap=200ms",
                                            "--set", "quantum=0", "--set", "resolution=0", "--cluster", "7"};

std::vector<NodeSpec> three_nodes() { return {{1, 100, 5, {}}, {2, -100, -5, {}}, {3, 50, 2, {}}}; }

UdpSocket loopback_socket() {
  auto s = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  if (!std::holds_alternative<UdpSocket>(s)) throw std::runtime_error("cannot bind 127.0.0.1");
  return std::move(std::get<UdpSocket>(s));
}

sockaddr_in loopback(std::uint16_t port) {
  return std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(port))).addr;
}

nlohmann::json must_status(const ClusterHarness& c, std::size_t i) {
  auto s = c.status(i, 1000);
  if (!s) throw std::runtime_error("node " + std::to_string(c.id(i)) + " does not answer");
  return *s;
}

std::uint64_t counter(const nlohmann::json& s, const std::string& name) { return s["counters"][name].get<std::uint64_t>(); }
std::uint64_t dropped(const nlohmann::json& s, const std::string& reason) {
  return s["counters"]["dropped"][reason].get<std::uint64_t>();
}

void wait_rounds(const ClusterHarness& c, std::uint64_t rounds) {
  ASSERT_TRUE(wait_until(
      [&] {
        auto m = c.status(c.index_of(1));
        return m && (*m)["rounds"].get<std::uint64_t>() >= rounds;
      },
      seconds(15)));
}

// Packets in a member's name made with the keys that member holds (stolen, or its own).
struct Forger {
  NodeId as;
  wire::Keyring ring;
  std::uint64_t counter = 1'000'000'000;

  Forger(const ClusterHarness& c, NodeId member) : as(member), ring(load(c.key_file(member))) {}
  static wire::Keyring load(const std::string& path) {
    auto r = wire::load_keyring_file(path);
    if (auto* e = std::get_if<std::string>(&r)) throw std::runtime_error(*e);
    return std::get<wire::Keyring>(r);
  }
  // `to` must see it as fresh: its current epoch from its status, the member's from the member's.
  std::vector<std::uint8_t> packet(NodeId claimed_sender, NodeId to, std::uint64_t to_epoch, std::uint64_t sender_epoch,
                                   const Message& m) {
    wire::Envelope e;
    e.cluster = 7;
    e.sender = claimed_sender;
    e.receiver = to;
    const auto key = ring.signing_key(to);
    e.key_id = key ? key->first : 1;
    e.sender_epoch = sender_epoch;
    e.receiver_epoch = to_epoch;
    e.counter = counter++;
    return bytes_of(wire::encode(e, m, key ? key->second : nullptr));
  }
};

Message forged_adjust(std::uint32_t term, std::int64_t value_ns, std::optional<std::int64_t> rate_ppb = std::nullopt) {
  Message m = make_message(MsgType::kAdjust, 0xA77AC4);
  m.term = term;
  m.value_ns = value_ns;
  if (rate_ppb) {
    m.flags |= berkeley::kAdjustHasRate;
    m.rate_ppb = *rate_ppb;
  }
  return m;
}

double offset_ms(const nlohmann::json& s) { return s["clock"]["offset_ns"].get<double>() * 1e-6; }

// Attack 1: +3600 s ADJUSTs in the master's name to both slaves, first by another member (its
// own keys), then with the master's own keys (stolen): no clock moves by more than milliseconds.
TEST(DaemonAttack, KeyHolderCannotMoveTheClusterByHours) {
  ClusterHarness c("attack1", three_nodes(), kBerkeley);
  c.start_all();
  wait_rounds(c, 6);  // past the start-up allowance
  const auto master0 = must_status(c, 0);
  const std::uint64_t master_epoch = master0["epoch"].get<std::uint64_t>();
  const auto term = static_cast<std::uint32_t>(master0["rounds"].get<std::uint64_t>() + 2);
  std::map<NodeId, nlohmann::json> before;
  for (std::size_t i = 0; i < 3; ++i) before[c.id(i)] = must_status(c, i);
  UdpSocket sock = loopback_socket();
  Forger member3(c, 3), stolen_master(c, 1);
  for (NodeId victim : {2u, 3u}) {
    const std::size_t vi = c.index_of(victim);
    const std::uint64_t epoch = before[victim]["epoch"].get<std::uint64_t>();
    if (victim != 3) sock.send_to(member3.packet(1, victim, epoch, master_epoch, forged_adjust(term, 3'600'000'000'000)), loopback(c.data_port(vi)));
    sock.send_to(stolen_master.packet(1, victim, epoch, master_epoch, forged_adjust(term, 3'600'000'000'000)), loopback(c.data_port(vi)));
  }
  std::this_thread::sleep_for(milliseconds(2500));  // several rounds: would the master follow?
  double worst_jump_ms = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto after = must_status(c, i);
    worst_jump_ms = std::max(worst_jump_ms, std::abs(offset_ms(after) - offset_ms(before[c.id(i)])));
    if (c.id(i) != 1) {
      EXPECT_GE(counter(after, "clock_refused"), 1u) << c.log_tail(i);
    }
  }
  const auto s2 = must_status(c, c.index_of(2));
  EXPECT_EQ(dropped(s2, "bad_mac") - dropped(before[2], "bad_mac"), 1u);  // member 3 cannot speak for 1
  std::printf("attack 1: largest clock change after forged +3600 s corrections: %.3f ms; refused by the slaves: %llu\n",
              worst_jump_ms, static_cast<unsigned long long>(counter(s2, "clock_refused")));
  EXPECT_LT(worst_jump_ms, 50.0);
}

// Attack 2: one ADJUST carrying rate_ppb = -2e9 (the clock would run backwards): the node must
// keep answering, keep its timers sane and stop on SIGTERM.
TEST(DaemonAttack, OneRatePacketCannotWedgeANode) {
  ClusterHarness c("attack2", three_nodes(), kBerkeley);
  c.start_all();
  wait_rounds(c, 6);
  const auto master0 = must_status(c, 0);
  const std::size_t vi = c.index_of(2);
  const auto before = must_status(c, vi);
  UdpSocket sock = loopback_socket();
  Forger stolen_master(c, 1);
  const auto term = static_cast<std::uint32_t>(master0["rounds"].get<std::uint64_t>() + 2);
  sock.send_to(stolen_master.packet(1, 2, before["epoch"].get<std::uint64_t>(), master0["epoch"].get<std::uint64_t>(),
                                    forged_adjust(term, 0, -2'000'000'000)),
               loopback(c.data_port(vi)));
  int answered = 0;
  for (int k = 0; k < 20; ++k) {
    if (c.status(vi, 500)) ++answered;
    std::this_thread::sleep_for(milliseconds(100));
  }
  const auto after = must_status(c, vi);
  const double rate = after["clock"]["rate_correction_ppm"].get<double>();
  const std::uint64_t sent = counter(after, "packets_out") - counter(before, "packets_out");
  const auto t0 = std::chrono::steady_clock::now();
  const auto code = c.stop_gracefully(vi, milliseconds(3000));
  const double stop_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("attack 2: status answered %d/20, rate correction %.1f ppm, packets sent in 2 s: %llu, SIGTERM exit %d after %.2f s\n",
              answered, rate, static_cast<unsigned long long>(sent), code ? *code : -1, stop_s);
  EXPECT_EQ(answered, 20);
  EXPECT_GE(rate, -500.0);
  EXPECT_LT(sent, 200u);  // an ACK per round and measurement replies, not a storm
  EXPECT_EQ(code, 0);
}

// Attack 3: a step of INT64_MAX (and of INT64_MIN) in the master's name: refused; the reading
// does not wrap.
TEST(DaemonAttack, OverflowingCorrectionsAreRefused) {
  ClusterHarness c("attack3", three_nodes(), kBerkeley);
  c.start_all();
  wait_rounds(c, 6);
  const auto master0 = must_status(c, 0);
  const std::size_t vi = c.index_of(2);
  const auto before = must_status(c, vi);
  UdpSocket sock = loopback_socket();
  Forger stolen_master(c, 1);
  const auto term = static_cast<std::uint32_t>(master0["rounds"].get<std::uint64_t>() + 2);
  const std::uint64_t ve = before["epoch"].get<std::uint64_t>(), me = master0["epoch"].get<std::uint64_t>();
  sock.send_to(stolen_master.packet(1, 2, ve, me, forged_adjust(term, std::numeric_limits<std::int64_t>::max())),
               loopback(c.data_port(vi)));
  sock.send_to(stolen_master.packet(1, 2, ve, me, forged_adjust(term + 1, std::numeric_limits<std::int64_t>::min())),
               loopback(c.data_port(vi)));
  std::this_thread::sleep_for(milliseconds(1500));
  const auto after = must_status(c, vi);
  const double change_ms = offset_ms(after) - offset_ms(before);
  std::printf("attack 3: offset change after INT64_MAX/INT64_MIN steps: %.3f ms; refused %llu; local_ns %lld\n", change_ms,
              static_cast<unsigned long long>(counter(after, "clock_refused") - counter(before, "clock_refused")),
              static_cast<long long>(after["clock"]["local_ns"].get<std::int64_t>()));
  EXPECT_LT(std::abs(change_ms), 50.0);
  EXPECT_EQ(counter(after, "clock_refused") - counter(before, "clock_refused"), 2u);
  EXPECT_GT(after["clock"]["local_ns"].get<std::int64_t>(), 0);
}

// Attack 4: member 3 sends a packet in the master's name with a huge sequence number to node 2:
// it fails the MAC (pair keys), and the real master is not locked out.
TEST(DaemonAttack, AForgedCounterCannotLockAMemberOut) {
  ClusterHarness c("attack4", three_nodes(), kBerkeley);
  c.start_all();
  wait_rounds(c, 4);
  const auto master0 = must_status(c, 0);
  const std::size_t vi = c.index_of(2);
  const auto before = must_status(c, vi);
  UdpSocket sock = loopback_socket();
  Forger member3(c, 3);
  member3.counter = std::numeric_limits<std::uint64_t>::max() - 10;
  for (int k = 0; k < 5; ++k) {
    sock.send_to(member3.packet(1, 2, before["epoch"].get<std::uint64_t>(), master0["epoch"].get<std::uint64_t>(),
                                make_message(MsgType::kAck, 1)),
                 loopback(c.data_port(vi)));
  }
  std::this_thread::sleep_for(milliseconds(2000));
  const auto after = must_status(c, vi);
  const std::uint64_t replays = dropped(after, "replay") - dropped(before, "replay");
  const std::uint64_t accepted = counter(after, "packets_accepted") - counter(before, "packets_accepted");
  std::printf("attack 4: master packets dropped as replay at the victim in 2 s: %llu; accepted: %llu; forgeries bad_mac: %llu\n",
              static_cast<unsigned long long>(replays), static_cast<unsigned long long>(accepted),
              static_cast<unsigned long long>(dropped(after, "bad_mac") - dropped(before, "bad_mac")));
  EXPECT_EQ(replays, 0u);
  EXPECT_GE(accepted, 6u);  // probes and corrections of about four rounds
  EXPECT_EQ(dropped(after, "bad_mac") - dropped(before, "bad_mac"), 5u);
}

// An on-path relay: node 1's packets for `to` go through it. It records them, forwards them while
// `forward` is set, and can later replay what it recorded.
class Relay {
 public:
  Relay(std::uint16_t forward_port) : sock_(loopback_socket()), to_(loopback(forward_port)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~Relay() {
    stop_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return sock_.local_port(); }
  void set_forward(bool f) { forward_ = f; }
  std::vector<std::vector<std::uint8_t>> recorded() {
    std::lock_guard lock(mu_);
    return recorded_;
  }

 private:
  void loop() {
    std::array<std::uint8_t, 2048> buf{};
    while (!stop_) {
      pollfd pfd{sock_.fd(), POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(sock_.fd(), buf.data(), buf.size(), 0);
      if (n <= 0) continue;
      std::vector<std::uint8_t> p(buf.begin(), buf.begin() + n);
      {
        std::lock_guard lock(mu_);
        recorded_.push_back(p);
      }
      if (forward_) sock_.send_to(p, to_);
    }
  }
  UdpSocket sock_;
  sockaddr_in to_;
  std::atomic<bool> stop_{false}, forward_{true};
  std::mutex mu_;
  std::vector<std::vector<std::uint8_t>> recorded_;
  std::thread thread_;
};

// Attack 5 (no key needed): record the master's packets to node 2, restart node 2, block the real
// master and replay the recording: the restarted node accepts none of it.
TEST(DaemonAttack, ARestartedNodeAcceptsNoRecordedPackets) {
  ClusterHarness c("attack5", three_nodes(), kBerkeley);
  const std::size_t vi = c.index_of(2);
  Relay relay(c.data_port(vi));
  c.route_via(1, 2, relay.port());
  c.start_all();
  wait_rounds(c, 6);
  const auto recorded = relay.recorded();
  ASSERT_GE(recorded.size(), 10u);
  relay.set_forward(false);  // the attacker now holds back the real master's packets
  c.kill_hard(vi);
  c.start(vi);
  ASSERT_TRUE(wait_until([&] { return c.status(vi).has_value(); }, seconds(5)));
  const auto before = must_status(c, vi);
  UdpSocket sock = loopback_socket();
  for (const auto& p : recorded) sock.send_to(p, loopback(c.data_port(vi)));
  std::this_thread::sleep_for(milliseconds(500));
  const auto after = must_status(c, vi);
  const std::uint64_t accepted = counter(after, "packets_accepted") - counter(before, "packets_accepted");
  std::printf("attack 5: recorded packets replayed to the restarted node: %zu, accepted %llu, stale %llu, clock steps %llu\n",
              recorded.size(), static_cast<unsigned long long>(accepted),
              static_cast<unsigned long long>(dropped(after, "stale") - dropped(before, "stale")),
              static_cast<unsigned long long>(counter(after, "clock_steps")));
  EXPECT_EQ(accepted, 0u);
  EXPECT_EQ(counter(after, "clock_steps") + counter(after, "clock_slews"), 0u);
}

// Attack 6 (no key needed): the master's packets for node 2 are also delivered to node 3 (whose
// own traffic from the master the attacker holds back): node 3 accepts none of them.
TEST(DaemonAttack, PacketsForOneNodeAreRefusedByAnother) {
  ClusterHarness c("attack6", three_nodes(), kBerkeley);
  const std::size_t b = c.index_of(2), cc = c.index_of(3);
  Relay to_b(c.data_port(b));
  Relay to_c(c.data_port(cc));
  c.route_via(1, 2, to_b.port());
  c.route_via(1, 3, to_c.port());
  c.start_all();
  wait_rounds(c, 3);
  to_c.set_forward(false);
  const auto before = must_status(c, cc);
  const std::size_t seen = to_b.recorded().size();
  std::this_thread::sleep_for(milliseconds(2000));
  const auto for_b = to_b.recorded();
  UdpSocket sock = loopback_socket();
  for (std::size_t k = seen; k < for_b.size(); ++k) sock.send_to(for_b[k], loopback(c.data_port(cc)));
  std::this_thread::sleep_for(milliseconds(300));
  const auto after = must_status(c, cc);
  const std::uint64_t accepted = counter(after, "packets_accepted") - counter(before, "packets_accepted");
  std::printf("attack 6: packets for node 2 delivered to node 3: %zu, accepted %llu, wrong_receiver %llu\n",
              for_b.size() - seen, static_cast<unsigned long long>(accepted),
              static_cast<unsigned long long>(dropped(after, "wrong_receiver") - dropped(before, "wrong_receiver")));
  EXPECT_GE(for_b.size() - seen, 8u);
  EXPECT_EQ(accepted, 0u);
}

// Attack 7: the status socket. UDP is opt-in; a 6-byte request gets no reply larger than 6 bytes,
// requests are rate-limited, and a non-loopback bind needs an explicit flag.
TEST(DaemonAttack, TheStatusSocketDoesNotAmplify) {
  const auto ports = free_udp_ports(2);
  ClusterHarness c("attack7", {{1, 0, 0, {"--status", "127.0.0.1:" + std::to_string(ports[0])}}},
                   {"--sync", "none", "--election", "none"});
  c.start_all();
  ASSERT_TRUE(wait_until([&] { return c.status(0).has_value(); }, seconds(5)));
  UdpSocket sock = loopback_socket();
  std::size_t in_bytes = 0, out_bytes = 0;
  for (int k = 0; k < 50; ++k) {
    const std::vector<std::uint8_t> req = {'s', 't', 'a', 't', 'u', 's'};
    sock.send_to(req, loopback(ports[0]));
    in_bytes += req.size();
  }
  std::array<std::uint8_t, 65536> buf{};
  for (;;) {
    pollfd pfd{sock.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 300) <= 0) break;
    const ssize_t n = ::recv(sock.fd(), buf.data(), buf.size(), 0);
    if (n > 0) out_bytes += static_cast<std::size_t>(n);
  }
  // A padded request (as clocksyncctl sends) is answered, but only about `udp_per_second`.
  int answered = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < 40; ++k) {
    if (std::holds_alternative<nlohmann::json>(query_status("127.0.0.1:" + std::to_string(ports[0]), 100))) ++answered;
  }
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Binding the status socket to a non-loopback address is refused without the flag.
  const auto more = free_udp_ports(2);
  const std::string cmd = "timeout 2 " + std::string(CLOCKSYNCD_PATH) + " --id 5 --listen 127.0.0.1:" + std::to_string(more[0]) +
                          " --insecure --sync none --control none --status 0.0.0.0:" + std::to_string(more[1]) +
                          (::geteuid() == 0 ? " --user nobody" : "") + " 2>/dev/null";
  const int st = std::system(cmd.c_str());
  std::printf("attack 7: 50 six-byte requests: %zu bytes in, %zu bytes out (%.2fx); padded requests answered %d/40; "
              "status 0.0.0.0 exit %d\n",
              in_bytes, out_bytes, static_cast<double>(out_bytes) / static_cast<double>(in_bytes), answered,
              WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  EXPECT_LE(out_bytes, in_bytes);
  EXPECT_GE(answered, 5);
  EXPECT_LE(answered, 10 + static_cast<int>(10 * elapsed_s) + 1);  // burst 10, then 10 per second
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 2);
}

int run_with_key(const std::string& key_path, std::string& err) {
  const auto ports = free_udp_ports(1);
  const std::string err_path = key_path + ".err";
  const std::string cmd = "timeout 2 " + std::string(CLOCKSYNCD_PATH) + " --id 1 --listen 127.0.0.1:" +
                          std::to_string(ports[0]) + " --sync none --control none --key-file " + key_path +
                          (::geteuid() == 0 ? " --user nobody" : "") + " 2>" + err_path;
  const int st = std::system(cmd.c_str());
  std::ifstream f(err_path);
  std::stringstream ss;
  ss << f.rdbuf();
  err = ss.str();
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Attack 8: a world-readable all-zero key is refused, so is a 0600 all-zero key; keygen writes 0600.
TEST(DaemonAttack, WeakOrExposedKeyFilesAreRefused) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/daemon-itest/attack8";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string key = dir + "/zero.key";
  std::ofstream(key) << std::string(32, '0') << "\n";
  ::chmod(key.c_str(), 0666);
  std::string err_open, err_weak;
  const int open_rc = run_with_key(key, err_open);
  ::chmod(key.c_str(), 0600);
  const int weak_rc = run_with_key(key, err_weak);
  const std::string ctl = std::string(CLOCKSYNCD_PATH).substr(0, std::string(CLOCKSYNCD_PATH).rfind('/')) + "/clocksyncctl";
  ASSERT_EQ(std::system((ctl + " keygen --ids 1,2 --out-dir " + dir + " >/dev/null").c_str()), 0);
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/node1.keys").c_str(), &st), 0);
  std::printf("attack 8: 0666 zero key exit %d, 0600 zero key exit %d, keygen mode %04o\n", open_rc, weak_rc,
              static_cast<unsigned>(st.st_mode & 07777));
  EXPECT_EQ(open_rc, 2);
  EXPECT_NE(err_open.find("too open"), std::string::npos) << err_open;
  EXPECT_EQ(weak_rc, 2);
  EXPECT_NE(err_weak.find("low entropy"), std::string::npos) << err_weak;
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

std::string proc_field(pid_t pid, const std::string& field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      const auto v = line.substr(field.size() + 1);
      return v.substr(v.find_first_not_of(" \t"));
    }
  }
  return "";
}

// Attack 9: the running daemon holds no root, no capability (virtual clock), no way to gain one,
// and runs under a seccomp filter. Started as root it must have switched user; started as
// anyone else the rest still holds.
TEST(DaemonAttack, TheRunningDaemonHoldsNoPrivileges) {
  ClusterHarness c("attack9", {{1, 0, 0, {}}}, {"--sync", "none", "--election", "none"});
  c.start_all();
  ASSERT_TRUE(wait_until([&] { return c.status(0).has_value(); }, seconds(5)));
  const pid_t pid = c.pid(0);
  const std::string uid = proc_field(pid, "Uid"), cap_eff = proc_field(pid, "CapEff"), cap_bnd = proc_field(pid, "CapBnd");
  const std::string nnp = proc_field(pid, "NoNewPrivs"), seccomp = proc_field(pid, "Seccomp");
  std::printf("attack 9: started as uid %u; running Uid %s CapEff %s CapBnd %s NoNewPrivs %s Seccomp %s\n", ::geteuid(),
              uid.c_str(), cap_eff.c_str(), cap_bnd.c_str(), nnp.c_str(), seccomp.c_str());
  EXPECT_NE(uid.substr(0, 2), "0\t");
  EXPECT_EQ(cap_eff, "0000000000000000");
  if (::geteuid() == 0) {
    EXPECT_EQ(cap_bnd, "0000000000000000");
  }
  EXPECT_EQ(nnp, "1");
  EXPECT_EQ(seccomp, "2");
  // Started as root without --user: refused, never runs as root.
  if (::geteuid() == 0) {
    const auto ports = free_udp_ports(1);
    const int st = std::system((std::string(CLOCKSYNCD_PATH) + " --id 1 --listen 127.0.0.1:" + std::to_string(ports[0]) +
                                " --insecure --sync none --control none 2>/dev/null")
                                   .c_str());
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 2);
  }
}

}  // namespace
}  // namespace clocksim::daemon::testing
