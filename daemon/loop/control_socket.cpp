#include "daemon/loop/control_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>
#include <vector>

namespace clocksim::daemon {

ControlSocket::~ControlSocket() {
  if (unix_fd_ >= 0) ::close(unix_fd_);
  if (unlink_on_close_) ::unlink(config_.unix_path.c_str());
}

std::optional<std::string> ControlSocket::path_problem(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISSOCK(st.st_mode)) return path + ": exists and is not a socket";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return std::nullopt;  // open() refuses it by its length
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int probe = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return std::nullopt;
  // Connecting to a datagram socket's path succeeds only while a process has it bound; the file of
  // a run that has ended gives ECONNREFUSED.
  const bool live = ::connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(probe);
  if (!live) return std::nullopt;
  return "control socket " + path +
         " is in use: a running process (another clocksyncd?) answers on it; stop that one, or give this node a "
         "control path of its own (control: / --control)";
}

std::optional<std::string> ControlSocket::open(const ControlConfig& config) {
  config_ = config;
  if (!config.unix_path.empty()) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (config.unix_path.size() >= sizeof addr.sun_path) return "control socket path is too long: " + config.unix_path;
    std::memcpy(addr.sun_path, config.unix_path.c_str(), config.unix_path.size() + 1);
    // A socket file left by a run that has ended (a crash) is replaced; a live socket and any
    // other file are not touched.
    if (auto e = path_problem(config.unix_path)) return e;
    ::unlink(config.unix_path.c_str());
    unix_fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (unix_fd_ < 0) return std::string("control socket: ") + std::strerror(errno);
    // Created 0660 from the start (no window in which others could connect).
    const mode_t old = ::umask(0117);
    const int rc = ::bind(unix_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    ::umask(old);
    if (rc != 0) return "cannot bind control socket " + config.unix_path + ": " + std::strerror(errno);
    unlink_on_close_ = true;
  }
  if (!config.udp.empty()) {
    auto ep = parse_bind_address(config.udp);
    if (auto* e = std::get_if<std::string>(&ep)) return "status: " + *e;
    const Endpoint& at = std::get<Endpoint>(ep);
    if (!at.addr.is_loopback() && !config.allow_remote_udp) {
      return "status: " + config.udp +
             " is not a loopback address; the status socket answers anyone who can reach it, so a "
             "non-loopback bind needs --allow-remote-status (or use the Unix control socket)";
    }
    auto s = UdpSocket::bind_to(at);
    if (auto* e = std::get_if<std::string>(&s)) return "status: " + *e;
    udp_ = std::move(std::get<UdpSocket>(s));
    udp_rate_.emplace(config.udp_per_source_per_second, config.udp_overall_per_second);
  }
  return std::nullopt;
}

namespace {

// The member a status request's page starts at: "status" is 0, "status 120" is 120 (a UDP request
// is padded with NULs after it). Nullopt for anything else.
std::optional<std::size_t> status_request(std::string_view request) {
  static constexpr std::string_view kRequest = "status";
  if (request.substr(0, kRequest.size()) != kRequest) return std::nullopt;
  request.remove_prefix(kRequest.size());
  request = request.substr(0, request.find('\0'));
  if (request.empty()) return 0;
  if (request.front() != ' ' || request.size() < 2 || request.size() > 21) return std::nullopt;
  std::size_t from = 0;
  const char* first = request.data() + 1;
  const auto [end, ec] = std::from_chars(first, request.data() + request.size(), from);
  if (ec != std::errc() || end != request.data() + request.size()) return std::nullopt;
  return from;
}

}  // namespace

void ControlSocket::serve(int fd, const Answer& answer, node::MonoTime now) {
  std::vector<std::uint8_t> buf(kMaxReplyBytes + 1);
  const bool udp = fd == udp_.fd();
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(fd, buf.data(), buf.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;
    const std::size_t size = static_cast<std::size_t>(n);
    const std::string_view request(reinterpret_cast<const char*>(buf.data()), std::min(size, buf.size()));
    const auto peers_from = status_request(request);
    if (!peers_from) {
      ++counters_.ignored;
      continue;
    }
    if (udp) {
      const auto source = SocketAddress::from(from, from_len);
      const auto verdict = source ? udp_rate_->judge(*source, now.ns()) : StatusRateLimit::Verdict::kSourceOverRate;
      if (verdict == StatusRateLimit::Verdict::kSourceOverRate) {
        ++counters_.rate_limited_source;
        continue;
      }
      if (verdict == StatusRateLimit::Verdict::kOverallOverRate) {
        ++counters_.rate_limited_overall;
        continue;
      }
    }
    const std::size_t max_bytes = udp ? std::min(size, kMaxReplyBytes) : kMaxReplyBytes;
    std::string reply = answer(*peers_from, max_bytes);
    if (udp && reply.size() > size && reply.size() <= kMaxReplyBytes) {
      // Never more bytes out than in: a short (spoofable) request gets at most a short error.
      ++counters_.too_small;
      reply = R"({"error":"pad the request to )" + std::to_string(reply.size()) + R"( bytes"})";
      if (reply.size() > size) continue;
    } else if (reply.size() > max_bytes) {
      // Not even one member fits beside the node's own state: said, never sent cut short.
      ++counters_.too_large;
      reply = R"({"error":"a status page of )" + std::to_string(reply.size()) + R"( bytes does not fit in a datagram"})";
      if (udp && reply.size() > size) continue;
    } else {
      ++counters_.answered;
    }
    // A Unix datagram stays charged to the socket that sent it until its receiver reads it, so
    // answers a client never reads would fill the control socket's send buffer and mute it for
    // everyone. Each answer goes out from a socket of its own instead: a client that does not
    // read holds only its own answers, and once its queue is full (net.unix.max_dgram_qlen) the
    // next answer to it is dropped and counted.
    const int out = udp ? -1 : ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const ssize_t sent =
        ::sendto(out >= 0 ? out : fd, reply.data(), reply.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&from), from_len);
    if (out >= 0) ::close(out);
    if (sent < 0) ++counters_.send_failed;
  }
}

}  // namespace clocksim::daemon
