#include "tests/daemon/integration/cluster_harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <variant>

#include "daemon/loop/endpoint.hpp"
#include "daemon/loop/status_client.hpp"
#include "node/wire/key_file.hpp"

namespace clocksim::daemon::testing {

namespace wire = node::wire;

std::vector<std::uint16_t> free_udp_ports(std::size_t count, const std::string& host) {
  std::vector<UdpSocket> held;
  std::vector<std::uint16_t> ports;
  const auto any = std::get<Endpoint>(parse_endpoint(host + ":0"));
  for (std::size_t i = 0; i < count; ++i) {
    auto s = UdpSocket::bind_to(any);
    if (!std::holds_alternative<UdpSocket>(s)) throw std::runtime_error("cannot bind a UDP port on " + host + ": " + std::get<std::string>(s));
    ports.push_back(std::get<UdpSocket>(s).local_port());
    held.push_back(std::move(std::get<UdpSocket>(s)));  // held until all are chosen: distinct
  }
  return ports;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout, std::chrono::milliseconds step) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
}

ClusterHarness::ClusterHarness(std::string name, std::vector<NodeSpec> nodes, std::vector<std::string> common_args,
                               std::string host)
    : name_(std::move(name)), host_(std::move(host)), nodes_(std::move(nodes)), common_args_(std::move(common_args)) {
  dir_ = std::string(CLOCKSIM_BINARY_DIR) + "/daemon-itest/" + name_;
  std::filesystem::remove_all(dir_);  // logs are appended across restarts within one test
  std::filesystem::create_directories(dir_);
  data_ports_ = free_udp_ports(nodes_.size(), host_);
  pids_.assign(nodes_.size(), -1);
}

ClusterHarness::~ClusterHarness() {
  for (std::size_t i = 0; i < pids_.size(); ++i) kill_hard(i);
}

std::size_t ClusterHarness::index_of(std::uint32_t id) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].id == id) return i;
  }
  return nodes_.size();
}

std::string ClusterHarness::status_address(std::size_t i) const {
  return dir_ + "/n" + std::to_string(nodes_[i].id) + ".sock";
}

std::string ClusterHarness::key_file(std::uint32_t id) const { return dir_ + "/node" + std::to_string(id) + ".keys"; }

void ClusterHarness::start_all() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) start(i);
}

void ClusterHarness::start(std::size_t i) {
  if (!keys_written_) {
    // Fresh pair keys for every member, external peers included (the test may play them).
    std::vector<NodeId> ids;
    for (const auto& n : nodes_) ids.push_back(n.id);
    for (const auto& [id, port] : external_) ids.push_back(id);
    const auto rings = wire::pairwise_keyrings(ids, 1);
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (auto e = wire::write_secret_file(key_file(ids[k]), rings[k], true)) throw std::runtime_error(*e);
    }
    keys_written_ = true;
  }
  {
    std::vector<std::string> args = {CLOCKSYNCD_PATH,
                                     "--id", std::to_string(nodes_[i].id),
                                     "--listen", (nodes_[i].listen_host.empty() ? host_ : nodes_[i].listen_host) + ":" +
                                                     std::to_string(data_ports_[i]),
                                     "--control", status_address(i),
                                     "--drift-ppm", std::to_string(nodes_[i].drift_ppm),
                                     "--offset", std::to_string(static_cast<long long>(nodes_[i].offset_ms * 1000)) + "us"};
    if (nodes_[i].without_key) {
      args.push_back("--insecure");
    } else {
      args.push_back("--key-file");
      args.push_back(key_file(nodes_[i].id));
    }
    for (std::size_t j = 0; j < nodes_.size(); ++j) {
      if (j == i) continue;
      args.push_back("--peer");
      const auto route = routes_.find({nodes_[i].id, nodes_[j].id});
      const std::uint16_t port = route != routes_.end() ? route->second : data_ports_[j];
      args.push_back(std::to_string(nodes_[j].id) + "@" + host_ + ":" + std::to_string(port));
    }
    for (const auto& [id, port] : external_) {
      args.push_back("--peer");
      args.push_back(std::to_string(id) + "@" + host_ + ":" + std::to_string(port));
    }
    // Started as root (containers, CI): the daemon insists on dropping to an unprivileged user.
    if (::geteuid() == 0) {
      args.push_back("--user");
      args.push_back("nobody");
    }
    args.insert(args.end(), common_args_.begin(), common_args_.end());
    args.insert(args.end(), nodes_[i].extra_args.begin(), nodes_[i].extra_args.end());

    const std::string log = dir_ + "/n" + std::to_string(nodes_[i].id) + ".log";
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int fd = nodes_[i].output_fd >= 0 ? nodes_[i].output_fd : ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
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
    pids_[i] = pid;
  }
}

void ClusterHarness::kill_hard(std::size_t i) {
  if (pids_[i] <= 0) return;
  ::kill(pids_[i], SIGKILL);
  int st = 0;
  ::waitpid(pids_[i], &st, 0);
  pids_[i] = -1;
}

std::optional<int> ClusterHarness::stop_gracefully(std::size_t i, std::chrono::milliseconds timeout) {
  if (pids_[i] <= 0) return std::nullopt;
  ::kill(pids_[i], SIGTERM);
  std::optional<int> code;
  wait_until(
      [&] {
        int st = 0;
        if (::waitpid(pids_[i], &st, WNOHANG) == pids_[i]) {
          code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
          return true;
        }
        return false;
      },
      timeout, std::chrono::milliseconds(20));
  if (code) {
    pids_[i] = -1;
  } else {
    kill_hard(i);
  }
  return code;
}

std::optional<nlohmann::json> ClusterHarness::status(std::size_t i, int timeout_ms) const {
  if (pids_[i] <= 0) return std::nullopt;
  auto r = query_status(status_address(i), timeout_ms);
  if (auto* j = std::get_if<nlohmann::json>(&r)) return *j;
  return std::nullopt;
}

std::string read_file_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string ClusterHarness::log_tail(std::size_t i, std::size_t bytes) const {
  const std::string s = read_file_text(dir_ + "/n" + std::to_string(nodes_[i].id) + ".log");
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

}  // namespace clocksim::daemon::testing
