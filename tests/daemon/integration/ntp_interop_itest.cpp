// NTPv4 interoperability with real NTP software (Debian's chrony) on loopback, both ways, with
// clocksyncd on its virtual clock: the machine's clock is never touched (chronyd runs with -Q,
// which only measures, or -x, which never controls the clock).
//  1. chronyd -Q queries a clocksyncd NTP server whose clock is 250 ms ahead of the machine's and
//     must report that offset.
//  2. A clocksyncd NTP client whose clock starts 300 ms behind follows a local chronyd server
//     (serving the machine's clock) until its virtual clock agrees with the machine's.
// GCC 12 at -O1 with the sanitizers reports a false -Wmaybe-uninitialized inside libstdc++'s
// std::regex (a std::function moved in the NFA builder); nothing of ours is involved.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/loop/endpoint.hpp"
#include "node/wire/ntp_packet.hpp"
#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

using namespace std::chrono_literals;

std::string find_chronyd() {
  for (const char* p : {"/usr/sbin/chronyd", "/sbin/chronyd", "/usr/bin/chronyd"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

// A child process with its output in a file, killed (and reaped) with the test.
class Child {
 public:
  Child(std::vector<std::string> args, const std::string& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // Waits for exit; the exit code, or -1 when it had to be killed after `timeout`.
  int wait(std::chrono::milliseconds timeout) {
    int code = -1;
    const bool done = wait_until(
        [&] {
          int st = 0;
          if (::waitpid(pid_, &st, WNOHANG) == pid_) {
            code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            pid_ = -1;
            return true;
          }
          return false;
        },
        timeout, 50ms);
    if (!done) stop();
    return code;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

std::string test_dir(const std::string& name) {
  const std::string d = std::string(CLOCKSIM_BINARY_DIR) + "/daemon-itest/" + name;
  std::filesystem::create_directories(d);
  return d;
}

// The interoperability runs over 127.0.0.1 and over [::1].
struct Loopback {
  const char* endpoint_host;  // as clocksyncd takes it: 127.0.0.1, [::1]
  const char* chrony_host;    // as chrony's configuration takes it: 127.0.0.1, ::1
  const char* suffix;         // of the log folder
};

void PrintTo(const Loopback& at, std::ostream* os) { *os << at.endpoint_host; }

class NtpInteropOver : public ::testing::TestWithParam<Loopback> {};

INSTANTIATE_TEST_SUITE_P(Loopback, NtpInteropOver,
                         ::testing::Values(Loopback{"127.0.0.1", "127.0.0.1", ""}, Loopback{"[::1]", "::1", "-ipv6"}),
                         [](const auto& info) { return std::string(info.param.suffix[0] ? "Ipv6" : "Ipv4"); });

TEST_P(NtpInteropOver, ChronyMeasuresAClocksyncdServer) {
  const Loopback at = GetParam();
  const std::string chronyd = find_chronyd();
  ASSERT_FALSE(chronyd.empty()) << "chronyd not found: install Debian's chrony (scripts/install-deps.sh)";
  const auto ntp_port = free_udp_ports(1, at.endpoint_host)[0];
  NodeSpec node;
  node.id = 1;
  node.offset_ms = 250;  // the virtual clock runs 250 ms ahead of the machine's
  node.without_key = true;
  node.extra_args = {"--sync", "ntp", "--ntp-listen", std::string(at.endpoint_host) + ":" + std::to_string(ntp_port),
                     "--set", "sync.local_stratum=8"};
  ClusterHarness h(std::string("ntp-chrony-queries") + at.suffix, {node}, {}, at.endpoint_host);
  h.start_all();
  ASSERT_TRUE(wait_until([&] { return h.status(0).has_value(); }, 10s)) << h.log_tail(0);

  const std::string dir = test_dir(std::string("ntp-chrony-queries") + at.suffix);
  const std::string out = dir + "/chronyd-Q.log";
  Child q({chronyd, "-Q", "-t", "20", "-f", "/dev/null",
           std::string("server ") + at.chrony_host + " port " + std::to_string(ntp_port) + " iburst"},
          out);
  const int code = q.wait(40s);
  const std::string text = read_file_text(out);
  ASSERT_EQ(code, 0) << text << "\nclocksyncd:\n" << h.log_tail(0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(System clock wrong by (-?[0-9.]+) seconds)"))) << text;
  const double offset_s = std::stod(m[1]);
  std::printf("chronyd -Q against clocksyncd (virtual clock +250 ms): %s\n", m[0].str().c_str());
  EXPECT_NEAR(offset_s, 0.250, 0.005) << text;
  const auto st = h.status(0);
  ASSERT_TRUE(st);
  EXPECT_GE((*st)["ntp"]["requests_served"].get<int>(), 1);
}

TEST_P(NtpInteropOver, ClocksyncdFollowsAChronydServer) {
  const Loopback at = GetParam();
  const std::string chronyd = find_chronyd();
  ASSERT_FALSE(chronyd.empty()) << "chronyd not found: install Debian's chrony (scripts/install-deps.sh)";
  const auto ports = free_udp_ports(2, at.endpoint_host);
  // Its own folder: the harness below empties the one named after the test when it starts.
  const std::string dir = test_dir(std::string("ntp-follows-chronyd-server") + at.suffix);
  const std::string conf = dir + "/server.conf";
  std::ofstream(conf) << "port " << ports[0] << "\nbindaddress " << at.chrony_host << "\nlocal stratum 8\nallow "
                      << at.chrony_host << "\ncmdport 0\n"
                      << "pidfile " << dir << "/chronyd.pid\ndriftfile " << dir << "/drift\n";
  Child server({chronyd, "-x", "-d", "-f", conf}, dir + "/chronyd.log");

  NodeSpec node;
  node.id = 1;
  node.offset_ms = -300;  // starts 300 ms behind the machine's clock, which chronyd serves
  node.without_key = true;
  const std::string host = at.endpoint_host;
  node.extra_args = {"--sync", "ntp", "--ntp-listen", host + ":" + std::to_string(ports[1]),
                     "--ntp-server", "100@" + host + ":" + std::to_string(ports[0]),
                     "--set", "sync.minpoll=0", "--set", "sync.maxpoll=2", "--set", "sync.stepout=5s"};
  ClusterHarness h(std::string("ntp-follows-chronyd") + at.suffix, {node}, {}, host);
  h.start_all();
  // Synchronized (its system peer is the chronyd server, id 100: the step is done and the
  // discipline has accepted a later sample) and within 2 ms of the machine's clock.
  std::int64_t offset_ns = 0;
  auto synchronized = [&] {
    const auto st = h.status(0);
    if (!st) return false;
    offset_ns = (*st)["clock"]["offset_ns"].get<std::int64_t>();
    return (*st)["believed_master"] == 100 && std::llabs(offset_ns) < 2'000'000;
  };
  const bool converged = wait_until(synchronized, 60s, 250ms);
  ASSERT_TRUE(converged) << "virtual clock still " << offset_ns << " ns off the machine's\nclocksyncd:\n" << h.log_tail(0, 4000)
                         << "\nchronyd:\n" << read_file_text(dir + "/chronyd.log");
  const auto st = h.status(0);
  ASSERT_TRUE(st);
  std::printf("clocksyncd following chronyd: virtual clock %+.3f ms from the machine's, %d replies delivered\n",
              static_cast<double>(offset_ns) * 1e-6, (*st)["ntp"]["replies_delivered"].get<int>());
  EXPECT_GE((*st)["ntp"]["replies_delivered"].get<int>(), 4);
  // And it stays there while it keeps polling.
  std::int64_t worst_ns = 0;
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(500ms);
    const auto s2 = h.status(0);
    ASSERT_TRUE(s2);
    worst_ns = std::max<std::int64_t>(worst_ns, std::llabs((*s2)["clock"]["offset_ns"].get<std::int64_t>()));
  }
  std::printf("over the next 3 s: worst %.3f ms\n", static_cast<double>(worst_ns) * 1e-6);
  EXPECT_LT(worst_ns, 2'000'000);
}

}  // namespace
}  // namespace clocksim::daemon::testing

namespace clocksim::daemon::testing {
namespace {

std::int64_t realtime_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The adversary: the test plays the daemon's NTP server and, for every request, also sends a
// garbage datagram, a wrong-version packet, a reply with a wrong origin claiming +10 s, the honest
// reply, and then that honest reply again (a replay); a stranger sends +10 s from another port.
// Only honest replies may move the clock: it must stay within 5 ms of the machine's clock (the
// honest server serves the machine's clock) and never be stepped.
TEST(NtpInterop, ForgedReplayedAndStrangersRepliesAreNeverApplied) {
  const auto ports = free_udp_ports(1);
  auto server_sock = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(server_sock));
  const UdpSocket& server = std::get<UdpSocket>(server_sock);
  auto stranger_sock = UdpSocket::unbound();
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(stranger_sock));
  const UdpSocket& stranger = std::get<UdpSocket>(stranger_sock);

  NodeSpec node;
  node.id = 1;
  node.without_key = true;
  node.extra_args = {"--sync", "ntp", "--ntp-listen", "127.0.0.1:" + std::to_string(ports[0]),
                     "--ntp-server", "100@127.0.0.1:" + std::to_string(server.local_port()),
                     "--set", "sync.minpoll=0", "--set", "sync.maxpoll=1", "--set", "sync.stepout=3s"};
  ClusterHarness h("ntp-forged-replies", {node}, {});
  h.start_all();
  const SocketAddress daemon_ntp = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(ports[0]))).addr;

  int requests = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (requests < 6 && std::chrono::steady_clock::now() < deadline) {
    std::array<std::uint8_t, 256> buf{};
    const auto got = server.receive(buf);
    if (!got || !got->from) {
      std::this_thread::sleep_for(5ms);
      continue;
    }
    const SocketAddress from = *got->from;
    const auto req = node::wire::decode_ntp({buf.data(), std::min(got->length, buf.size())});
    ASSERT_TRUE(std::holds_alternative<node::wire::NtpPacket>(req));
    ++requests;
    const std::uint64_t xmt = std::get<node::wire::NtpPacket>(req).transmit_ts;
    const std::int64_t now = realtime_ns();
    node::wire::NtpPacket reply;
    reply.version = 4;
    reply.mode = 4;
    reply.stratum = 2;
    reply.precision = -20;
    reply.reference_id = 0x7F000001;
    reply.reference_ts = node::wire::ntp_from_unix_ns(now);
    reply.origin_ts = xmt;
    reply.receive_ts = node::wire::ntp_from_unix_ns(now);
    reply.transmit_ts = node::wire::ntp_from_unix_ns(now);
    node::wire::NtpPacket forged = reply;
    forged.origin_ts = xmt + 1;
    forged.receive_ts = forged.transmit_ts = node::wire::ntp_from_unix_ns(now + 10'000'000'000);
    node::wire::NtpPacket old_version = forged;
    old_version.origin_ts = xmt;
    old_version.version = 2;
    const std::array<std::uint8_t, 10> garbage{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    server.send_to(garbage, from);
    server.send_to(node::wire::encode_ntp(old_version), from);
    server.send_to(node::wire::encode_ntp(forged), from);
    node::wire::NtpPacket stranger_says = forged;
    stranger_says.origin_ts = xmt;
    stranger.send_to(node::wire::encode_ntp(stranger_says), daemon_ntp);
    server.send_to(node::wire::encode_ntp(reply), from);
    server.send_to(node::wire::encode_ntp(reply), from);  // the replay
  }
  ASSERT_GE(requests, 6) << h.log_tail(0);
  const auto st = h.status(0);
  ASSERT_TRUE(st) << h.log_tail(0);
  const auto& ntp = (*st)["ntp"];
  std::printf("forged-reply run: %d requests; status ntp block %s; clock offset %lld ns\n", requests, ntp.dump().c_str(),
              static_cast<long long>((*st)["clock"]["offset_ns"].get<std::int64_t>()));
  EXPECT_GE(ntp["dropped"]["ntp_too_short"].get<int>(), requests - 1);
  EXPECT_GE(ntp["dropped"]["ntp_bad_version"].get<int>(), requests - 1);
  EXPECT_GE(ntp["unknown_server"].get<int>(), requests - 1);
  EXPECT_EQ((*st)["counters"]["clock_steps"].get<int>(), 0) << h.log_tail(0, 4000);
  EXPECT_LT(std::llabs((*st)["clock"]["offset_ns"].get<std::int64_t>()), 5'000'000);
  EXPECT_NE(h.log_tail(0, 200000).find("answers no pending request"), std::string::npos);
}

}  // namespace
}  // namespace clocksim::daemon::testing
