#include "daemon/loop/daemon_loop.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace clocksim::daemon {

namespace {
// Larger than any valid packet, so that an oversized datagram is seen whole (MSG_TRUNC reports
// the real length anyway).
constexpr std::size_t kReceiveBuffer = 2048;

std::shared_ptr<const std::vector<NodeId>> member_ids(const LoopConfig& config) {
  auto ids = std::make_shared<std::vector<NodeId>>();
  ids->push_back(config.self);
  for (const auto& p : config.peers) ids->push_back(p.id);
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  return ids;
}
}  // namespace

DaemonLoop::DaemonLoop(LoopConfig config, std::unique_ptr<Algorithm> algorithm, node::Clock& clock,
                       const node::wire::ClusterKey* key, node::Logger& log)
    : config_(std::move(config)), clock_(clock), key_(key), log_(log) {
  node::NodeLoopConfig node_config{config_.self, member_ids(config_), config_.cluster, config_.sync_kind,
                                   config_.election_kind};
  loop_ = std::make_unique<node::NodeLoop>(std::move(node_config), std::move(algorithm),
                                           node::NodeLoopHost{clock_, host_, *this, timers_, log_, nullptr}, key_);
}

DaemonLoop::~DaemonLoop() {
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

std::optional<std::string> DaemonLoop::open() {
  auto listen = parse_endpoint(config_.listen);
  if (auto* e = std::get_if<std::string>(&listen)) return "listen: " + *e;
  auto status = parse_endpoint(config_.status);
  if (auto* e = std::get_if<std::string>(&status)) return "status: " + *e;
  for (const auto& p : config_.peers) {
    if (p.id == config_.self) return "peer " + std::to_string(p.id) + " has this node's own id";
    auto ep = parse_endpoint(p.address);
    if (auto* e = std::get_if<std::string>(&ep)) return "peer " + std::to_string(p.id) + ": " + *e;
    if (!peers_.emplace(p.id, std::get<Endpoint>(ep)).second) return "peer " + std::to_string(p.id) + " listed twice";
  }
  auto data = UdpSocket::bind_to(std::get<Endpoint>(listen));
  if (auto* e = std::get_if<std::string>(&data)) return "listen: " + *e;
  data_socket_ = std::move(std::get<UdpSocket>(data));
  auto stat = UdpSocket::bind_to(std::get<Endpoint>(status));
  if (auto* e = std::get_if<std::string>(&stat)) return "status: " + *e;
  status_socket_ = std::move(std::get<UdpSocket>(stat));
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop_fd_ < 0) return std::string("eventfd: ") + std::strerror(errno);
  return std::nullopt;
}

std::optional<std::string> DaemonLoop::watch_termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return std::string("signalfd: ") + std::strerror(errno);
  return std::nullopt;
}

void DaemonLoop::request_stop() {
  const std::uint64_t one = 1;
  if (stop_fd_ >= 0) {
    [[maybe_unused]] const ssize_t n = ::write(stop_fd_, &one, sizeof one);
  }
}

int DaemonLoop::poll_timeout_ms() {
  const auto next = timers_.next_deadline();
  if (!next) return -1;
  const std::int64_t wait_ns = *next - host_.monotonic_ns();
  if (wait_ns <= 0) return 0;
  // Round up: waking early would only make us sleep again for the remainder.
  const std::int64_t ms = (wait_ns + 999'999) / 1'000'000;
  return static_cast<int>(std::min<std::int64_t>(ms, std::numeric_limits<int>::max()));
}

void DaemonLoop::run() {
  log_.write("start", {{"node", config_.self},
                       {"listen", config_.listen},
                       {"listen_port", listen_port()},
                       {"status_port", status_port()},
                       {"peers", peers_.size()},
                       {"clock", clock_.backend()},
                       {"auth", key_ ? "hmac-sha256" : "none"},
                       {"sync", config_.sync_kind},
                       {"election", config_.election_kind}});
  loop_->start();
  while (!stopping_) {
    pollfd fds[4] = {{data_socket_.fd(), POLLIN, 0}, {status_socket_.fd(), POLLIN, 0}, {stop_fd_, POLLIN, 0},
                     {signal_fd_, POLLIN, 0}};
    const nfds_t nfds = signal_fd_ >= 0 ? 4 : 3;
    const int rc = ::poll(fds, nfds, poll_timeout_ms());
    if (rc < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
    if (rc > 0) {
      if ((fds[2].revents & POLLIN) || (nfds == 4 && (fds[3].revents & POLLIN))) {
        if (nfds == 4 && (fds[3].revents & POLLIN)) {
          signalfd_siginfo info{};
          [[maybe_unused]] const ssize_t n = ::read(signal_fd_, &info, sizeof info);
          log_.write("signal", {{"node", config_.self}, {"signo", info.ssi_signo}});
        }
        stopping_ = true;
        break;
      }
      if (fds[0].revents & POLLIN) receive_datagrams();
      if (fds[1].revents & POLLIN) answer_status();
    }
    fire_due_timers();
  }
  loop_->shutdown();
  const Counters& c = loop_->counters();
  log_.write("stop", {{"node", config_.self}, {"packets_in", c.packets_in}, {"packets_out", c.packets_out},
                      {"dropped", c.dropped_total()}});
}

void DaemonLoop::receive_datagrams() {
  std::array<std::uint8_t, kReceiveBuffer> buf{};
  // Drain what is queued, but bounded so timers and signals are not starved by a flood.
  for (int i = 0; i < 256; ++i) {
    sockaddr_in from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(data_socket_.fd(), buf.data(), buf.size(), MSG_TRUNC,
                                 reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;  // EAGAIN: drained
    if (static_cast<std::size_t>(n) > buf.size()) {
      loop_->on_oversized_datagram();
      continue;
    }
    loop_->on_datagram({buf.data(), static_cast<std::size_t>(n)});
  }
}

void DaemonLoop::fire_due_timers() {
  for (;;) {
    const auto id = timers_.pop_due(host_.monotonic_ns());
    if (!id) return;
    loop_->on_timer(*id);
  }
}

bool DaemonLoop::send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message&) {
  const auto it = peers_.find(to);
  if (it == peers_.end()) return false;
  return data_socket_.send_to(bytes, it->second.addr);
}

nlohmann::json DaemonLoop::status_json() {
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& [id, ep] : peers_) peers.push_back({{"id", id}, {"address", ep.text}});
  return loop_->status_json(std::move(peers));
}

void DaemonLoop::answer_status() {
  std::array<std::uint8_t, 512> buf{};
  for (int i = 0; i < 64; ++i) {
    sockaddr_in from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(status_socket_.fd(), buf.data(), buf.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;
    const std::string_view request(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
    if (request.substr(0, 6) != "status") continue;  // anything else: no answer
    loop_->count_status_query();
    const std::string body = status_json().dump();
    ::sendto(status_socket_.fd(), body.data(), body.size(), 0, reinterpret_cast<const sockaddr*>(&from), from_len);
  }
}

}  // namespace clocksim::daemon
