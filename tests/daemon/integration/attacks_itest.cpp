// The attacks on the clocksyncd process itself, against real daemons: its status socket, its key
// files, its privileges. Every attack must fail. Each test prints one line "attack N: ..." with
// what it measured (the attack table in docs/daemon.md). Network traffic goes to 127.0.0.1 only.
// The attacks that need only the cluster's network (stolen keys, forged counters, replays,
// misdelivery, extreme values) run against a simulated cluster of the same node loop:
// tests/daemon/sim/attacks_simtest.cpp.
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

UdpSocket loopback_socket() {
  auto s = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  if (!std::holds_alternative<UdpSocket>(s)) throw std::runtime_error("cannot bind 127.0.0.1");
  return std::move(std::get<UdpSocket>(s));
}

SocketAddress loopback(std::uint16_t port) {
  return std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(port))).addr;
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
  // A padded request (as clocksyncctl sends) is answered, but only about `udp_per_source_per_second`.
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
  err = read_file_text(err_path);
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
